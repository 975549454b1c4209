import type { HttpHeaders, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { credentialsOf, type RequestCredentials } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";
import { withSecrets } from "./clean.js";
import { parseServiceError } from "./envelope.js";
import { blankSignals, BODY_LIMIT, bounded, CODE_LIMIT, TEXT_LIMIT } from "./read.js";
import { addProxyFacts, addRequestFacts } from "./request.js";

const BEARER = /^\s*bearer\b/i;

/** The reason a `WWW-Authenticate` challenge gives: its quoted `error_description`. */
const CHALLENGE_DESCRIPTION = /\berror_description="([^"]{1,300})"/i;

/**
 * Storage's XML `<AuthenticationErrorDetail>`, looked for only near the start of a body; its text is
 * cut to {@link AUTHENTICATION_DETAIL_LIMIT} after the match (V8 runs `[^<]{1,1024}` half as fast).
 */
const AUTHENTICATION_DETAIL = /<AuthenticationErrorDetail>([^<]+)/;
const AUTHENTICATION_DETAIL_LIMIT = 1024;
const AUTHENTICATION_DETAIL_SEARCH = TEXT_LIMIT;

/** The client address in Key Vault's `x-ms-keyvault-network-info: conn_type=Ipv4;addr=203.0.113.7;…`. */
const NETWORK_INFO_ADDRESS = /(?:^|;)\s*addr=([0-9A-Fa-f.:]{2,45})\s*(?:;|$)/;

/** The services whose throttling causes quote the wait they asked for. */
const WAITS_QUOTED: ReadonlySet<FailureSignals["service"]> = new Set([
  "keyVault",
  "appConfiguration",
  "resourceManager",
]);

/** Resource Manager's rate-limit headers, by the budget each counts. */
const RATE_LIMITS: readonly [string, string][] = [
  "subscription-reads",
  "subscription-writes",
  "tenant-reads",
  "tenant-writes",
  "subscription-deletes",
  "tenant-deletes",
].map((budget) => [`x-ms-ratelimit-remaining-${budget}`, budget]);

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
  addRequestFacts(signals, request, credentials);
  const proxySecrets = addProxyFacts(signals, request, credentials.headers);
  addResponseFacts(signals, response);
  const secrets = proxySecrets.length > 0 ? [...credentials.secrets, ...proxySecrets] : credentials.secrets;
  return withSecrets(signals, secrets);
}

/**
 * The raw facts of an error response: status, the service's error envelope (code, message, inner code,
 * problem type) and code header, a body excerpt, the request id, the content type, the authentication
 * challenge and its reason, Storage's authentication detail, and the headers Key Vault and Resource
 * Manager add to a refusal (the client address, the failure cause, rate limits, Retry-After).
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
  const raw: unknown = response.status;
  const status = Number.isInteger(raw) ? (raw as number) : undefined;
  signals.status = status;
  signals.body = bounded(text, BODY_LIMIT);
  if (code) signals.serviceCode = bounded(code, CODE_LIMIT);
  if (serviceError.message !== undefined) signals.serviceMessage = bounded(serviceError.message);
  if (serviceError.innerCode !== undefined) signals.innerCode = bounded(serviceError.innerCode, CODE_LIMIT);
  if (serviceError.problemType !== undefined)
    signals.problemType = bounded(serviceError.problemType, CODE_LIMIT);
  signals.requestId = requestId ? bounded(requestId, CODE_LIMIT) : undefined;
  signals.fromAzure = signals.requestId !== undefined;
  signals.contentType = headers.get("content-type")?.toLowerCase();
  const challenge = headers.get("www-authenticate") ?? "";
  if (challenge !== "") {
    signals.bearerChallenge = BEARER.test(challenge);
    signals.challengeDescription = CHALLENGE_DESCRIPTION.exec(challenge)?.[1];
  }
  if (signals.service === "storage") {
    // Near the start only: a body of megabytes is not Storage's error, and must not cost a scan.
    const start = bounded(text, AUTHENTICATION_DETAIL_SEARCH);
    if (start.includes("<AuthenticationErrorDetail>")) {
      signals.authenticationDetail = AUTHENTICATION_DETAIL.exec(start)?.[1]?.slice(
        0,
        AUTHENTICATION_DETAIL_LIMIT,
      );
    }
  }
  addRefusalHeaders(signals, headers, status);
  addAnswererFacts(signals, response);
}

/**
 * The headers some services add to a refusal: where the client stood (Key Vault), who refused and which
 * budget ran out (Resource Manager), when to come back (the services whose causes quote it). Each is
 * read only from the service that sends it: a header read costs as much as the rest of a failure's reading.
 */
function addRefusalHeaders(signals: FailureSignals, headers: HttpHeaders, status: number | undefined): void {
  const service = signals.service;
  if (service === "keyVault") {
    const networkInfo = headers.get("x-ms-keyvault-network-info");
    if (networkInfo !== undefined) signals.clientAddress = NETWORK_INFO_ADDRESS.exec(networkInfo)?.[1];
  }
  if (service === "resourceManager") {
    const failureCause = headers.get("x-ms-failure-cause");
    if (failureCause !== undefined && /^[A-Za-z-]{1,32}$/.test(failureCause)) {
      signals.failureCause = failureCause;
    }
  }
  if ((status !== 429 && status !== 503) || !WAITS_QUOTED.has(service)) return;
  signals.retryAfterSeconds = retryAfterOf(headers);
  if (status !== 429 || service !== "resourceManager") return;
  // One copy by lower-case name for the six: a get() lower-cases and hashes its name anew, and these
  // names are long (six gets 550 ns, the copy and six reads 130). Headers of another make are asked.
  const byName = typeof headers.toJSON === "function" ? headers.toJSON() : undefined;
  const exhausted: string[] = [];
  for (const [header, budget] of RATE_LIMITS) {
    const remaining: unknown = byName ? byName[header] : headers.get(header);
    if (typeof remaining === "string" && remaining.trim() === "0") exhausted.push(budget);
  }
  if (exhausted.length > 0) signals.rateLimitExhausted = exhausted.join(",");
}

/** Seconds from `retry-after-ms` (App Configuration) or `Retry-After` (seconds or an HTTP date). */
function retryAfterOf(headers: HttpHeaders): number | undefined {
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const value = headers.get("retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
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
  signals.server = answerHeader(headers, "server");
  signals.via = answerHeader(headers, "via");
  signals.squidError = answerHeader(headers, "x-squid-error");
  const proxyChallenge = headers.get("proxy-authenticate");
  signals.proxyChallenge = proxyChallenge !== undefined;
  const realm = BASIC_REALM.exec(bounded(proxyChallenge ?? headers.get("www-authenticate") ?? "", 1024));
  if (realm?.[1]) signals.basicRealm = bounded(realm[1], ANSWER_LIMIT);
}

/** A header that names what answered, trimmed and bounded; an empty one as absent. */
function answerHeader(headers: HttpHeaders, name: string): string | undefined {
  const value = headers.get(name)?.trim();
  return value ? bounded(value, ANSWER_LIMIT) : undefined;
}
