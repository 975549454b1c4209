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
  addAnswererFacts(signals, response, text);
}

// Who answered: the headers proxies and gateways name themselves in, and what their page says.

/** The longest header value or excerpt kept: enough to name a product and quote a page's title. */
const ANSWER_LIMIT = 160;

/** How much of a body is looked at for a title or a first line. */
const EXCERPT_SCAN = 8192;

const BASIC_REALM = /^\s*basic\b[^]*?\brealm="([^"]*)"/i;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/**
 * The headers that name what answered (`Server`, `Via`, squid's `X-Squid-Error`, a Basic challenge's
 * realm) and, for a body that is not JSON, its title or first line of text.
 *
 * @param signals - the signals to fill in.
 * @param response - the response.
 * @param text - its body.
 */
function addAnswererFacts(signals: FailureSignals, response: PipelineResponse, text: string): void {
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
  // A page is quoted only from something that is not the service: Azure's answers carry a request id.
  const start = signals.fromAzure ? "" : text.trimStart();
  if (start !== "" && !start.startsWith("{") && !start.startsWith("[")) signals.excerpt = excerptOf(text);
}

/** A page's title, or else its first line of text, on one line; in one pass, whatever the page. */
function excerptOf(text: string): string | undefined {
  const scanned = bounded(text, EXCERPT_SCAN);
  // ASCII only, so that every index into it is an index into the text.
  const lower = scanned.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const found = titleOf(scanned, lower) ?? firstTextLine(scanned, lower);
  if (!found) return undefined;
  const line = found
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_entity, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
  return line ? bounded(line, ANSWER_LIMIT) : undefined;
}

function titleOf(text: string, lower: string): string | undefined {
  const open = lower.indexOf("<title");
  const start = open < 0 ? -1 : lower.indexOf(">", open);
  if (start < 0) return undefined;
  const end = lower.indexOf("<", start);
  const title = text.slice(start + 1, end < 0 ? text.length : end).trim();
  return title || undefined;
}

/** The first non-blank line of the text outside tags, scripts and styles; each tag ends a line. */
function firstTextLine(text: string, lower: string): string | undefined {
  let at = 0;
  while (at < text.length) {
    const open = lower.indexOf("<", at);
    for (const piece of text.slice(at, open < 0 ? text.length : open).split("\n")) {
      if (piece.trim() !== "") return piece;
    }
    const close = open < 0 ? -1 : lower.indexOf(">", open);
    if (close < 0) return undefined;
    at = close + 1;
    const hidden = /^<\s*(script|style)\b/.exec(lower.slice(open, open + 8))?.[1];
    if (hidden) {
      const skip = lower.indexOf(`</${hidden}`, at);
      if (skip < 0) return undefined;
      at = skip;
    }
  }
  return undefined;
}
