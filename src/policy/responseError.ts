import { RestError, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { redact, redactValue } from "../redaction/index.js";
import { evidenceFrom } from "../signals/clean.js";
import type { FailureSignals } from "../types.js";

/** The largest error body parsed into `details`; a larger one is not an Azure error envelope. */
const DETAILS_LIMIT = 1024 * 1024;

/**
 * How many characters of the strings in `details` are read and kept, redacted: an Azure error
 * envelope holds a few hundred; past the bound a string is cut and the rest withheld.
 */
const DETAILS_TEXT_LIMIT = 8 * 1024;

/**
 * The error a client would reject a response with, as the SDK builds it: the service's message (or
 * `Unexpected status code`), its code, the status, the request and the response, and the parsed body
 * in `details`, redacted after parsing.
 *
 * @param request - the request.
 * @param response - the failing response.
 * @param signals - the failure's raw signals, which hold the service's code and message.
 * @param secrets - the request's credential values.
 */
export function responseError(
  request: PipelineRequest,
  response: PipelineResponse,
  signals: FailureSignals,
  secrets: readonly string[],
): RestError {
  const message = signals.serviceMessage;
  const error = new RestError(
    message === undefined ? `Unexpected status code: ${response.status}` : redact(message, secrets),
    {
      // The service's code as the evidence keeps it: of its shape, and holding no secret.
      code: evidenceFrom(signals).serviceCode,
      statusCode: response.status,
      request,
      response,
    },
  );
  error.details = parseBody(response.bodyAsText, secrets);
  return error;
}

/**
 * The parsed error body, redacted: `details` shows in `util.inspect` and `JSON.stringify` of the error.
 * Parsed first, so that a secret the body wrote with JSON escapes (`\u002B`, `AccountKey\u003d`) is
 * redacted as the value it stands for, and every value under a credential's name is removed.
 */
function parseBody(text: string | null | undefined, secrets: readonly string[]): unknown {
  if (!text || text.length > DETAILS_LIMIT) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return redactValue(parsed, secrets, { maxCharacters: DETAILS_TEXT_LIMIT });
}
