import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { credentialsOf, type RequestCredentials } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";
import { cleaned } from "./clean.js";
import { parseServiceError } from "./envelope.js";
import { blankSignals, BODY_LIMIT, bounded, CODE_LIMIT } from "./read.js";
import { addRequestFacts } from "./request.js";

const BEARER = /^\s*bearer\b/i;

/**
 * Reads the facts of a failure from a response the client will reject: first every raw fact, then
 * what may leave is redacted, once.
 *
 * @param request - the request as it was sent.
 * @param response - the response that came back.
 * @param credentials - the request's credentials, when the caller has already read them.
 */
export function signalsFromResponse(
  request: PipelineRequest,
  response: PipelineResponse,
  credentials: RequestCredentials = credentialsOf(request),
): FailureSignals {
  const signals = blankSignals();
  addRequestFacts(signals, request, credentials.kind);
  addResponseFacts(signals, response);
  return cleaned(signals, credentials.secrets);
}

/**
 * The raw facts of an error response: status, the service's error envelope and code header, a body
 * excerpt, the request id, the content type and the authentication challenge.
 *
 * @param signals - the signals to fill in.
 * @param response - the response.
 */
export function addResponseFacts(signals: FailureSignals, response: PipelineResponse): void {
  const text = typeof response.bodyAsText === "string" ? response.bodyAsText : "";
  const serviceError = parseServiceError(text);
  const headers = response.headers;
  const requestId = headers.get("request-id") ?? headers.get("x-ms-request-id");
  // Storage names its error in a header, the only place it shows on a HEAD request.
  const code = serviceError.code || headers.get("x-ms-error-code");
  const status: unknown = response.status;
  signals.status = Number.isInteger(status) ? (status as number) : undefined;
  signals.body = bounded(text, BODY_LIMIT);
  if (code) signals.serviceCode = bounded(code, CODE_LIMIT);
  if (serviceError.message !== undefined) signals.serviceMessage = bounded(serviceError.message);
  signals.requestId = requestId ? bounded(requestId, CODE_LIMIT) : undefined;
  signals.fromAzure = signals.requestId !== undefined;
  signals.contentType = headers.get("content-type")?.toLowerCase();
  signals.bearerChallenge = BEARER.test(headers.get("www-authenticate") ?? "");
}
