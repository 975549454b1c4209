import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { credentialsOf, type RequestCredentials } from "../redaction/redact.js";
import type { FailureSignals } from "../types.js";
import { cleaned } from "./clean.js";
import { parseServiceError } from "./envelope.js";
import { blankSignals, BODY_LIMIT, bounded, CODE_LIMIT } from "./read.js";
import { addProxyFacts, addRequestFacts } from "./request.js";

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
  const proxySecrets = addProxyFacts(signals, request);
  addResponseFacts(signals, response);
  const secrets = proxySecrets.length > 0 ? [...credentials.secrets, ...proxySecrets] : credentials.secrets;
  return cleaned(signals, secrets);
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
  addAnswererFacts(signals, response);
}

// Who answered: the headers proxies and gateways name themselves in, and what their page says.

/** The longest header value kept: enough to name a product and its version. */
const ANSWER_LIMIT = 160;

const BASIC_REALM = /^\s*basic\b[^]*?\brealm="([^"]*)"/i;

/**
 * The headers that name what answered in the service's place: `Server`, `Via`, squid's
 * `X-Squid-Error`, a Basic challenge's realm.
 *
 * @param signals - the signals to fill in.
 * @param response - the response.
 */
function addAnswererFacts(signals: FailureSignals, response: PipelineResponse): void {
  // Azure's own answers carry a request id, and what they say is read from their error envelope.
  if (signals.fromAzure) return;
  const headers = response.headers;
  const header = (name: string): string | undefined => {
    const value = headers.get(name)?.trim();
    return value ? bounded(value, ANSWER_LIMIT) : undefined;
  };
  signals.server = header("server");
  signals.via = header("via");
  signals.squidError = header("x-squid-error");
  const proxyChallenge = headers.get("proxy-authenticate");
  signals.proxyChallenge = proxyChallenge !== undefined;
  const realm = BASIC_REALM.exec(bounded(proxyChallenge ?? headers.get("www-authenticate") ?? "", 1024));
  if (realm?.[1]) signals.basicRealm = bounded(realm[1], ANSWER_LIMIT);
}
