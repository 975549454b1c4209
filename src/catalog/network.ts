import type { DiagnosisRule } from "../diagnosis.js";
import { DOCS } from "./docs.js";
import { hasCode, mentions } from "./match.js";

const RESET_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Failures to reach the endpoint at all: names, connections, proxies. */
export const networkRules: readonly DiagnosisRule[] = [
  {
    cause: "dnsNotFound",
    category: "network",
    statuses: [null],
    signal: "ENOTFOUND",
    summary:
      "The endpoint's host name does not resolve: the service name is mistyped, the service was deleted, or private DNS is missing.",
    remediation: [
      "Check the service name in the endpoint against the Azure portal: https://<service>.search.windows.net.",
      "If the service uses a private endpoint, check that this network resolves <service>.privatelink.search.windows.net (a private DNS zone linked to your virtual network).",
      "Run `npx azure-sdk-doctor <endpoint>` to see what the name resolves to from here.",
    ],
    docs: [DOCS.privateEndpoints, DOCS.nodeSystemErrors],
    match: (s) => s.nodeCode === "ENOTFOUND",
  },
  {
    cause: "dnsTemporaryFailure",
    category: "network",
    statuses: [null],
    signal: "EAI_AGAIN",
    summary: "The DNS resolver could not be reached or did not answer in time.",
    remediation: [
      "Check this machine's DNS settings and network connection, then retry.",
      "In a container or VPN, check that the resolver it is given is reachable.",
    ],
    docs: [DOCS.nodeSystemErrors],
    retryable: true,
    match: (s) => s.nodeCode === "EAI_AGAIN",
  },
  {
    cause: "connectionRefused",
    category: "network",
    statuses: [null],
    signal: "ECONNREFUSED",
    summary: "Nothing accepted the connection at the endpoint's address and port.",
    remediation: [
      "Check the endpoint's host and port: Azure AI Search listens on 443 only.",
      "If a proxy is configured (HTTPS_PROXY or proxyOptions), check that it is running at that address.",
    ],
    docs: [DOCS.nodeSystemErrors, DOCS.nodeEnterpriseNetwork],
    retryable: true,
    match: (s) => s.nodeCode === "ECONNREFUSED",
  },
  {
    cause: "connectionReset",
    category: "network",
    statuses: [null],
    signal:
      "ECONNRESET, `socket hang up`, `disconnected before secure TLS connection`, a body cut off (`reading response as text: aborted`)",
    summary:
      "The connection was cut by the other end or by something on the path; during the TLS handshake this is usually a firewall, a network security appliance, or the service's network rules.",
    remediation: [
      "If it happens during the handshake, check the firewalls and network appliances between this machine and Azure, and the service's Networking settings (IP rules, public access).",
      "If it happens under load or after idle time, let the SDK retry; it retries ECONNRESET three times by default.",
      "Run `npx azure-sdk-doctor <endpoint>` to see at which step the connection fails.",
    ],
    docs: [DOCS.ipFirewall, DOCS.nodeSystemErrors],
    retryable: true,
    match: (s) =>
      hasCode(s, RESET_CODES) ||
      (s.status === undefined &&
        mentions(s, "socket hang up", "disconnected before secure tls connection")) ||
      // The SDK reports a connection cut while it reads the body as a PARSE_ERROR.
      (s.nodeCode === "PARSE_ERROR" && mentions(s, "reading response as text: aborted")),
  },
  {
    cause: "connectTimeout",
    category: "network",
    statuses: [null],
    signal: "ETIMEDOUT",
    summary: "The connection to the endpoint timed out: packets to it are dropped on the way.",
    remediation: [
      "Check that outbound HTTPS (port 443) to the service is allowed from this network.",
      "If the service is reachable only through a private endpoint or a proxy, run from that network or set HTTPS_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.privateEndpoints],
    retryable: true,
    match: (s) => hasCode(s, TIMEOUT_CODES),
  },
  {
    cause: "proxyAuthenticationRequired",
    category: "network",
    statuses: [407],
    signal: "HTTP 407",
    summary: "A proxy between this machine and the service wants credentials before it forwards the request.",
    remediation: [
      "Give the proxy's user name and password in proxyOptions (username, password) or in the proxy URL of HTTPS_PROXY.",
      "If the proxy should not be used for this host, add the host to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) => s.status === 407,
  },
];
