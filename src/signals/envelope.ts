import { read, TEXT_LIMIT } from "./read.js";

/** The service's own code and message, from its error body. */
export interface ServiceError {
  code?: string;
  message?: string;
  /** Key Vault's `error.innererror.code`, or Resource Manager's first `error.details[].code`. */
  innerCode?: string;
  /** The `type` of a problem+json body. */
  problemType?: string;
}

/**
 * The envelope exactly as the service writes it, with no escape sequence in either string: read
 * without JSON.parse, which costs three times as much. Anything else but {@link INNER_ENVELOPE} goes to
 * JSON.parse.
 */
// eslint-disable-next-line no-control-regex -- a JSON string cannot hold a raw control character
const PLAIN_ENVELOPE = /^\{"error":\{"code":"([^"\\\u0000-\u001f]*)","message":"([^"\\\u0000-\u001f]*)"\}\}$/;

/**
 * Key Vault's envelope exactly as it writes it, with its inner code: the message may hold JSON escapes
 * (its RBAC refusal puts `\r\n` before the action), decoded as JSON.parse decodes them. The message is
 * read as runs of plain characters between escapes, each run by one class: an alternation tried at
 * every character reads a 600-character refusal in twice the time.
 */
const INNER_ENVELOPE =
  // eslint-disable-next-line no-control-regex -- a JSON string cannot hold a raw control character
  /^\{"error":\{"code":"([^"\\\u0000-\u001f]*)","message":"([^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})[^"\\\u0000-\u001f]*)*)","innererror":\{"code":"([^"\\\u0000-\u001f]*)"\}\}\}$/;

/**
 * The `{ error: { code, message } }` envelope with its inner code, or a problem+json body's type and
 * title, parsed only when the body is small enough to be one.
 *
 * @param text - the response body.
 */
export function parseServiceError(text: string): ServiceError {
  if (text.length === 0 || text.length > TEXT_LIMIT * 16) return {};
  if (firstNonBlank(text) !== OPEN_BRACE) return {};
  // Each pattern's end tells it from the other: `"}}` ends the plain one, `"}}}` the inner one. A
  // pattern that fails reads back over its message, so only the one the end allows is tried.
  const tail = text.charCodeAt(text.length - 3);
  const plain = tail === QUOTE ? PLAIN_ENVELOPE.exec(text) : null;
  if (plain) return { code: plain[1], message: plain[2] };
  const inner = tail === CLOSE_BRACE ? INNER_ENVELOPE.exec(text) : null;
  if (inner) {
    const message = inner[2]!;
    return {
      code: inner[1],
      message: message.includes("\\") ? (JSON.parse(`"${message}"`) as string) : message,
      innerCode: inner[3] || undefined,
    };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const error = read(parsed, "error");
    const code = read(error, "code");
    const type = read(parsed, "type");
    const message =
      read(error, "message") ??
      read(parsed, "message") ??
      read(parsed, "Message") ??
      (typeof type === "string" ? read(parsed, "title") : undefined);
    return {
      code: typeof code === "string" ? code : undefined,
      message: typeof message === "string" ? message : undefined,
      innerCode: innerCodeOf(error),
      problemType: typeof type === "string" ? type : undefined,
    };
  } catch {
    return {};
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;

/** The first character of a text that `trimStart()` would keep, as a code; NaN for none. */
function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === OPEN_BRACE) return code;
    // ASCII white space (tab to carriage return, space) is skipped here; past ASCII, trimStart decides.
    if (code !== 0x20 && (code < 0x09 || code > 0x0d)) {
      return code < 0x80 ? code : text.trimStart().charCodeAt(0);
    }
  }
  return Number.NaN;
}

/**
 * The code inside a service's error object: `innererror.code` as Key Vault sends it (`innerError` once a
 * client has deserialized it), else the first of `details[].code` as Resource Manager sends it.
 *
 * @param error - the `error` object of a body, or of a client's `details`.
 */
export function innerCodeOf(error: unknown): string | undefined {
  const inner = read(read(error, "innererror"), "code") ?? read(read(error, "innerError"), "code");
  if (typeof inner === "string" && inner !== "") return inner;
  const details = read(error, "details");
  const first = Array.isArray(details) ? read(read(details, "0"), "code") : undefined;
  return typeof first === "string" && first !== "" ? first : undefined;
}
