import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import { hasCode, mentions } from "../match.js";
import type { FailureSignals } from "../../types.js";

/** Certificate chains Node.js could not verify against the roots it trusts. */
export const UNTRUSTED_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
  "CERT_CHAIN_TOO_LONG",
  "CERT_SIGNATURE_FAILURE",
]);

/** Handshakes that failed on the protocol version. */
export const PROTOCOL_VERSION_CODES: ReadonlySet<string> = new Set([
  "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
  "ERR_SSL_UNSUPPORTED_PROTOCOL",
  "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
  "ERR_SSL_WRONG_SSL_VERSION",
]);

/** A TLS client that got plain text back. */
export const NOT_TLS_CODES: ReadonlySet<string> = new Set([
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "ERR_SSL_HTTP_REQUEST",
]);

/** OpenSSL reasons reach us as EPROTO, or with no code at all from other HTTP clients. */
const isHandshakeText = (s: FailureSignals): boolean =>
  s.status === undefined && (s.nodeCode === "EPROTO" || s.nodeCode === undefined);

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const at = (m: number, n: number): boolean => major > m || (major === m && minor >= n);

/**
 * Trust-store steps for the running Node.js: `NODE_USE_SYSTEM_CA=1` from 22.19 and 24.6,
 * `--use-system-ca` from 22.15 and 23.8, `NODE_EXTRA_CA_CERTS` everywhere.
 */
function trustStoreSteps(): string[] {
  const steps: string[] = [];
  if ((major === 22 && at(22, 19)) || at(24, 6)) {
    steps.push(
      "Make Node.js trust the operating system's certificate store, where company roots are usually installed: set NODE_USE_SYSTEM_CA=1 or start node with --use-system-ca.",
    );
  } else if ((major === 22 && at(22, 15)) || at(23, 8)) {
    steps.push(
      "Make Node.js trust the operating system's certificate store, where company roots are usually installed: start node with --use-system-ca.",
    );
  }
  steps.push(
    "Or save the issuing root certificate as a PEM file and set NODE_EXTRA_CA_CERTS to its path before the process starts: Node.js reads it only at start-up.",
  );
  return steps;
}

const NEVER_DISABLE =
  "Do not set NODE_TLS_REJECT_UNAUTHORIZED=0: it turns certificate checks off for every connection and sends your keys and tokens to whoever answers.";

/** TLS handshake failures: protocol versions, trust, validity and names. */
export const tlsRules = [
  rule({
    cause: "tlsVersionUnsupported",
    category: "tls",
    statuses: [null],
    signal: "EPROTO `alert protocol version` / `unsupported protocol`",
    summary:
      "The TLS handshake failed on the protocol version: one side offers only TLS 1.0 or 1.1, and Azure services and Node.js both require TLS 1.2 or newer.",
    remediation: [
      "Check that nothing in this process lowers or caps the TLS version: remove --tls-min-v1.0, --tls-max-v1.1 and any tls.DEFAULT_MAX_VERSION setting.",
      "If the endpoint is a proxy or gateway of your own, enable TLS 1.2 or 1.3 on it; Azure's own endpoints accept TLS 1.2 and newer.",
      "Run `npx azure-sdk-doctor <endpoint>` to see which protocol the endpoint negotiates.",
    ],
    docs: [DOCS.nodeCli, DOCS.nodeEnterpriseNetwork],
    match: (s) =>
      hasCode(s, PROTOCOL_VERSION_CODES) ||
      (isHandshakeText(s) &&
        mentions(s, "alert protocol version", "unsupported protocol", "no protocols available")),
  }),
  rule({
    cause: "endpointNotTls",
    category: "tls",
    statuses: [null],
    signal: "EPROTO `wrong version number`",
    summary:
      "The client spoke TLS but the other end answered in plain text: the URL points at a plain-HTTP port, or HTTPS_PROXY is an https:// URL for a proxy that speaks plain HTTP.",
    remediation: [
      "Check the endpoint's port: an Azure endpoint is https://<name>.<service domain> with no port.",
      "If you use a proxy, write its URL as http://host:port in HTTPS_PROXY (the connection to the service is still encrypted end to end through the tunnel).",
      "Run `npx azure-sdk-doctor <endpoint>` to see which proxy applies to the host.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.nodeCli],
    match: (s) =>
      hasCode(s, NOT_TLS_CODES) ||
      (isHandshakeText(s) && mentions(s, "wrong version number", "packet length too long")),
  }),
  rule({
    cause: "tlsUntrustedCertificate",
    category: "tls",
    statuses: [null],
    signal:
      "SELF_SIGNED_CERT_IN_CHAIN, DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE, UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    summary:
      "Node.js does not trust the certificate it was shown; the usual cause is a TLS-inspecting proxy or firewall (Zscaler, Netskope, Palo Alto, Fortinet...) that re-signs traffic with a company root.",
    remediation: [
      "Run `npx azure-sdk-doctor <endpoint>` to see who issued the certificate: a genuine Azure certificate is issued by a Microsoft Azure CA, anything else was put there on your network.",
      ...trustStoreSteps(),
      "If the chain is incomplete (a missing intermediate) on a server of your own, configure it to send the full chain.",
      NEVER_DISABLE,
    ],
    docs: [DOCS.nodeEnterpriseNetwork, DOCS.nodeCli, DOCS.nodeTlsErrors],
    match: (s) => hasCode(s, UNTRUSTED_CERTIFICATE_CODES),
  }),
  rule({
    cause: "tlsCertificateExpired",
    category: "tls",
    statuses: [null],
    signal: "CERT_HAS_EXPIRED",
    summary:
      "The certificate presented for the endpoint has expired, or this machine's clock is ahead of the real time.",
    remediation: [
      "Check this machine's date and time; an Azure-managed certificate is renewed before it expires.",
      "If a proxy or gateway of your own presents the certificate, renew it there.",
      "Run `npx azure-sdk-doctor <endpoint>` to see the certificate's dates and issuer.",
    ],
    docs: [DOCS.nodeTlsErrors],
    match: (s) => s.nodeCode === "CERT_HAS_EXPIRED",
  }),
  rule({
    cause: "tlsCertificateNotYetValid",
    category: "tls",
    statuses: [null],
    signal: "CERT_NOT_YET_VALID",
    summary:
      "The certificate presented for the endpoint is not valid yet: this machine's clock is most likely behind.",
    remediation: [
      "Correct this machine's date and time (enable NTP synchronisation), then retry.",
      "If the clock is right, the certificate was issued with a future start date by a proxy or gateway of your own: reissue it.",
    ],
    docs: [DOCS.nodeTlsErrors],
    match: (s) => s.nodeCode === "CERT_NOT_YET_VALID",
  }),
  rule({
    cause: "tlsHostnameMismatch",
    category: "tls",
    statuses: [null],
    signal: "ERR_TLS_CERT_ALTNAME_INVALID",
    summary:
      "The certificate does not name the host the client connected to: the endpoint is an IP address or alias, or something else answered for that name.",
    remediation: [
      "Use the service's own host name from the Azure portal, not an IP address or a CNAME of your own.",
      "For a private endpoint, resolve the service's name to the private address in DNS (its privatelink zone) instead of connecting to the address directly.",
      "Run `npx azure-sdk-doctor <endpoint>` to see which names the certificate covers.",
    ],
    docs: [DOCS.privateEndpointDns, DOCS.nodeTlsErrors],
    match: (s) => s.nodeCode === "ERR_TLS_CERT_ALTNAME_INVALID",
  }),
];

/** What the preflight finds about TLS in the process and the certificate before any request fails. */
export const tlsFindings = [
  rule({
    cause: "certificateChecksDisabled",
    category: "tls",
    signal: "NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment (preflight)",
    summary:
      "NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate verification off for every connection this process makes, so its keys and tokens go to whoever answers, an attacker included.",
    remediation: [
      "Remove NODE_TLS_REJECT_UNAUTHORIZED from the environment (and from .env files, Dockerfiles and launch settings).",
      "If it was set because of a company proxy's certificate, trust that root instead: set NODE_EXTRA_CA_CERTS to its PEM file, or start node with --use-system-ca.",
      "Run `npx azure-sdk-doctor <endpoint>` to see who issues the certificate presented for the endpoint.",
    ],
    docs: [DOCS.nodeCli, DOCS.nodeEnterpriseNetwork],
  }),
  rule({
    cause: "extraCaCertsMissing",
    category: "configuration",
    signal: "NODE_EXTRA_CA_CERTS names a file that does not exist (preflight)",
    summary:
      "NODE_EXTRA_CA_CERTS names a file that does not exist, so Node.js ignored it and trusts none of the roots it was meant to add.",
    remediation: [
      "Point NODE_EXTRA_CA_CERTS at the absolute path of an existing PEM file holding the root certificate(s), then restart the process: Node.js reads it only at start-up.",
      "In a container, check that the file is copied or mounted into the image at that path.",
    ],
    docs: [DOCS.nodeCli, DOCS.nodeEnterpriseNetwork],
  }),
  rule({
    cause: "certificateExpiringSoon",
    category: "tls",
    signal: "the presented certificate expires within 14 days (preflight)",
    summary:
      "The certificate presented for the endpoint expires within 14 days; Azure renews its own certificates well before that, so a proxy or gateway of your own most likely presents it.",
    remediation: [
      "Check who issued the certificate: a genuine Azure certificate is issued by a Microsoft Azure CA.",
      "If a proxy, firewall or gateway of your own presents it, renew the certificate there before it expires.",
    ],
    docs: [DOCS.nodeTlsErrors, DOCS.nodeEnterpriseNetwork],
  }),
];
