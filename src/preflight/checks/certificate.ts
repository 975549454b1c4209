import type { X509Certificate } from "node:crypto";
import type tls from "node:tls";
import { diagnosisOf } from "../../diagnose.js";
import { inspectionProductOf } from "../inspection.js";
import type { PreflightCertificate } from "../types.js";
import type { CheckResult } from "./endpoint.js";

const DAY = 86_400_000;

/** Inside this many days before expiry the certificate check warns. */
export const EXPIRY_WARNING_DAYS = 14;

/** The RSA key size below which OpenSSL's default security level (2, in Node.js 24) refuses a key. */
export const WEAK_RSA_BITS = 2048;

/** A certificate the endpoint presented, with the short names and key facts its sentences use. */
export interface Presented {
  certificate: PreflightCertificate;
  /** The subject's common name, else its organisation; empty for a certificate with no subject. */
  subjectName: string;
  /** The issuer's common name, else its organisation, else its whole name. */
  issuerName: string;
  /** Whether the leaf names itself as its issuer (self-signed or self-issued). */
  selfIssued: boolean;
  /** The size of an RSA key, in bits. */
  rsaBits?: number;
}

type Name = Record<string, string | string[] | undefined>;

/** A certificate name as `CN=..., O=...`. */
function nameOf(name: Name | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : String(value)}`)
    .join(", ");
}

/** The most readable part of a name: its common name, else its organisation, else all of it. */
function shortName(name: Name | undefined): string {
  const pick = (value: string | string[] | undefined): string | undefined =>
    Array.isArray(value) ? value[0] : value;
  return pick(name?.CN) || pick(name?.O) || nameOf(name);
}

/** A name as X509Certificate writes it, one `key=value` per line, as an object. */
function parsedName(text: string): Name {
  const name: Name = {};
  for (const line of text.split("\n")) {
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    const before = name[key];
    name[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return name;
}

function described(
  leaf: {
    subject: Name;
    issuer: Name;
    validFrom: string;
    validTo: string;
    subjectAltNames: string;
    fingerprint256: string;
    rsaBits?: number;
  },
  above: { subject: Name; issuer: Name }[],
  trusted: boolean,
  now: number,
): Presented {
  const validTo = new Date(leaf.validTo);
  const certificate: PreflightCertificate = {
    subject: nameOf(leaf.subject),
    issuer: nameOf(leaf.issuer),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysRemaining: Math.floor((validTo.getTime() - now) / DAY),
    subjectAltNames: leaf.subjectAltNames.split(", ").filter(Boolean),
    fingerprint256: leaf.fingerprint256,
    trusted,
    chain: above.map((cert) => nameOf(cert.subject)),
  };
  const names = [certificate.issuer, ...above.flatMap((cert) => [nameOf(cert.subject), nameOf(cert.issuer)])];
  const product = inspectionProductOf(names);
  if (product) certificate.inspectionProduct = product;
  return {
    certificate,
    subjectName: shortName(leaf.subject),
    issuerName: shortName(leaf.issuer),
    selfIssued: certificate.subject !== "" && certificate.subject === certificate.issuer,
    ...(leaf.rsaBits === undefined ? {} : { rsaBits: leaf.rsaBits }),
  };
}

/**
 * What the endpoint presented, read from a handshake's peer chain.
 *
 * @param peer - the leaf, with its issuers linked.
 * @param trusted - whether the verifying handshake accepted it.
 * @param now - the time to count days from.
 */
export function presentedByPeer(
  peer: tls.DetailedPeerCertificate,
  trusted: boolean,
  now = Date.now(),
): Presented {
  const above: tls.DetailedPeerCertificate[] = [];
  const seen = new Set([peer.fingerprint256]);
  for (
    let cert = peer.issuerCertificate;
    cert && !seen.has(cert.fingerprint256);
    cert = cert.issuerCertificate
  ) {
    seen.add(cert.fingerprint256);
    above.push(cert);
  }
  const rsa = (peer as { modulus?: string }).modulus !== undefined;
  return described(
    {
      subject: peer.subject as unknown as Name,
      issuer: peer.issuer as unknown as Name,
      validFrom: peer.valid_from,
      validTo: peer.valid_to,
      subjectAltNames: peer.subjectaltname ?? "",
      fingerprint256: peer.fingerprint256,
      ...(rsa && typeof peer.bits === "number" ? { rsaBits: peer.bits } : {}),
    },
    above.map((cert) => ({
      subject: cert.subject as unknown as Name,
      issuer: cert.issuer as unknown as Name,
    })),
    trusted,
    now,
  );
}

/**
 * What the endpoint presented in the clear Certificate message of a TLS 1.2 handshake that failed
 * before it was verified.
 *
 * @param certificates - the certificates, leaf first (at least one).
 * @param now - the time to count days from.
 */
export function presentedByFlight(certificates: readonly X509Certificate[], now = Date.now()): Presented {
  const [leaf, ...above] = certificates as [X509Certificate, ...X509Certificate[]];
  const key = leaf.publicKey.asymmetricKeyDetails;
  return described(
    {
      subject: parsedName(leaf.subject),
      issuer: parsedName(leaf.issuer),
      validFrom: leaf.validFrom,
      validTo: leaf.validTo,
      subjectAltNames: leaf.subjectAltName ?? "",
      fingerprint256: leaf.fingerprint256,
      ...(leaf.publicKey.asymmetricKeyType === "rsa" && key?.modulusLength
        ? { rsaBits: key.modulusLength }
        : {}),
    },
    above.map((cert) => ({ subject: parsedName(cert.subject), issuer: parsedName(cert.issuer) })),
    false,
    now,
  );
}

/**
 * One sentence on who the certificate is for, who issued it, and until when.
 *
 * @param presented - the certificate.
 */
export function facts(presented: Presented): string {
  const { certificate } = presented;
  const product = certificate.inspectionProduct
    ? `, a certificate from ${certificate.inspectionProduct} TLS inspection on this network`
    : "";
  const days = certificate.daysRemaining;
  // Whole days left are floored, so an expiry 30 hours ago counts as -2: one whole day has passed.
  const elapsed = -days - 1;
  const expiry =
    days >= 0
      ? `expires in ${days} days`
      : elapsed < 1
        ? "expired less than a day ago"
        : `expired ${elapsed} ${elapsed === 1 ? "day" : "days"} ago`;
  const names = certificate.subjectAltNames[0]?.replace(/^[A-Za-z ]+:/, "");
  const subject =
    presented.subjectName || `a certificate with no subject name${names ? ` (for ${names})` : ""}`;
  const key =
    presented.rsaBits !== undefined && presented.rsaBits < WEAK_RSA_BITS
      ? `, with a ${presented.rsaBits}-bit RSA key`
      : "";
  return `${subject} issued by ${presented.issuerName || "an issuer with no name"}${product}${key}; ${expiry} (${certificate.validTo.slice(0, 10)})`;
}

/**
 * Whether the chain shows a missing intermediate: the leaf came alone, its issuer is neither itself
 * nor a TLS-inspecting product this package recognises.
 *
 * @param presented - the certificate, read with verification off.
 */
export function isIncompleteChain(presented: Presented): boolean {
  return (
    presented.certificate.chain?.length === 0 &&
    !presented.selfIssued &&
    presented.certificate.inspectionProduct === undefined
  );
}

/**
 * The certificate check after a handshake that completed with full verification: warns inside
 * {@link EXPIRY_WARNING_DAYS} days of expiry.
 *
 * @param presented - the certificate.
 * @param host - the endpoint's host.
 */
export function checkTrustedCertificate(presented: Presented, host: string): CheckResult {
  const summary = `${facts(presented)}.`;
  if (presented.certificate.daysRemaining < EXPIRY_WARNING_DAYS) {
    return {
      status: "warn",
      summary: `Expires soon: ${summary}`,
      diagnosis: diagnosisOf("certificateExpiringSoon", { host }),
    };
  }
  return { status: "pass", summary: `Trusted: ${summary}` };
}
