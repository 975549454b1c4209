/**
 * A certificate factory for tests, the demo and the benchmark: authorities, intermediates and
 * leaves made at run time, with the names and dates each failure needs. Keys come from node:crypto
 * (fast, native); node-forge builds and signs the certificates.
 */
import { createDiffieHellmanGroup, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";

/** A certificate and its private key, PEM-encoded. */
export interface Pem {
  cert: string;
  key: string;
}

/** A certificate authority that can issue leaves and intermediates. */
export interface Authority extends Pem {
  /** The authority's common name, which shows as the issuer of what it signs. */
  name: string;
  /** What a server sends after a leaf this authority issued: itself and its parents below the root. */
  chain: string[];
  /** Issues a leaf for the given host names (DNS names or IP addresses). */
  issue(options: LeafOptions): Leaf;
  /** Issues an intermediate authority signed by this one. */
  intermediate(name: string): Authority;
}

/** A leaf certificate with the chain a server should send after it. */
export interface Leaf extends Pem {
  /** Intermediates to send after the leaf (not the root). */
  chain: string[];
  /** The leaf followed by its intermediates, as a server's `cert` option wants. */
  fullChain: string;
}

/** What a leaf certificate says. */
export interface LeafOptions {
  /** Host names and IP addresses for subjectAltName. Defaults to localhost and 127.0.0.1. */
  hosts?: string[];
  /** Defaults to one hour ago. */
  notBefore?: Date;
  /** Defaults to 90 days from now. */
  notAfter?: Date;
  /** Defaults to the first host; `null` leaves the subject empty, as some inspecting proxies do. */
  commonName?: string | null;
  /** The digest the authority signs with. Defaults to SHA-256; SHA-1 is what old appliances sign with. */
  digest?: "sha1" | "sha256";
  /** The RSA key size. Defaults to 2048; 512 or 1024 is what old appliances present. */
  keyBits?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A positive DER integer with no leading zero byte, as RFC 5280 wants. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString("hex");
}

function newKeyPair(bits = 2048): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function build(
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  publicKey: forge.pki.rsa.PublicKey,
  signingKey: forge.pki.rsa.PrivateKey,
  notBefore: Date,
  notAfter: Date,
  extensions: object[],
  digest: "sha1" | "sha256" = "sha256",
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(signingKey, (digest === "sha1" ? forge.md.sha1 : forge.md.sha256).create());
  return forge.pki.certificateToPem(cert);
}

const nameOf = (commonName: string, organization?: string): forge.pki.CertificateField[] => [
  { name: "commonName", value: commonName },
  ...(organization ? [{ name: "organizationName", value: organization }] : []),
];

function authority(
  name: string,
  organization: string | undefined,
  parent:
    | { key: forge.pki.rsa.PrivateKey; subject: forge.pki.CertificateField[]; chain: string[]; cert: string }
    | undefined,
): Authority {
  const keys = newKeyPair();
  const subject = nameOf(name, organization);
  const cert = build(
    subject,
    parent?.subject ?? subject,
    keys.publicKey,
    parent?.key ?? keys.privateKey,
    new Date(Date.now() - DAY),
    new Date(Date.now() + 365 * DAY),
    [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ],
  );
  // What a server sends after a leaf this authority issued: itself unless it is the root, then its parents.
  const self = { key: keys.privateKey, subject, chain: parent ? [cert, ...parent.chain] : [], cert };
  return {
    name,
    cert,
    key: keys.pem,
    chain: self.chain,
    issue(options: LeafOptions = {}): Leaf {
      const hosts = options.hosts ?? ["localhost", "127.0.0.1"];
      const leafKeys = newKeyPair(options.keyBits);
      const leafCert = build(
        options.commonName === null ? [] : nameOf(options.commonName ?? hosts[0] ?? "localhost"),
        subject,
        leafKeys.publicKey,
        keys.privateKey,
        options.notBefore ?? new Date(Date.now() - HOUR),
        options.notAfter ?? new Date(Date.now() + 90 * DAY),
        [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          {
            name: "subjectAltName",
            // RFC 5280: with an empty subject, the names are the certificate's identity.
            critical: options.commonName === null,
            altNames: hosts.map((host) =>
              /^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
            ),
          },
        ],
        options.digest,
      );
      const intermediates = self.chain;
      return {
        cert: leafCert,
        key: leafKeys.pem,
        chain: intermediates,
        fullChain: [leafCert, ...intermediates].join(""),
      };
    },
    intermediate(childName: string): Authority {
      return authority(childName, organization, self);
    },
  };
}

/**
 * Makes a root certificate authority.
 *
 * @param name - its common name, such as "Zscaler Root CA".
 * @param organization - its organization, shown beside the name.
 */
export function createAuthority(name: string, organization?: string): Authority {
  return authority(name, organization, undefined);
}

/**
 * A self-signed leaf: its own issuer, trusted by nobody.
 *
 * @param hosts - names and addresses it covers.
 */
export function selfSigned(hosts: string[] = ["localhost", "127.0.0.1"]): Pem {
  const keys = newKeyPair();
  const subject = nameOf(hosts[0] ?? "localhost");
  const cert = build(
    subject,
    subject,
    keys.publicKey,
    keys.privateKey,
    new Date(Date.now() - HOUR),
    new Date(Date.now() + 30 * DAY),
    [
      { name: "basicConstraints", cA: false },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
      },
    ],
  );
  return { cert, key: keys.pem };
}

/** Dates relative to now, for certificates that must be expired, not yet valid or near expiry. */
export const when = {
  daysAgo: (days: number): Date => new Date(Date.now() - days * DAY),
  daysFromNow: (days: number): Date => new Date(Date.now() + days * DAY),
};

/**
 * The SHA-256 fingerprint of a PEM certificate, as Node prints it.
 *
 * @param pem - the certificate.
 */
export function fingerprint256(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** A DER element: its tag, its length (short or long form) and its content. */
function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const size =
    length < 0x80
      ? Buffer.from([length])
      : Buffer.concat([
          Buffer.from([0x80 | Math.ceil(length.toString(16).length / 2)]),
          Buffer.from(
            length.toString(16).padStart(Math.ceil(length.toString(16).length / 2) * 2, "0"),
            "hex",
          ),
        ]);
  return Buffer.concat([Buffer.from([tag]), size, content]);
}

/** A DER INTEGER of an unsigned big-endian number. */
const derInteger = (value: Buffer): Buffer =>
  der(0x02, (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);

/**
 * Diffie-Hellman parameters in PEM for a server's DHE cipher suites: the well-known 1024-bit group
 * (Oakley group 2, RFC 2409), which old appliances still use and Node.js 24.6 and newer refuse.
 */
export function weakDhParams(): string {
  const group = createDiffieHellmanGroup("modp2");
  const body = der(0x30, Buffer.concat([derInteger(group.getPrime()), derInteger(group.getGenerator())]));
  const base64 = body.toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN DH PARAMETERS-----\n${base64.trimEnd()}\n-----END DH PARAMETERS-----\n`;
}
