/**
 * The endpoint cases of badssl.com, served by real nginx on loopback: each a site with the certificate,
 * protocols or ciphers of one failure, plus healthy TLS 1.2 and 1.3 sites in front of the Search
 * stand-in. Two nginx processes: one with the distribution's OpenSSL settings, one at security level 0
 * for what only an old appliance still serves (SHA-1, 512-bit keys, NULL ciphers, TLS 1.0).
 */
import { dhParams, signLeaf } from "./openssl.js";
import { startNginx, type Nginx, type NginxSite } from "./nginx.js";
import { tempDir } from "./processes.js";
import { rmSync } from "node:fs";
import { createAuthority, selfSigned, when, type Authority, type Pem } from "../../../standin/certs.js";

/** One endpoint case. */
export interface EndpointCase {
  /** The site's name, such as "expired". */
  name: string;
  /** What the case stands for, for test titles and the notes. */
  title: string;
  /** Served by the nginx with legacy OpenSSL settings. */
  legacy?: boolean;
  /** For a handshake failure: what the SDK throws on Node 24, and today's right cause, if there is one. */
  fails?: HandshakeFailure;
  /** The site's TLS settings, with certificates made at the call. */
  serve(materials: Materials): Omit<NginxSite, "name" | "proxyTo">;
}

/** What the sites are made from. */
export interface Materials {
  /** The root the client trusts. */
  root: Authority;
  /** Where `openssl` may write its work files. */
  dir: string;
}

/** A handshake failure as the SDK throws it, and what each way of calling names it on Node 24. */
export interface HandshakeFailure {
  /** `error.code`. */
  code: string;
  /** The OpenSSL or Node reason in `error.message`. */
  reason: RegExp;
  /** The cause `diagnose()` gives the bare error and the policy gives its own. */
  cause: string;
  /** Whether that cause is inferred: alert 40 alone cannot tell a cipher from a key or a client certificate. */
  inferred?: boolean;
  /** The cause of the preflight (the gate's and `preflight()`'s), when its second handshake tells more. */
  preflightCause?: string;
  /** Whether the preflight's cause is inferred. */
  preflightInferred?: boolean;
  /** What the preflight's certificate check says. */
  certificate: RegExp;
}

/** The reason OpenSSL gives for a handshake_failure alert (40): 3.0 and 3.5 spell it differently. */
export const HANDSHAKE_FAILURE = /(sslv3|ssl\/tls) alert handshake failure/;

const issued = ({ root }: Materials): Pem => root.issue({});

/** The cases, in the order the specs and the notes list them. */
export const ENDPOINT_CASES: readonly EndpointCase[] = [
  {
    name: "healthy-tls12",
    title: "healthy, TLS 1.2",
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.2" }),
  },
  {
    name: "healthy-tls13",
    title: "healthy, TLS 1.3",
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.3" }),
  },
  {
    name: "expired",
    title: "expired certificate",
    serve: ({ root }) => ({ tls: root.issue({ notBefore: when.daysAgo(30), notAfter: when.daysAgo(1) }) }),
    fails: {
      code: "CERT_HAS_EXPIRED",
      reason: /^certificate has expired/,
      cause: "tlsCertificateExpired",
      certificate:
        /^Not accepted \(CERT_HAS_EXPIRED\): localhost issued by Network Test Root; expired 1 day ago/,
    },
  },
  {
    name: "self-signed",
    title: "self-signed certificate",
    serve: () => ({ tls: selfSigned() }),
    fails: {
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
      reason: /^self-signed certificate/,
      cause: "tlsUntrustedCertificate",
      certificate: /^Not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\): localhost issued by localhost;/,
    },
  },
  {
    name: "untrusted-root",
    title: "untrusted root, sent with the leaf",
    serve: () => {
      const untrusted = createAuthority("Untrusted Root CA", "Nobody in particular");
      const leaf = untrusted.issue({});
      return { tls: { cert: leaf.cert + untrusted.cert, key: leaf.key } };
    },
    fails: {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
      reason: /^self-signed certificate in certificate chain/,
      cause: "tlsUntrustedCertificate",
      certificate: /^Not accepted \(SELF_SIGNED_CERT_IN_CHAIN\): localhost issued by Untrusted Root CA;/,
    },
  },
  {
    name: "wrong-host",
    title: "certificate for another host",
    serve: ({ root }) => ({ tls: root.issue({ hosts: ["wrong.host.localhost"] }) }),
    fails: {
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
      reason: /^Hostname\/IP does not match certificate's altnames: Host: localhost\./,
      cause: "tlsHostnameMismatch",
      certificate:
        /^Not accepted \(ERR_TLS_CERT_ALTNAME_INVALID\): wrong\.host\.localhost issued by Network Test Root;/,
    },
  },
  {
    name: "incomplete-chain",
    title: "incomplete chain (intermediate not sent)",
    serve: ({ root }) => {
      const leaf = root.intermediate("Network Test Intermediate CA").issue({});
      return { tls: { cert: leaf.cert, key: leaf.key } };
    },
    fails: {
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      reason: /^unable to verify the first certificate/,
      cause: "tlsUntrustedCertificate",
      // The chain read by the second handshake shows the intermediate missing.
      preflightCause: "tlsIncompleteChain",
      preflightInferred: true,
      certificate:
        /^Not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): localhost issued by Network Test Intermediate CA;/,
    },
  },
  {
    name: "sha1",
    title: "leaf signed with SHA-1",
    legacy: true,
    serve: ({ root, dir }) => ({ tls: signLeaf({ dir, name: "sha1", ca: root, digest: "sha1" }) }),
    fails: {
      code: "UNSPECIFIED",
      reason: /CA signature digest algorithm too weak/,
      cause: "tlsWeakSignature",
      certificate: /^Not accepted \(UNSPECIFIED\): localhost issued by Network Test Root;/,
    },
  },
  {
    name: "null-ciphers",
    title: "NULL ciphers only",
    legacy: true,
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.2", ciphers: "eNULL" }),
    fails: {
      code: "EPROTO",
      reason: HANDSHAKE_FAILURE,
      cause: "tlsNoSharedCipher",
      inferred: true,
      // Offered every cipher, the server shows what it insists on.
      certificate: /^Trusted: localhost issued by Network Test Root;.*second handshake/,
    },
  },
  {
    name: "anonymous-ciphers",
    title: "anonymous (aNULL) ciphers only",
    legacy: true,
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.2", ciphers: "aNULL" }),
    fails: {
      code: "EPROTO",
      reason: HANDSHAKE_FAILURE,
      cause: "tlsNoSharedCipher",
      inferred: true,
      // Offered every cipher, the server shows what it insists on.
      certificate: /^Not read: the server presents none; .* it chose \S+, which needs no certificate\./,
    },
  },
  {
    name: "camellia-ciphers",
    title: "Camellia ciphers only (not in Node's default list)",
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.2", ciphers: "CAMELLIA" }),
    fails: {
      code: "EPROTO",
      reason: HANDSHAKE_FAILURE,
      cause: "tlsNoSharedCipher",
      inferred: true,
      // Offered every cipher, the server shows what it insists on.
      certificate: /^Trusted: localhost issued by Network Test Root;.*second handshake/,
    },
  },
  {
    name: "rsa512-tls13",
    title: "512-bit RSA key, TLS 1.3",
    legacy: true,
    serve: ({ root, dir }) => ({
      tls: signLeaf({ dir, name: "rsa512a", ca: root, bits: 512 }),
      protocols: "TLSv1.3",
    }),
    fails: {
      code: "EPROTO",
      reason: HANDSHAKE_FAILURE,
      cause: "tlsNoSharedCipher",
      inferred: true,
      // A TLS 1.3 server that cannot sign says only handshake_failure, before any certificate.
      preflightInferred: true,
      certificate:
        /^Not read: the server ended the handshake \(handshake_failure\) before it sent a certificate\.$/,
    },
  },
  {
    name: "rsa512-tls12",
    title: "512-bit RSA key, TLS 1.2",
    legacy: true,
    serve: ({ root, dir }) => ({
      tls: signLeaf({ dir, name: "rsa512b", ca: root, bits: 512 }),
      protocols: "TLSv1.2",
    }),
    fails: {
      code: "UNSPECIFIED",
      reason: /EE certificate key too weak/,
      cause: "tlsWeakKey",
      certificate:
        /^Not accepted \(UNSPECIFIED\): localhost issued by Network Test Root, with a 512-bit RSA key;/,
    },
  },
  {
    name: "dh1024",
    title: "1024-bit DH group (DHE ciphers only)",
    legacy: true,
    serve: (m) => ({
      tls: issued(m),
      protocols: "TLSv1.2",
      ciphers: "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
      dhParams: dhParams(m.dir, 1024),
    }),
    fails: {
      code: "EPROTO",
      reason: /dh key too small/,
      cause: "tlsWeakDhKey",
      certificate: /^Trusted: localhost issued by Network Test Root;.*second handshake/,
    },
  },
  {
    name: "tls10",
    title: "TLS 1.0 only",
    legacy: true,
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1" }),
    fails: {
      code: "EPROTO",
      reason: /tlsv1 alert protocol version/,
      cause: "tlsVersionUnsupported",
      certificate:
        /^Not read: the server ended the handshake \(protocol_version\) before it sent a certificate\.$/,
    },
  },
  {
    name: "tls11",
    title: "TLS 1.1 only",
    legacy: true,
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.1" }),
    fails: {
      code: "EPROTO",
      reason: /tlsv1 alert protocol version/,
      cause: "tlsVersionUnsupported",
      certificate:
        /^Not read: the server ended the handshake \(protocol_version\) before it sent a certificate\.$/,
    },
  },
  {
    name: "client-cert-tls12",
    title: "client certificate required, TLS 1.2 (ssl_verify_client on)",
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.2", clientCa: m.root.cert }),
  },
  {
    name: "client-cert-tls13",
    title: "client certificate required, TLS 1.3 (ssl_verify_client on)",
    serve: (m) => ({ tls: issued(m), protocols: "TLSv1.3", clientCa: m.root.cert }),
  },
  {
    name: "plain-http",
    title: "plain HTTP behind an https:// URL",
    serve: () => ({}),
    // OpenSSL reads nginx's plain "HTTP/1.1 400" as a record header; 3.5.2 reports its length instead.
    fails: {
      code: "EPROTO",
      reason: /wrong version number|packet length too long/,
      cause: "endpointNotTls",
      certificate:
        /^Not read: a second handshake to read it failed too: (wrong version number|packet length too long)/,
    },
  },
];

/** The endpoint cases, running. */
export interface Endpoints {
  /**
   * The https:// URL of a case.
   *
   * @param name - the case's name.
   */
  url(name: string): string;
  stop(): Promise<void>;
}

/**
 * Starts both nginx processes with every case; each TLS site passes requests on to the stand-in, so
 * a Node that accepts its handshake gets an answer.
 *
 * @param root - the root the client trusts.
 * @param upstream - the https:// origin of the Search stand-in.
 */
export async function startEndpoints(root: Authority, upstream: string): Promise<Endpoints> {
  const dir = tempDir("endpoint-certs");
  const sitesOf = (legacy: boolean): NginxSite[] =>
    ENDPOINT_CASES.filter((c) => (c.legacy ?? false) === legacy).map((c) => {
      const settings = c.serve({ root, dir });
      return { name: c.name, ...settings, ...(settings.tls ? { proxyTo: upstream } : {}) };
    });
  try {
    const modern = await startNginx({ sites: sitesOf(false) });
    let legacy: Nginx;
    try {
      legacy = await startNginx({ sites: sitesOf(true), legacy: true });
    } catch (error) {
      await modern.stop();
      throw error;
    }
    return {
      url: (name) => (ENDPOINT_CASES.find((c) => c.name === name)?.legacy ? legacy : modern).url(name),
      stop: async () => {
        await Promise.all([modern.stop(), legacy.stop()]);
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
