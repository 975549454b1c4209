import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { carriesCredentials } from "../redaction/index.js";
import { SERVICES } from "../services.js";
import type { FailureSignals } from "../types.js";

/**
 * Whether a client takes this response as success, so the policy leaves it alone: below 400, the
 * statuses the caller asked to stream, and 404 on DELETE and HEAD (a delete of something already gone,
 * an existence check).
 *
 * @param request - the request.
 * @param response - its response.
 */
export function isAccepted(request: PipelineRequest, response: PipelineResponse): boolean {
  const status = response.status;
  if (status < 400) return true;
  const streamed = request.streamResponseStatusCodes;
  // Infinity in the set means "stream every status", as the SDK's HttpClient reads it.
  if (streamed?.has(status) || streamed?.has(Number.POSITIVE_INFINITY)) return true;
  return status === 404 && (request.method === "DELETE" || request.method === "HEAD");
}

/**
 * Whether a response is an authentication challenge rather than a failure: a 401 that asks for a
 * credential (`WWW-Authenticate`) of a request that carried none. Key Vault's clients send their first
 * request so on purpose, and answer the challenge with a token.
 *
 * @param request - the request.
 * @param response - its response.
 */
export function isChallenge(request: PipelineRequest, response: PipelineResponse): boolean {
  return response.status === 401 && response.headers.has("www-authenticate") && !carriesCredentials(request);
}

/**
 * Whether the service's clients turn this failure into a result with their own code (`exists()`,
 * `createIfNotExists()`, a poller's "not yet"), as {@link SERVICES} records for each service.
 *
 * @param request - the request.
 * @param signals - the failure's signals.
 */
export function isClientAnswer(request: PipelineRequest, signals: FailureSignals): boolean {
  if (signals.service === undefined || signals.status === undefined) return false;
  for (const answer of SERVICES[signals.service].clientAnswers) {
    if (answer.status !== signals.status) continue;
    if (answer.codes && !(signals.serviceCode !== undefined && answer.codes.includes(signals.serviceCode)))
      continue;
    if (answer.pathIncludes !== undefined && !pathOf(request.url).includes(answer.pathIncludes)) continue;
    return true;
  }
  return false;
}

/**
 * Whether the policy throws the service's failing responses itself, as {@link SERVICES} records.
 *
 * @param signals - the failure's signals.
 */
export function policyThrowsFor(signals: FailureSignals): boolean {
  return signals.service !== undefined && SERVICES[signals.service].policyThrows;
}

/** The path of a URL, lower-cased, without building a URL object. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.search(/[?#]/);
  return (end < 0 || end < start ? url.slice(start) : url.slice(start, end)).toLowerCase();
}
