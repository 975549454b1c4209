import type { DiagnosisEvidence } from "../diagnosis.js";

/**
 * The Azure service a diagnosed call went to, as the metric names it: one of the package's service
 * ids, or `"other"` for a service it does not know.
 */
export type TelemetryService =
  "search" | "storage" | "keyVault" | "appConfiguration" | "resourceManager" | "entraId" | "other";

/** The SDK package (`azsdk-js-<package>/<version>` in the User-Agent) each service's clients come from. */
const PACKAGES: readonly (readonly [RegExp, TelemetryService])[] = [
  [/^search-documents$/, "search"],
  [/^(azure-)?storage-/, "storage"],
  [/^keyvault-/, "keyVault"],
  [/^app-configuration$/, "appConfiguration"],
  [/^arm-/, "resourceManager"],
  [/^identity$/, "entraId"],
];

/** Host suffixes of each service in the public, US Government and China clouds. */
const HOSTS: readonly (readonly [RegExp, TelemetryService])[] = [
  [/\.search\.(windows\.net|azure\.us|azure\.cn)$/, "search"],
  [/\.(blob|queue|file|dfs|table)\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/, "storage"],
  [/\.vault\.(azure\.net|usgovcloudapi\.net|azure\.cn)$/, "keyVault"],
  [/\.azconfig\.(io|azure\.us|azure\.cn)$/, "appConfiguration"],
  [/^management\.(azure\.com|usgovcloudapi\.net|chinacloudapi\.cn)$/, "resourceManager"],
  [/^login\.(microsoftonline\.(com|us)|chinacloudapi\.cn|partner\.microsoftonline\.cn)$/, "entraId"],
];

const KNOWN = new Set<string>([
  "search",
  "storage",
  "keyVault",
  "appConfiguration",
  "resourceManager",
  "entraId",
]);

/**
 * The service of a diagnosed call: the evidence's own `service` when the engine read one, else the
 * SDK package named in the request's User-Agent, else the host's suffix, else `"other"`. Only known
 * values come out, so the metric's cardinality stays bounded whatever a custom rule puts in evidence.
 *
 * @param evidence - the diagnosis's evidence.
 * @param userAgent - the request's User-Agent header, when there was a request.
 */
export function serviceOf(evidence: DiagnosisEvidence, userAgent?: string): TelemetryService {
  const own = (evidence as { service?: unknown }).service;
  if (typeof own === "string" && KNOWN.has(own)) return own as TelemetryService;
  const sdkPackage = userAgent ? /\bazsdk-js-([a-z0-9-]+)\//i.exec(userAgent)?.[1]?.toLowerCase() : undefined;
  if (sdkPackage) for (const [pattern, service] of PACKAGES) if (pattern.test(sdkPackage)) return service;
  const host = evidence.host?.toLowerCase();
  if (host) for (const [pattern, service] of HOSTS) if (pattern.test(host)) return service;
  return "other";
}
