import { RestError, type PipelineRequest } from "@azure/core-rest-pipeline";
import { INSECURE_REQUEST_REFUSED } from "../codes.js";
import { hostOf, isLoopbackHost, parseUrl } from "../net/hosts.js";
import { carriesCredentials } from "../redaction/index.js";

/**
 * Whether a request would carry credentials over plain HTTP to another machine: an http:// URL (read
 * as the HTTP client reads it) to a host other than loopback, with any credential of the secrets table.
 *
 * @param request - the request about to be sent.
 */
export function sendsCredentialsInClear(request: PipelineRequest): boolean {
  if (!/^\s*h\s*t\s*t\s*p\s*:/i.test(request.url)) return false;
  const url = parseUrl(request.url);
  if (url === undefined || url.protocol !== "http:" || isLoopbackHost(url.hostname)) return false;
  return carriesCredentials(request);
}

/**
 * The error the policy throws instead of sending such a request.
 *
 * @param request - the refused request.
 */
export function insecureRequestRefusal(request: PipelineRequest): RestError {
  return new RestError(
    `Refused to send credentials over plain HTTP to ${hostOf(request.url)}; use an https:// endpoint.`,
    { code: INSECURE_REQUEST_REFUSED, request },
  );
}
