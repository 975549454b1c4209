import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import { anyOf, hasCode, mentions } from "../match.js";
import type { FailureSignals } from "../../types.js";
import { answerDetail } from "./gateway.js";

/** OpenSSL's reasons for a protocol version the two ends do not share. */
const PROTOCOL_VERSION_TEXTS = anyOf(
  "alert protocol version",
  "unsupported protocol",
  "no protocols available",
);

/** OpenSSL's reasons when plain text came back to a TLS client. */
const NOT_TLS_TEXTS = anyOf("wrong version number", "packet length too long");

/** OpenSSL's reasons for a certificate signed with a weak digest. */
const WEAK_SIGNATURE_TEXTS = anyOf("ca signature digest algorithm too weak", "ca md too weak");

/** OpenSSL's reasons for a certificate's key too small for the security level. */
const WEAK_KEY_TEXTS = anyOf(
  "ee certificate key too weak",
  "ca certificate key too weak",
  "ee key too small",
  "ca key too small",
);

/** The pages nginx and IIS answer with when a client certificate was required and none came. */
const CLIENT_CERTIFICATE_PAGES = anyOf("no required ssl certificate was sent", "the ssl certificate error");

/** OpenSSL's reasons for no cipher suite in common. */
const NO_SHARED_CIPHER_TEXTS = anyOf("no shared cipher", "no cipher match");

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

/** A handshake_failure alert (40), as OpenSSL 3.0 (`sslv3`) and 3.5 (`ssl/tls`) spell it. */
export const HANDSHAKE_FAILURE_CODES: ReadonlySet<string> = new Set([
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE",
]);

/** A handshake_failure alert in OpenSSL's text, either spelling. */
const HANDSHAKE_FAILURE_TEXT = /(?:sslv3|ssl\/tls) alert handshake failure/i;

/** The server found no cipher suite in common with the client. */
const NO_SHARED_CIPHER_CODES: ReadonlySet<string> = new Set([
  "ERR_SSL_NO_SHARED_CIPHER",
  "ERR_SSL_NO_CIPHER_MATCH",
]);

/** A verification error Node.js has no code for comes as UNSPECIFIED with OpenSSL's text. */
const isVerifyText = (s: FailureSignals): boolean =>
  s.status === undefined && (s.nodeCode === "UNSPECIFIED" || isHandshakeText(s));

/** Which switches a Node.js release has to trust the operating system's certificate store. */
export interface SystemCaSwitches {
  /** `--use-system-ca`, on the command line or in NODE_OPTIONS: from 22.15, 23.8 and 24.0. */
  flag: boolean;
  /** `NODE_USE_SYSTEM_CA=1`: honoured from 22.19 and 24.6 (earlier releases ignore it silently). */
  variable: boolean;
}

/**
 * The switches a Node.js release has to trust the operating system's certificate store.
 *
 * @param version - a Node.js version, such as `process.versions.node` (`"22.12.0"`).
 */
export function systemCaSwitches(version: string): SystemCaSwitches {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const from = (m: number, n: number): boolean => major === m && minor >= n;
  return {
    flag: major >= 24 || from(23, 8) || from(22, 15),
    variable: major >= 25 || from(24, 6) || from(22, 19),
  };
}

const EXTRA_CA_CERTS =
  "save the issuing root certificate as a PEM file and set NODE_EXTRA_CA_CERTS to its path before the process starts: Node.js reads it only at start-up.";

/**
 * The steps that make a Node.js release trust a company root, each naming only switches that release
 * has: the system store (`NODE_USE_SYSTEM_CA=1` or `--use-system-ca`) where it can, and
 * NODE_EXTRA_CA_CERTS everywhere.
 *
 * @param version - a Node.js version, such as `process.versions.node`.
 */
export function trustStoreSteps(version: string): string[] {
  const { flag, variable } = systemCaSwitches(version);
  const store =
    "Make Node.js trust the operating system's certificate store, where company roots are usually installed:";
  if (variable) {
    return [`${store} set NODE_USE_SYSTEM_CA=1 or start node with --use-system-ca.`, `Or ${EXTRA_CA_CERTS}`];
  }
  if (flag) {
    return [
      `${store} start node with --use-system-ca (or add it to NODE_OPTIONS); NODE_USE_SYSTEM_CA=1 needs Node.js 22.19 or 24.6.`,
      `Or ${EXTRA_CA_CERTS}`,
    ];
  }
  return [
    `Make Node.js trust the root: ${EXTRA_CA_CERTS} This Node.js (${version}) cannot trust the operating system's store; --use-system-ca comes with 22.15 and 24.0.`,
  ];
}

/**
 * The step that trusts a company root instead of turning certificate checks off, for a Node.js release.
 *
 * @param version - a Node.js version, such as `process.versions.node`.
 */
export function trustInsteadStep(version: string): string {
  const { flag, variable } = systemCaSwitches(version);
  const store = variable
    ? ", or set NODE_USE_SYSTEM_CA=1 (or start node with --use-system-ca) to trust the operating system's store"
    : flag
      ? ", or start node with --use-system-ca to trust the operating system's store"
      : "";
  return `If it was set because of a company proxy's certificate, trust that root instead: set NODE_EXTRA_CA_CERTS to its PEM file${store}.`;
}

/** The Node.js this process runs: the advice names only the switches it has. */
const RUNNING_NODE = process.versions.node;

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
      hasCode(s, PROTOCOL_VERSION_CODES) || (isHandshakeText(s) && mentions(s, PROTOCOL_VERSION_TEXTS)),
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
    match: (s) => hasCode(s, NOT_TLS_CODES) || (isHandshakeText(s) && mentions(s, NOT_TLS_TEXTS)),
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
      ...trustStoreSteps(RUNNING_NODE),
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
  rule({
    cause: "tlsWeakSignature",
    category: "tls",
    statuses: [null],
    signal: "UNSPECIFIED `CA signature digest algorithm too weak`",
    summary:
      "A certificate in the chain is signed with a digest Node.js no longer accepts (SHA-1 or MD5); old gateways, appliances and TLS-inspecting proxies still sign that way, Azure does not.",
    remediation: [
      "Run `npx azure-sdk-doctor <endpoint>` to see the certificate and who issued it: Azure's own certificates are signed with SHA-256 or stronger, so a SHA-1 signature was made on your network.",
      "Have the certificate reissued with SHA-256 (for a TLS-inspecting proxy, its signing root or intermediate), on the server, gateway or proxy that presents it.",
      NEVER_DISABLE,
    ],
    docs: [DOCS.nodeTlsErrors, DOCS.nodeEnterpriseNetwork],
    match: (s) => s.nodeCode === "CA_MD_TOO_WEAK" || (isVerifyText(s) && mentions(s, WEAK_SIGNATURE_TEXTS)),
  }),
  rule({
    cause: "tlsWeakKey",
    category: "tls",
    statuses: [null],
    signal: "UNSPECIFIED `EE certificate key too weak`, `ee key too small`",
    summary:
      "The certificate's key is too short for this Node.js (an RSA key of 512 or 1024 bits, where OpenSSL's security level asks for 2048 or more); old appliances and test servers still use such keys.",
    remediation: [
      "Run `npx azure-sdk-doctor <endpoint>` to see the certificate, its issuer and its key size.",
      "Have the certificate reissued with an RSA key of 2048 bits or more (or an ECDSA key) on the server, gateway or proxy that presents it; Azure's own certificates already are.",
      NEVER_DISABLE,
    ],
    docs: [DOCS.nodeTlsErrors, DOCS.nodeTlsCiphers],
    match: (s) =>
      s.nodeCode === "EE_KEY_TOO_SMALL" ||
      s.nodeCode === "CA_KEY_TOO_SMALL" ||
      (isVerifyText(s) && mentions(s, WEAK_KEY_TEXTS)),
  }),
  rule({
    cause: "tlsWeakDhKey",
    category: "tls",
    statuses: [null],
    signal: "ERR_SSL_DH_KEY_TOO_SMALL, EPROTO `dh key too small`",
    summary:
      "The server offered a Diffie-Hellman group too small for this Node.js (1024 bits or less), for its DHE cipher suites; Node.js 24.6 and newer refuse it.",
    remediation: [
      "On the server, gateway or proxy that presents it, prefer ECDHE cipher suites, or configure a DH group of 2048 bits or more (ssl_dhparam in nginx).",
      "Azure's own endpoints negotiate ECDHE: if the endpoint is an Azure host name, something on your network answered in its place.",
    ],
    docs: [DOCS.nodeTlsCiphers],
    match: (s) =>
      s.nodeCode === "ERR_SSL_DH_KEY_TOO_SMALL" || (isHandshakeText(s) && mentions(s, "dh key too small")),
  }),
  rule({
    cause: "tlsClientCertificateRequired",
    category: "tls",
    statuses: [null, 400],
    signal:
      "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED; a 400 `No required SSL certificate was sent` from nginx",
    summary:
      "The server requires a client certificate (mutual TLS) and this client sent none it accepts; Azure's endpoints do not ask for one, a gateway or proxy in front of them does.",
    remediation: [
      "Check the endpoint: Azure service endpoints do not ask for a client certificate, so the URL may point at a gateway of your own (Application Gateway, API Management, a reverse proxy with mutual TLS).",
      "If that gateway requires one, give the client its certificate and key in the client options, `tlsOptions: { cert, key }` (PEM); they are ignored when the request goes through a proxy.",
    ],
    docs: [DOCS.nodeTlsContextOptions, DOCS.nodeEnterpriseNetwork],
    match: (s) => {
      if (s.status === 400) {
        if (s.fromAzure || !mentions(s, CLIENT_CERTIFICATE_PAGES)) return false;
        return { detail: answerDetail(s) };
      }
      return (
        s.nodeCode === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" ||
        (isHandshakeText(s) && mentions(s, "alert certificate required"))
      );
    },
  }),
  rule({
    cause: "tlsNoSharedCipher",
    category: "tls",
    statuses: [null],
    signal:
      "EPROTO `sslv3 alert handshake failure` or `ssl/tls alert handshake failure` (alert 40), `no shared cipher`",
    summary:
      "The server ended the TLS handshake with a handshake_failure alert: most often it offers no cipher suite Node.js accepts (NULL, anonymous or legacy ones), or cannot sign with its key.",
    remediation: [
      "Run `npx azure-sdk-doctor <endpoint>`: it retries the handshake offering every cipher, reads the certificate, and names what the server insists on.",
      "On the server, gateway or proxy that answered, enable TLS 1.2 or 1.3 with ECDHE and AES-GCM or ChaCha20 cipher suites, and a certificate key of 2048 bits or more; Azure's own endpoints already offer these.",
      "If the server asks for a client certificate (mutual TLS), give the client one: `tlsOptions: { cert, key }` in the client options.",
    ],
    docs: [DOCS.nodeTlsCiphers, DOCS.nodeEnterpriseNetwork],
    confidence: "inferred",
    match: (s) => {
      if (hasCode(s, NO_SHARED_CIPHER_CODES) || (isHandshakeText(s) && mentions(s, NO_SHARED_CIPHER_TEXTS))) {
        return { confidence: "exact" };
      }
      const alert =
        hasCode(s, HANDSHAKE_FAILURE_CODES) || (isHandshakeText(s) && HANDSHAKE_FAILURE_TEXT.test(s.message));
      // Alert 40 also ends a handshake when the server cannot sign with its key or wants a client certificate.
      return alert ? { alternatives: ["tlsWeakKey", "tlsClientCertificateRequired"] } : false;
    },
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
      trustInsteadStep(RUNNING_NODE),
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
    cause: "tlsIncompleteChain",
    category: "tls",
    signal:
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE with no intermediate presented, issued by no known inspection product (preflight)",
    summary:
      "The server sends its certificate without the intermediate certificate that links it to a trusted root, so Node.js cannot build the chain (browsers often fetch the missing one and hide the fault).",
    remediation: [
      "On the server, gateway or proxy that presents it, configure the full chain: its certificate followed by the intermediate(s) of its issuer (nginx: the fullchain file in ssl_certificate).",
      "Azure's own endpoints send their intermediates: if this is an Azure host name, something on your network answered in its place.",
      "Until it is fixed, the intermediate named as the issuer can be added to NODE_EXTRA_CA_CERTS, which Node.js also uses to build chains.",
      NEVER_DISABLE,
    ],
    docs: [DOCS.nodeTlsErrors, DOCS.nodeEnterpriseNetwork],
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
