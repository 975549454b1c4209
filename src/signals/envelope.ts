import { read, TEXT_LIMIT } from "./read.js";

/** The service's own code and message, from its error body. */
export interface ServiceError {
  code?: string;
  message?: string;
}

/**
 * The envelope exactly as the service writes it, with no escape sequence in either string: read
 * without JSON.parse, which costs three times as much. Anything else goes to JSON.parse.
 */
// eslint-disable-next-line no-control-regex -- a JSON string cannot hold a raw control character
const PLAIN_ENVELOPE = /^\{"error":\{"code":"([^"\\\u0000-\u001f]*)","message":"([^"\\\u0000-\u001f]*)"\}\}$/;

/**
 * The `{ error: { code, message } }` envelope, parsed only when the body is small enough to be one.
 *
 * @param text - the response body.
 */
export function parseServiceError(text: string): ServiceError {
  if (text.length === 0 || text.length > TEXT_LIMIT * 16) return {};
  const start = text.trimStart()[0];
  if (start !== "{") return {};
  const plain = PLAIN_ENVELOPE.exec(text);
  if (plain) return { code: plain[1], message: plain[2] };
  try {
    const parsed: unknown = JSON.parse(text);
    const error = read(parsed, "error");
    const code = read(error, "code");
    const message = read(error, "message") ?? read(parsed, "message") ?? read(parsed, "Message");
    return {
      code: typeof code === "string" ? code : undefined,
      message: typeof message === "string" ? message : undefined,
    };
  } catch {
    return {};
  }
}
