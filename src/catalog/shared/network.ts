import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import { anyOf, hasCode, mentions } from "../match.js";

/** Connections cut by the other end or something on the path. */
export const RESET_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/** What Node.js says of a connection cut before an answer, or before its TLS handshake ended. */
const RESET_TEXTS = anyOf("socket hang up", "disconnected before secure tls connection");

/** Connections that got no answer in time. */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Failures to reach the endpoint at all: names and connections. */
export const networkRules = [
  rule({
    cause: "dnsNotFound",
    category: "network",
    statuses: [null],
    signal: "ENOTFOUND",
    summary:
      "The endpoint's host name does not resolve: the service name is mistyped, the service was deleted, or private DNS is missing.",
    remediation: [
      "Check the host name in the endpoint against the service's URL in the Azure portal.",
      "If the service uses a private endpoint, check that this network resolves the service's name through its privatelink DNS zone (a private DNS zone linked to your virtual network).",
      "Run `npx azure-sdk-doctor <endpoint>` to see what the name resolves to from here.",
    ],
    docs: [DOCS.privateEndpointDns, DOCS.nodeSystemErrors],
    match: (s) => s.nodeCode === "ENOTFOUND",
  }),
  rule({
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
  }),
  rule({
    cause: "connectionRefused",
    category: "network",
    statuses: [null],
    signal: "ECONNREFUSED",
    summary: "Nothing accepted the connection at the endpoint's address and port.",
    remediation: [
      "Check the endpoint's host and port: Azure's endpoints listen on 443.",
      "If a proxy is configured (HTTPS_PROXY or proxyOptions), check that it is running at that address.",
    ],
    docs: [DOCS.nodeSystemErrors, DOCS.nodeEnterpriseNetwork],
    retryable: true,
    match: (s) => s.nodeCode === "ECONNREFUSED",
  }),
  rule({
    cause: "connectionReset",
    category: "network",
    statuses: [null],
    signal:
      "ECONNRESET, `socket hang up`, `disconnected before secure TLS connection`, a body cut off (`reading response as text: aborted`)",
    summary:
      "The connection was cut by the other end or by something on the path; during the TLS handshake this is usually a firewall, a network security appliance, or the service's network rules.",
    remediation: [
      "If it happens during the handshake, check the firewalls and network appliances between this machine and Azure, and the service's networking settings (IP rules, public access).",
      "If it happens under load or after idle time, let the SDK retry; it retries ECONNRESET three times by default.",
      "Run `npx azure-sdk-doctor <endpoint>` to see at which step the connection fails.",
    ],
    docs: [DOCS.nodeSystemErrors, DOCS.nodeEnterpriseNetwork],
    retryable: true,
    match: (s) =>
      hasCode(s, RESET_CODES) ||
      (s.status === undefined && mentions(s, RESET_TEXTS)) ||
      // The SDK reports a connection cut while it reads the body as a PARSE_ERROR.
      (s.nodeCode === "PARSE_ERROR" && mentions(s, "reading response as text: aborted")),
  }),
  rule({
    cause: "connectTimeout",
    category: "network",
    statuses: [null],
    signal: "ETIMEDOUT",
    summary: "The connection to the endpoint timed out: packets to it are dropped on the way.",
    remediation: [
      "Check that outbound HTTPS (port 443) to the service is allowed from this network.",
      "If the service is reachable only through a private endpoint or a proxy, run from that network or set HTTPS_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.privateEndpointDns],
    retryable: true,
    match: (s) => hasCode(s, TIMEOUT_CODES),
  }),
];
