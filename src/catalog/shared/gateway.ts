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

/** The longest page excerpt quoted. */
const EXCERPT_LIMIT = 160;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** The entities a page's line is read with. */
const ENTITY = /&(amp|lt|gt|quot|#39|nbsp);/g;

/** White space that `replace(/\s+/g, " ")` would change: a run of two, or one that is not a space. */
const UNTIDY_SPACE = /\s\s|[^\S ]/;

/**
 * What a page that is not JSON says first: its title, or else its first line of text outside tags,
 * scripts and styles, on one line; from the body excerpt the signals hold (redacted and bounded), in
 * one pass. Undefined for a JSON body or a page with no text.
 *
 * @param body - the body excerpt.
 */
function pageExcerpt(body: string): string | undefined {
  const text = body.trimStart();
  if (text === "" || text.startsWith("{") || text.startsWith("[")) return undefined;
  const raw = titleOf(text) ?? firstTextLine(text);
  if (raw === undefined) return undefined;
  // Each rewrite only where it changes something: most titles hold no entity and single spaces.
  const decoded = raw.includes("&")
    ? raw.replace(ENTITY, (_entity, name: string) => ENTITIES[name] ?? "")
    : raw;
  const line = (UNTIDY_SPACE.test(decoded) ? decoded.replace(/\s+/g, " ") : decoded).trim();
  if (!line) return undefined;
  return line.length > EXCERPT_LIMIT ? `${line.slice(0, EXCERPT_LIMIT - 3)}...` : line;
}

/** Tags found without regard to case: a regular expression searches faster than indexOf here. */
const TAGS = {
  title: /<title/gi,
  script: /<\/script/gi,
  style: /<\/style/gi,
} as const;

/** Where a tag starts at or after a position, in any case; -1 when nowhere. */
function tagAt(text: string, tag: keyof typeof TAGS, from: number): number {
  const pattern = TAGS[tag];
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

function titleOf(text: string): string | undefined {
  const open = tagAt(text, "title", 0);
  const start = open < 0 ? -1 : text.indexOf(">", open);
  if (start < 0) return undefined;
  const end = text.indexOf("<", start);
  return text.slice(start + 1, end < 0 ? text.length : end).trim() || undefined;
}

/** What `trim()` removes: `\s` is the same set. Searched with `test()` from `lastIndex`, no match made. */
const NOT_BLANK = /\S/g;

const LINE_FEED = 0x0a;

/**
 * Whether the tag at `open` may be `<script` or `<style`, as `/^<\s*(script|style)\b/i` reads the
 * eight characters from it: an `s` stands one to three places after the `<`. Most tags have none there.
 */
function mayHide(text: string, open: number): boolean {
  for (let i = open + 1; i <= open + 3; i++) if ((text.charCodeAt(i) | 0x20) === 0x73) return true;
  return false;
}

/** The first non-blank line of the text outside tags, scripts and styles; each tag ends a line. */
function firstTextLine(text: string): string | undefined {
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("<", at);
    const end = open < 0 ? text.length : open;
    NOT_BLANK.lastIndex = at;
    const first = NOT_BLANK.test(text) ? NOT_BLANK.lastIndex - 1 : -1;
    if (first >= 0 && first < end) {
      // The line that holds it, within the text between the tags: back over the blanks before it.
      let lineStart = first;
      while (lineStart > at && text.charCodeAt(lineStart - 1) !== LINE_FEED) lineStart--;
      const newline = text.indexOf("\n", first);
      return text.slice(lineStart, newline >= 0 && newline < end ? newline : end);
    }
    const close = open < 0 ? -1 : text.indexOf(">", open);
    if (close < 0) return undefined;
    at = close + 1;
    const hidden = mayHide(text, open)
      ? /^<\s*(script|style)\b/i.exec(text.slice(open, open + 8))?.[1]
      : undefined;
    if (hidden) {
      const skip = tagAt(text, hidden.toLowerCase() as "script" | "style", at);
      if (skip < 0) return undefined;
      at = skip;
    }
  }
  return undefined;
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
  const excerpt = pageExcerpt(s.body);
  const page = excerpt ? `: "${excerpt}"` : s.body.trim() === "" ? " with an empty body" : "";
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
      "Read what answered (the Seen: line): the product and its page usually say why it refused, such as a blocked category, a sign-in page or an upstream it could not reach.",
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
