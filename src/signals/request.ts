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
 * The scheme, host and path of an http(s) URL as the SDK writes it, without building a URL object:
 * this runs for every failure. Userinfo and port are skipped; an IPv6 host keeps its brackets.
 */
const HTTP_URL = /^(https?):\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::\d*)?([^?#]*)/i;

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
  const url = typeof href === "string" ? HTTP_URL.exec(href) : null;
  if (url) {
    signals.scheme = url[1]!.toLowerCase() as "http" | "https";
    signals.host = url[2]!.toLowerCase();
  }
  const headers = request.headers;
  signals.service =
    serviceOfUserAgent(headers.get("user-agent") ?? headers.get("x-ms-useragent")) ??
    serviceOfHost(signals.host);
  if (url && signals.service === "search") signals.operation = operationOf(url[3] || "/");
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
