import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import type { FailureSignals } from "../../types.js";
import { answerDetail, answeringProduct } from "./gateway.js";

/** Failures to reach a host at all: with a proxy on the path, the only host the client reaches is the proxy. */
const UNREACHABLE: ReadonlyMap<string, string> = new Map([
  ["ECONNREFUSED", "refused the connection"],
  ["ENOTFOUND", "has a host name that does not resolve"],
  ["EAI_AGAIN", "has a host name the resolver did not answer for"],
  ["EHOSTUNREACH", "is unreachable from this machine"],
  ["ENETUNREACH", "is on a network this machine cannot reach"],
  ["ETIMEDOUT", "did not accept the connection in time"],
]);

/** The host and port a system error names, as in `connect ECONNREFUSED 127.0.0.1:3128`. */
const CONNECT_TARGET = /\b(?:connect|getaddrinfo) [A-Z_]+ (\S+)/;

/** Where the proxy came from, for a sentence. */
const sourceOf = (s: FailureSignals): string => (s.proxySource ? ` (from ${s.proxySource})` : "");

/** Whether a system error names the proxy's own address: its host and port, or its host name. */
function namesProxy(s: FailureSignals): boolean {
  const named = CONNECT_TARGET.exec(s.message)?.[1];
  if (!named || !s.proxy || !URL.canParse(s.proxy)) return false;
  const proxy = new URL(s.proxy);
  const port = proxy.port || (proxy.protocol === "https:" ? "443" : "80");
  const host = proxy.hostname.replace(/^\[|\]$/g, "");
  return named === host || named === `${host}:${port}` || named.endsWith(`:${port}`);
}

/** A 407, or a 401 a proxy sent: with `Proxy-Authenticate`, or a Basic challenge (tinyproxy on CONNECT). */
function isProxyChallenge(s: FailureSignals): boolean {
  if (s.status === 407) return true;
  if (s.status !== 401 || s.fromAzure || s.bearerChallenge) return false;
  return (
    s.proxyChallenge === true ||
    (s.basicRealm !== undefined && (s.proxy !== undefined || answeringProduct(s) !== undefined))
  );
}

/** A proxy's answer to an https request through it: it could only have come before the tunnel opened. */
function isProxyAnswer(s: FailureSignals): boolean {
  if (s.proxy === undefined || s.scheme !== "https" || s.fromAzure) return false;
  const start = s.body.trimStart();
  return (
    answeringProduct(s) !== undefined ||
    s.via !== undefined ||
    start === "" ||
    (s.serviceMessage === undefined && !start.startsWith("{"))
  );
}

/** The reason a TLS-inspecting proxy gives for refusing the service's certificate, as its page says it. */
const UPSTREAM_VERIFY = /certificate verify failed:?\s*([^<\n]{0,120})/i;

/** Proxies between this machine and the service. */
export const proxyRules = [
  rule({
    cause: "proxyUnreachable",
    category: "network",
    statuses: [null],
    signal:
      "ECONNREFUSED, ENOTFOUND, EHOSTUNREACH or a connect ETIMEDOUT on a request that goes through a proxy (HTTPS_PROXY or proxyOptions)",
    summary:
      "The proxy this client is configured to use could not be reached, so the request never left this machine; the endpoint was not tried.",
    remediation: [
      "Check the proxy's address and port in HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY) and in the client's proxyOptions, and that the proxy is running.",
      "If this host should be reached directly, add it to NO_PROXY (before the process starts: the SDK reads NO_PROXY once), or remove the proxy setting.",
      "Run `npx azure-sdk-doctor <endpoint>` with the same environment to see the proxy it picks and whether it answers.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.nodeSystemErrors],
    retryable: true,
    match: (s) => {
      // A map, not an object's keys: a code named `constructor` must not read as a reason.
      const what = s.nodeCode === undefined ? undefined : UNREACHABLE.get(s.nodeCode);
      if (!what || s.proxy === undefined) return false;
      if (s.nodeCode === "ETIMEDOUT" && !s.message.startsWith("connect ")) return false;
      const exact = namesProxy(s);
      const said = s.message.split("\n")[0]?.trim() ?? "";
      return {
        // Only the proxy is connected to through a proxy; the address in the message confirms it.
        confidence: exact ? "exact" : "inferred",
        detail: `The proxy ${s.proxy}${sourceOf(s)} ${what}${said ? `: ${said}` : ""}.`,
      };
    },
  }),
  rule({
    cause: "proxyAuthenticationRequired",
    category: "network",
    statuses: [401, 407],
    signal:
      "HTTP 407, or a proxy's 401 (Proxy-Authenticate, or tinyproxy's Basic challenge), with no credentials given for the proxy",
    summary:
      "A proxy between this machine and the service wants credentials before it forwards the request, and none were given for it.",
    remediation: [
      "Give the proxy's user name and password in proxyOptions (username, password) or in the proxy URL of HTTPS_PROXY (http://user:password@proxy:port, with special characters percent-encoded).",
      "If the proxy should not be used for this host, add the host to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) => {
      if (!isProxyChallenge(s) || s.proxyCredentials) return false;
      const detail = answerDetail(s, true);
      // Without the request it is unknown whether credentials were sent; with it, they were not.
      return s.method === undefined
        ? { confidence: "inferred", alternatives: ["proxyAuthenticationFailed"], detail }
        : { detail };
    },
  }),
  rule({
    cause: "proxyAuthenticationFailed",
    category: "network",
    statuses: [401, 407],
    signal:
      "HTTP 407, or a proxy's 401 (Proxy-Authenticate, or tinyproxy's Basic challenge), when a user name and password were given",
    summary:
      "The proxy refused the user name and password it was given (in HTTPS_PROXY or proxyOptions): they are wrong, expired, or in a form it does not accept.",
    remediation: [
      "Check the proxy user name and password; in a URL (HTTPS_PROXY=http://user:password@proxy:port) percent-encode special characters such as @, :, / and %.",
      "Check that the account is not locked or expired, and that the proxy accepts Basic authentication: the SDK's proxy agent sends only Basic, not NTLM or Kerberos.",
      "If the proxy should not be used for this host, add the host to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) => (isProxyChallenge(s) && s.proxyCredentials ? { detail: answerDetail(s, true) } : false),
  }),
  rule({
    cause: "proxyUpstreamCertificateError",
    category: "tls",
    statuses: [500, 502, 503, 504],
    signal:
      "a proxy's own 5xx saying `Certificate verify failed` (mitmproxy) or `X-Squid-Error: ERR_SECURE_CONNECT_FAIL`",
    summary:
      "A TLS-inspecting proxy or gateway could not verify the service's certificate on its own connection to the service, so it answered in the service's place.",
    remediation: [
      "Read what the proxy saw (the Seen: line): an expired or untrusted certificate on its own connection to the service.",
      "If the endpoint is a genuine Azure service, the proxy's trust store or clock is out of date: ask its administrators to update its CA bundle and time, or to exempt the service's host from inspection.",
      "If the endpoint is a server of your own behind the proxy, renew or complete its certificate chain.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.nodeTlsErrors],
    match: (s) => {
      if (s.status === undefined || s.status < 500 || s.fromAzure) return false;
      const squid = s.squidError?.startsWith("ERR_SECURE_CONNECT_FAIL") ?? false;
      const said = UPSTREAM_VERIFY.exec(s.body);
      if (!squid && !said) return false;
      const reason = said?.[1]?.trim();
      const who = answeringProduct(s) ?? "The proxy";
      return {
        detail: `${who} answered ${s.status}: ${reason ? `certificate verify failed: ${reason}` : (s.squidError ?? "certificate verify failed")}.`,
      };
    },
  }),
  rule({
    cause: "proxyTunnelRefused",
    category: "network",
    // What proxies refuse a tunnel with: a bad request, a blocked host or category (403, 451), no route.
    statuses: [400, 403, 404, 405, 429, 451, 500, 501, 502, 503, 504, 511],
    signal:
      "the proxy answered CONNECT with a status other than 200 or 407 (preflight), or its own error page on an https request through it",
    summary:
      "The proxy refused to open a tunnel to the endpoint: its policy blocks the host or port, or it cannot reach it.",
    remediation: [
      "Read what the proxy said (the Seen: line): squid's X-Squid-Error or the proxy's page names the rule or the failure.",
      "Ask the proxy's administrators to allow CONNECT to the service's host on port 443.",
      "If the host should not go through the proxy, add it to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) =>
      s.status !== undefined && s.status >= 400 && isProxyAnswer(s)
        ? { detail: answerDetail(s, true) }
        : false,
  }),
];
