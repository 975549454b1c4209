import type { DiagnosisRule } from "../diagnosis.js";
import { DOCS } from "./docs.js";

/**
 * Codes the preflight gives the findings no failed request shows, so that they are classified by
 * the same catalog as everything else: each rule below matches its own code only.
 */
export const PREFLIGHT_CODES = {
  certificateChecksDisabled: "PreflightCertificateChecksDisabled",
  extraCaCertsMissing: "PreflightExtraCaCertsMissing",
  certificateExpiringSoon: "PreflightCertificateExpiringSoon",
  unexpectedEndpoint: "PreflightUnexpectedEndpoint",
  proxyTunnelRefused: "PreflightProxyTunnelRefused",
} as const;

/** What the preflight finds in the process, the endpoint URL and the path before any request fails. */
export const preflightRules: readonly DiagnosisRule[] = [
  {
    cause: "certificateChecksDisabled",
    category: "tls",
    statuses: [null],
    signal: "NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment (preflight)",
    summary:
      "NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate verification off for every connection this process makes, so its keys and tokens go to whoever answers, an attacker included.",
    remediation: [
      "Remove NODE_TLS_REJECT_UNAUTHORIZED from the environment (and from .env files, Dockerfiles and launch settings).",
      "If it was set because of a company proxy's certificate, trust that root instead: set NODE_EXTRA_CA_CERTS to its PEM file, or start node with --use-system-ca.",
      "Run `npx azure-sdk-doctor <endpoint>` to see who issues the certificate presented for the endpoint.",
    ],
    docs: [DOCS.nodeCli, DOCS.nodeEnterpriseNetwork],
    match: (s) => s.nodeCode === PREFLIGHT_CODES.certificateChecksDisabled,
  },
  {
    cause: "extraCaCertsMissing",
    category: "configuration",
    statuses: [null],
    signal: "NODE_EXTRA_CA_CERTS names a file that does not exist (preflight)",
    summary:
      "NODE_EXTRA_CA_CERTS names a file that does not exist, so Node.js ignored it and trusts none of the roots it was meant to add.",
    remediation: [
      "Point NODE_EXTRA_CA_CERTS at the absolute path of an existing PEM file holding the root certificate(s), then restart the process: Node.js reads it only at start-up.",
      "In a container, check that the file is copied or mounted into the image at that path.",
    ],
    docs: [DOCS.nodeCli, DOCS.nodeEnterpriseNetwork],
    match: (s) => s.nodeCode === PREFLIGHT_CODES.extraCaCertsMissing,
  },
  {
    cause: "certificateExpiringSoon",
    category: "tls",
    statuses: [null],
    signal: "the presented certificate expires within 14 days (preflight)",
    summary:
      "The certificate presented for the endpoint expires within 14 days; Azure renews its own certificates well before that, so a proxy or gateway of your own most likely presents it.",
    remediation: [
      "Check who issued the certificate: a genuine Azure AI Search certificate is issued by a Microsoft Azure CA.",
      "If a proxy, firewall or gateway of your own presents it, renew the certificate there before it expires.",
    ],
    docs: [DOCS.nodeTlsErrors, DOCS.securityOverview],
    match: (s) => s.nodeCode === PREFLIGHT_CODES.certificateExpiringSoon,
  },
  {
    cause: "unexpectedEndpoint",
    category: "configuration",
    statuses: [null],
    signal: "endpoint with a path, a query, or a portal host (preflight)",
    summary:
      "The endpoint is not the bare URL of an Azure AI Search service: the client wants https://<service>.search.windows.net (search.azure.us or search.azure.cn in sovereign clouds) with no path.",
    remediation: [
      "Copy the service URL from the Overview page of the search service in the Azure portal, not the portal page's own address.",
      "Give the index name to the client separately (new SearchClient(endpoint, indexName, credential)), not as /indexes/... in the endpoint.",
    ],
    docs: [DOCS.searchDocumentsReadme, DOCS.apiKeys],
    match: (s) => s.nodeCode === PREFLIGHT_CODES.unexpectedEndpoint,
  },
  {
    cause: "proxyTunnelRefused",
    category: "network",
    statuses: [null],
    signal: "the proxy answered CONNECT with a status other than 200 or 407 (preflight)",
    summary:
      "The proxy refused to open a tunnel to the endpoint: its policy blocks the host or port, or it cannot reach it.",
    remediation: [
      "Ask the proxy's administrators to allow CONNECT to the service's host on port 443.",
      "If the host should not go through the proxy, add it to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) => s.nodeCode === PREFLIGHT_CODES.proxyTunnelRefused,
  },
];
