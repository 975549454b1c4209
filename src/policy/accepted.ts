import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";

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
