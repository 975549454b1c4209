import { isIP } from "node:net";
import { diagnosisOf } from "../../diagnose.js";
import { bare, isLoopbackHost } from "../../net/hosts.js";
import { redact } from "../../redaction/index.js";
import type { PreflightCheck } from "../types.js";

/** The Azure AI Search host suffixes, one per cloud. */
export const SEARCH_HOST_SUFFIXES: Readonly<Record<string, string>> = {
  "search.windows.net": "the public cloud",
  "search.azure.us": "Azure Government",
  "search.azure.cn": "Azure China",
};

const PORTAL_HOSTS = /^(?:[a-z\d-]+\.)?portal\.azure\.(?:com|us|cn)$/i;

/** A check's outcome before it is timed. */
export type CheckResult = Omit<PreflightCheck, "id" | "durationMs">;

/**
 * Parses the endpoint, rejecting what no check could use.
 *
 * @param endpoint - what the caller passed.
 * @throws TypeError naming the problem: not a string, empty, not a URL, or a scheme other than http(s).
 */
export function parseEndpoint(endpoint: unknown): URL {
  const example = "https://<service>.search.windows.net";
  if (typeof endpoint !== "string") {
    throw new TypeError(
      `preflight: the endpoint must be a URL string such as ${example}, not ${typeof endpoint}.`,
    );
  }
  const text = endpoint.trim();
  if (text === "")
    throw new TypeError(`preflight: the endpoint is an empty string; give a URL such as ${example}.`);
  const shown = JSON.stringify(redact(text.length > 120 ? `${text.slice(0, 120)}...` : text));
  if (!URL.canParse(text)) {
    const hint = /^[\w.-]+(?::\d+)?(?:\/|$)/.test(text) ? ` Did you mean "https://${text}"?` : "";
    throw new TypeError(`preflight: the endpoint ${shown} is not a URL; give one such as ${example}.${hint}`);
  }
  const url = new URL(text);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `preflight: the endpoint ${shown} has the unsupported scheme "${url.protocol}"; Azure AI Search endpoints are ${example}.`,
    );
  }
  if (url.hostname === "") throw new TypeError(`preflight: the endpoint ${shown} has no host name.`);
  return url;
}

/**
 * The scheme check: https passes; http fails with `httpNotHttps`, or warns on loopback when allowed.
 *
 * @param url - the endpoint.
 * @param allowLoopbackHttp - whether http on loopback (a local emulator) only warns.
 */
export function checkScheme(url: URL, allowLoopbackHttp: boolean): CheckResult {
  if (url.protocol === "https:") return { status: "pass", summary: "The endpoint uses HTTPS." };
  const diagnosis = diagnosisOf("httpNotHttps", { host: url.hostname });
  if (allowLoopbackHttp && isLoopbackHost(url.hostname)) {
    return {
      status: "warn",
      summary: "The endpoint uses plain HTTP; accepted for a local server on loopback only.",
      diagnosis,
    };
  }
  return {
    status: "fail",
    summary: "The endpoint uses plain HTTP: keys and tokens would travel unencrypted.",
    diagnosis,
  };
}

/**
 * The endpoint check: the host is a Search service of a known cloud, with no path, query or
 * portal address, and not an IP literal that no certificate names.
 *
 * @param url - the endpoint.
 */
export function checkEndpoint(url: URL): CheckResult {
  const host = url.hostname.toLowerCase();
  const unexpected = (summary: string): CheckResult => ({
    status: "warn",
    summary,
    diagnosis: diagnosisOf("unexpectedEndpoint", { host, service: "search" }),
  });
  if (PORTAL_HOSTS.test(host))
    return unexpected(`${host} is the Azure portal, not a search service endpoint.`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return unexpected(
      `The endpoint has a path or query (${url.pathname}); the client wants the service URL alone.`,
    );
  }
  if (isLoopbackHost(host))
    return { status: "pass", summary: `${host} is this machine (a local server or stand-in).` };
  if (isIP(bare(host))) {
    return {
      status: "warn",
      summary: `${host} is an IP address: the service's certificate names its host name, so the handshake will not match.`,
      diagnosis: diagnosisOf("tlsHostnameMismatch", { host }, { confidence: "inferred" }),
    };
  }
  for (const [suffix, cloud] of Object.entries(SEARCH_HOST_SUFFIXES)) {
    if (host.endsWith(`.${suffix}`)) {
      const service = host.slice(0, -suffix.length - 1);
      return { status: "pass", summary: `Azure AI Search service "${service}" in ${cloud}.` };
    }
  }
  return {
    status: "pass",
    summary: `${host} is not an Azure AI Search host name (*.search.windows.net); fine for a gateway or custom domain in front of one.`,
  };
}
