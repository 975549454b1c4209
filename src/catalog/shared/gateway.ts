import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import type { FailureSignals } from "../../types.js";

/**
 * Proxies, inspection boxes and gateways by what they write about themselves in `Server`, `Via` or a
 * challenge's realm. The first that matches names what answered.
 */
export const ANSWERING_PRODUCTS: readonly { product: string; pattern: RegExp }[] = [
  { product: "squid", pattern: /\bsquid\b/i },
  { product: "tinyproxy", pattern: /tinyproxy/i },
  { product: "mitmproxy", pattern: /mitmproxy/i },
  { product: "Zscaler", pattern: /zscaler/i },
  { product: "Blue Coat ProxySG", pattern: /blue\s*coat|proxysg/i },
  { product: "Netskope", pattern: /netskope/i },
  { product: "Palo Alto Networks", pattern: /palo\s*alto|pan-os/i },
  { product: "Fortinet FortiGate", pattern: /fortinet|forti(?:gate|proxy|web)/i },
  { product: "Forcepoint", pattern: /forcepoint|websense/i },
  { product: "Cisco Secure Web Appliance", pattern: /cisco[-\s]?wsa|ironport/i },
  { product: "Skyhigh (McAfee) Web Gateway", pattern: /mcafee\s*web\s*gateway|skyhigh/i },
  { product: "Check Point", pattern: /check\s*point/i },
  { product: "Sophos", pattern: /sophos/i },
  { product: "Azure Application Gateway", pattern: /microsoft-azure-application-gateway/i },
  { product: "Envoy", pattern: /^envoy\b/i },
  { product: "HAProxy", pattern: /haproxy/i },
  { product: "Varnish", pattern: /varnish/i },
  { product: "nginx", pattern: /^nginx\b/i },
  { product: "Apache httpd", pattern: /^apache\b/i },
];

/**
 * The product that answered, named by its `Server` header, its `Via` header, squid's `X-Squid-Error`
 * or the realm of its Basic challenge, in that order.
 *
 * @param s - the failure.
 */
export function answeringProduct(s: FailureSignals): string | undefined {
  for (const text of [s.server, s.via, s.basicRealm]) {
    if (!text) continue;
    for (const { product, pattern } of ANSWERING_PRODUCTS) if (pattern.test(text)) return product;
  }
  return s.squidError ? "squid" : undefined;
}

/**
 * What answered, in one line built from redacted, bounded signals: the proxy or product, the status,
 * the headers that told, and the page's title or first line.
 *
 * @param s - the failure.
 * @param proxy - says that the request's proxy answered, when it did.
 */
export function answerDetail(s: FailureSignals, proxy = false): string {
  const product = answeringProduct(s);
  const source = s.proxySource ? ` (from ${s.proxySource})` : "";
  const who =
    proxy && s.proxy
      ? `The proxy ${s.proxy}${source}${product ? `, ${product},` : ""}`
      : (product ?? (proxy ? "The proxy" : "Something without an Azure request id"));
  const told = [
    s.server && `Server: ${s.server}`,
    s.via && `Via: ${s.via}`,
    s.squidError && `X-Squid-Error: ${s.squidError}`,
    s.basicRealm && `realm "${s.basicRealm}"`,
  ].filter(Boolean);
  const headers = told.length > 0 ? ` (${told.join("; ")})` : "";
  const page = s.excerpt ? `: "${s.excerpt}"` : s.body.trim() === "" ? " with an empty body" : "";
  return `${who} answered ${s.status ?? "with no status"}${headers}${page}.`;
}

/** A body that is not the service's JSON: an HTML page, or text from something on the path. */
function isForeignBody(s: FailureSignals): boolean {
  const start = s.body.trimStart();
  return (
    (s.contentType?.includes("html") ?? false) ||
    start.startsWith("<") ||
    (start !== "" && s.serviceMessage === undefined && !start.startsWith("{"))
  );
}

/** Answers that came from something between the client and the service. */
export const gatewayRules = [
  rule({
    cause: "gatewayError",
    category: "gateway",
    signal:
      "HTML or other non-JSON error body without a request-id header; `Server`, `Via` or `X-Squid-Error` naming a proxy",
    summary:
      "Something between this machine and the service answered, not the Azure service: a proxy, firewall, captive portal or gateway (the response has no Azure request id).",
    remediation: [
      "Read what answered, quoted above as Seen: the product and its page usually say why it refused (a blocked category, a sign-in page, an upstream it could not reach).",
      "Check HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and whether this network needs a sign-in page first.",
      "Run `npx azure-sdk-doctor <endpoint>` to see the path to the service from here.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    retryable: true,
    match: (s) => {
      if (s.status === undefined || s.status < 400 || s.fromAzure) return false;
      const product = answeringProduct(s);
      if (!product && !isForeignBody(s)) return false;
      // A product that names itself is what answered; a page's shape alone only suggests it.
      return { confidence: product ? "exact" : "inferred", detail: answerDetail(s) };
    },
  }),
];
