import type { PipelineRequest } from "@azure/core-rest-pipeline";
import {
  proxyLabel,
  proxySecrets,
  requestProxy,
  sendsProxyCredentials,
  type ProxyRoute,
} from "../net/proxy.js";
import { serviceOfHost, serviceOfUserAgent } from "../services.js";
import type { CredentialKind, FailureSignals } from "../types.js";
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
 * @param credential - the kind of credential it carries, read with its values.
 */
export function addRequestFacts(
  signals: FailureSignals,
  request: PipelineRequest,
  credential: CredentialKind | undefined,
): void {
  // Each read once: a getter may answer differently the next time, and evidence must hold its type.
  const method: unknown = request.method;
  signals.method = HTTP_METHODS.has(method) ? (method as string) : undefined;
  signals.credential = credential;
  const href: unknown = request.url;
  const url = typeof href === "string" ? httpUrlOf(href) : undefined;
  if (url) {
    signals.scheme = url.scheme;
    signals.host = (href as string).slice(url.hostStart, url.hostEnd).toLowerCase();
  }
  const headers = request.headers;
  signals.service =
    serviceOfUserAgent(headers.get("user-agent") ?? headers.get("x-ms-useragent")) ??
    serviceOfHost(signals.host);
  if (url && signals.service === "search") {
    signals.operation = operationOf((href as string).slice(url.pathStart, url.pathEnd) || "/");
  }
}

/** Where an http(s) URL's parts start and end, as {@link httpUrlOf} reads them. */
interface HttpUrl {
  scheme: "http" | "https";
  /** The host, as written: an IPv6 host keeps its brackets. */
  hostStart: number;
  hostEnd: number;
  /** The path, up to the query or fragment. */
  pathStart: number;
  pathEnd: number;
}

/**
 * The parts of an http(s) URL as the SDK writes it, read with a few native searches instead of a URL
 * object or a regular expression: this runs for every failure. Userinfo and port are skipped.
 *
 * @param href - the request's URL.
 */
function httpUrlOf(href: string): HttpUrl | undefined {
  const separator = href.indexOf("://");
  if (separator !== 4 && separator !== 5) return undefined;
  const scheme = href.slice(0, separator).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return undefined;
  const authorityStart = separator + 3;
  const authorityEnd = firstOf(href, AUTHORITY_ENDS, authorityStart, href.length);
  const at = href.indexOf("@", authorityStart);
  const hostStart = at >= 0 && at < authorityEnd ? at + 1 : authorityStart;
  // An IPv6 host in brackets, else up to a port; a bracket left open is read as a name.
  const bracketed = href.charCodeAt(hostStart) === OPEN_BRACKET;
  const close = bracketed ? firstOf(href, BRACKETED_HOST_ENDS, hostStart, -1) : -1;
  const hostEnd =
    close >= 0 && href.charCodeAt(close) === CLOSE_BRACKET
      ? close + 1
      : firstOf(href, HOST_ENDS, hostStart, href.length);
  let pathStart = hostEnd;
  if (href.charCodeAt(pathStart) === COLON) {
    pathStart++;
    while (isDigit(href.charCodeAt(pathStart))) pathStart++;
  }
  const pathEnd = firstOf(href, PATH_ENDS, pathStart, href.length);
  return { scheme, hostStart, hostEnd, pathStart, pathEnd };
}

/** What ends an authority, a host, an IPv6 host in brackets, and a path. */
const AUTHORITY_ENDS = ["/", "?", "#"];
const HOST_ENDS = [":", "/", "?", "#"];
const BRACKETED_HOST_ENDS = ["]", "/", "?", "#"];
const PATH_ENDS = ["?", "#"];

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

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
 * @returns the proxy's credentials, to be redacted like the request's own.
 */
export function addProxyFacts(signals: FailureSignals, request: PipelineRequest): readonly string[] {
  const route = requestProxy(request);
  if (route) return addProxyRoute(signals, route);
  // A Proxy-Authorization set by hand goes to whatever proxy the caller's own agent uses.
  signals.proxyCredentials = request.headers.has("proxy-authorization");
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
