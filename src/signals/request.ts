import type { PipelineRequest } from "@azure/core-rest-pipeline";
import {
  proxyLabel,
  proxySecrets,
  requestProxy,
  sendsProxyCredentials,
  type ProxyRoute,
} from "../net/proxy.js";
import { isUpperCase } from "../redaction/text.js";
import { serviceOfHost, serviceOfUserAgent } from "../services.js";
import type { RequestCredentials } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";
import { operationOf } from "./operation.js";

/** The methods a request of the SDK may carry; anything else is not quoted as evidence. */
const HTTP_METHODS: ReadonlySet<unknown> = new Set([
  "GET",
  "PUT",
  "POST",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "CONNECT",
]);

/**
 * The request facts shared by every kind of failure: method, scheme, host, service, operation and the
 * kind of credential.
 *
 * @param signals - the signals to fill in.
 * @param request - the request as it was sent.
 * @param credentials - its credentials, read with its headers, which the service is read from.
 */
export function addRequestFacts(
  signals: FailureSignals,
  request: PipelineRequest,
  credentials: RequestCredentials,
): void {
  // Each read once: a getter may answer differently the next time, and evidence must hold its type.
  const method: unknown = request.method;
  signals.method = HTTP_METHODS.has(method) ? (method as string) : undefined;
  signals.credential = credentials.kind;
  const href: unknown = request.url;
  const url = typeof href === "string" ? httpUrlOf(href) : undefined;
  if (url) {
    signals.scheme = url.scheme;
    signals.host = url.host;
  }
  const headers = credentials.headers;
  const userAgent = headers
    ? (headers["user-agent"] ?? headers["x-ms-useragent"])
    : (request.headers.get("user-agent") ?? request.headers.get("x-ms-useragent"));
  signals.service = serviceOfUserAgent(userAgent) ?? serviceOfHost(signals.host);
  if (url && signals.service === "search") {
    const path = href as string;
    const pathEnd = firstOf(path, PATH_ENDS, url.pathStart, path.length);
    signals.operation = operationOf(path.slice(url.pathStart, pathEnd) || "/");
  }
}

/** An http(s) URL's scheme and host, and where its path starts, as {@link httpUrlOf} reads them. */
interface HttpUrl {
  scheme: "http" | "https";
  /** The host in lower case: an IPv6 host keeps its brackets. */
  host: string;
  /** Where the path starts, past the host and port; it runs to the query or fragment. */
  pathStart: number;
}

/**
 * The scheme, host and path's start of an http(s) URL: this runs for every failure. Userinfo and port
 * are skipped; the first `@` of the authority ends the userinfo.
 *
 * @param href - the request's URL.
 */
function httpUrlOf(href: string): HttpUrl | undefined {
  const authorityStart = authorityStartOf(href);
  if (authorityStart === 0) return undefined;
  // As the SDK writes it, a lower-case host alone: one native search finds its end.
  PLAIN_AUTHORITY_END.lastIndex = authorityStart;
  const end = PLAIN_AUTHORITY_END.test(href) ? PLAIN_AUTHORITY_END.lastIndex - 1 : href.length;
  const next = href.charCodeAt(end);
  if (end === href.length || next === SLASH || next === QUESTION || next === HASH) {
    return {
      scheme: authorityStart === 8 ? "https" : "http",
      host: href.slice(authorityStart, end),
      pathStart: end,
    };
  }
  return httpUrlRead(href, authorityStart);
}

/**
 * What ends an authority that is a lower-case host alone, or shows that it is more: a path, query or
 * fragment; or userinfo, a port, an IPv6 host, a capital or a character beyond ASCII, which
 * {@link httpUrlRead} reads. Global, for `test()` from `lastIndex`: no match is made.
 */
const PLAIN_AUTHORITY_END = /[/?#@:[A-Z\u0080-\uffff]/g;

/** Where an http(s) URL's authority starts (after `https://` or `http://`, in any case), or 0. */
function authorityStartOf(href: string): number {
  if (href.startsWith("https://")) return 8;
  if (href.startsWith("http://")) return 7;
  return isSchemeAt(href, "https://") ? 8 : isSchemeAt(href, "http://") ? 7 : 0;
}

/**
 * The scheme, host and path's start of an http(s) URL, read in one pass over its authority: userinfo,
 * a port, an IPv6 host in brackets, capitals.
 *
 * @param href - the request's URL.
 * @param authorityStart - where its authority starts.
 */
function httpUrlRead(href: string, authorityStart: number): HttpUrl {
  const secure = authorityStart === 8;
  const length = href.length;
  // The authority, up to a path, query or fragment; its first `@` ends the userinfo.
  let authorityEnd = length;
  let at = -1;
  for (let i = authorityStart; i < length; i++) {
    const code = href.charCodeAt(i);
    if (code === SLASH || code === QUESTION || code === HASH) {
      authorityEnd = i;
      break;
    }
    if (code === AT && at < 0) at = i;
  }
  const hostStart = at >= 0 ? at + 1 : authorityStart;
  // An IPv6 host in brackets, else up to a port; a bracket left open is read as a name.
  const close = href.charCodeAt(hostStart) === OPEN_BRACKET ? href.indexOf("]", hostStart) : -1;
  let hostEnd = authorityEnd;
  let upper = false;
  if (close >= 0 && close < authorityEnd) {
    hostEnd = close + 1;
    upper = hasUpperCase(href, hostStart, hostEnd);
  } else {
    for (let i = hostStart; i < authorityEnd; i++) {
      const code = href.charCodeAt(i);
      if (code === COLON) {
        hostEnd = i;
        break;
      }
      if (isUpperCase(code)) upper = true;
    }
  }
  let pathStart = hostEnd;
  if (href.charCodeAt(pathStart) === COLON) {
    pathStart++;
    while (isDigit(href.charCodeAt(pathStart))) pathStart++;
  }
  const host = href.slice(hostStart, hostEnd);
  return { scheme: secure ? "https" : "http", host: upper ? host.toLowerCase() : host, pathStart };
}

function hasUpperCase(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (isUpperCase(code)) return true;
  }
  return false;
}

/** Whether `text` starts with a scheme and its `://`, written lower case, in any case. */
function isSchemeAt(text: string, scheme: string): boolean {
  if (text.length < scheme.length) return false;
  for (let i = 0; i < scheme.length; i++) {
    const code = text.charCodeAt(i);
    // Letters compare without case; ':' and '/' as they are.
    if ((code >= 0x41 && code <= 0x5a ? code + 0x20 : code) !== scheme.charCodeAt(i)) return false;
  }
  return true;
}

/** What ends a path. */
const PATH_ENDS = ["?", "#"];

const OPEN_BRACKET = 0x5b;
const COLON = 0x3a;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const HASH = 0x23;
const AT = 0x40;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Where the first of the characters stands in `text` from `from` on, or `none`: one native search each. */
function firstOf(text: string, characters: readonly string[], from: number, none: number): number {
  let first = none;
  for (const character of characters) {
    const at = text.indexOf(character, from);
    if (at >= 0 && (first === none || at < first)) first = at;
  }
  return first;
}

const NO_SECRETS: readonly string[] = [];

/**
 * The proxy the SDK's proxyPolicy chose for the request, if any: where it is, where it came from and
 * whether credentials went to it.
 *
 * @param signals - the signals to fill in.
 * @param request - the request as it was sent.
 * @param headers - its headers by lower-case name, when they were read already.
 * @returns the proxy's credentials, to be redacted like the request's own.
 */
export function addProxyFacts(
  signals: FailureSignals,
  request: PipelineRequest,
  headers: Readonly<Record<string, string>> | undefined,
): readonly string[] {
  const route = requestProxy(request);
  if (route) return addProxyRoute(signals, route);
  // A Proxy-Authorization set by hand goes to whatever proxy the caller's own agent uses.
  signals.proxyCredentials = headers
    ? headers["proxy-authorization"] !== undefined
    : request.headers.has("proxy-authorization");
  return NO_SECRETS;
}

/**
 * The facts of a proxy a connection went through.
 *
 * @param signals - the signals to fill in.
 * @param route - the proxy.
 * @returns the proxy's credentials, to be redacted like the request's own.
 */
export function addProxyRoute(signals: FailureSignals, route: ProxyRoute): readonly string[] {
  signals.proxy = proxyLabel(route);
  signals.proxySource = route.source;
  signals.proxyCredentials = sendsProxyCredentials(route);
  return signals.proxyCredentials ? proxySecrets(route) : NO_SECRETS;
}
