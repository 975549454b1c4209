import type tls from "node:tls";
import { diagnosisOf } from "../../diagnose.js";
import type { CauseId } from "../../catalog/index.js";
import type { Diagnosis } from "../../types.js";
import { inspectionProductOf } from "../inspection.js";
import type { PreflightCertificate } from "../types.js";
import type { CheckResult } from "./endpoint.js";

const DAY = 86_400_000;

/** Inside this many days before expiry the certificate check warns. */
export const EXPIRY_WARNING_DAYS = 14;

/**
 * Verification failures worth a second, unverified handshake to read the chain: the certificate
 * was received and judged, unlike protocol or connection failures.
 */
const CERTIFICATE_ERROR =
  /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_CERT_ALTNAME_INVALID$|INVALID_|PATH_LENGTH_|HOSTNAME_MISMATCH)/;

/**
 * Whether a handshake error is about the certificate it was shown.
 *
 * @param code - the error's code.
 */
export function isCertificateError(code: unknown): boolean {
  return typeof code === "string" && CERTIFICATE_ERROR.test(code);
}

/** A certificate name as `CN=..., O=...`. */
function nameOf(name: tls.Certificate | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : String(value)}`)
    .join(", ");
}

/** The most readable part of a name: its common name, else its organisation, else all of it. */
function shortName(name: tls.Certificate | undefined): string {
  const pick = (value: string | string[] | undefined): string | undefined =>
    Array.isArray(value) ? value[0] : value;
  return pick(name?.CN) ?? pick(name?.O) ?? nameOf(name);
}

/**
 * What the endpoint presented, read from a handshake's peer chain.
 *
 * @param peer - the leaf, with its issuers linked.
 * @param trusted - whether the verifying handshake accepted it.
 * @param now - the time to count days from.
 */
export function describeCertificate(
  peer: tls.DetailedPeerCertificate,
  trusted: boolean,
  now = Date.now(),
): PreflightCertificate {
  const chain: string[] = [];
  const names = [nameOf(peer.issuer)];
  const seen = new Set([peer.fingerprint256]);
  for (
    let cert = peer.issuerCertificate;
    cert && !seen.has(cert.fingerprint256);
    cert = cert.issuerCertificate
  ) {
    seen.add(cert.fingerprint256);
    chain.push(nameOf(cert.subject));
    names.push(nameOf(cert.subject), nameOf(cert.issuer));
  }
  const validTo = new Date(peer.valid_to);
  const certificate: PreflightCertificate = {
    subject: nameOf(peer.subject),
    issuer: nameOf(peer.issuer),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysRemaining: Math.floor((validTo.getTime() - now) / DAY),
    subjectAltNames: (peer.subjectaltname ?? "").split(", ").filter(Boolean),
    fingerprint256: peer.fingerprint256,
    trusted,
    chain,
  };
  const product = inspectionProductOf(names);
  if (product) certificate.inspectionProduct = product;
  return certificate;
}

/**
 * One sentence on who the certificate is for, who issued it, and until when.
 *
 * @param certificate - the described certificate.
 * @param peer - its chain, for the short names.
 */
function facts(certificate: PreflightCertificate, peer: tls.DetailedPeerCertificate): string {
  const product = certificate.inspectionProduct
    ? `, a certificate from ${certificate.inspectionProduct} TLS inspection on this network`
    : "";
  const days = certificate.daysRemaining;
  const expiry = days < 0 ? `expired ${-days} days ago` : `expires in ${days} days`;
  return `${shortName(peer.subject)} issued by ${shortName(peer.issuer)}${product}; ${expiry} (${certificate.validTo.slice(0, 10)})`;
}

/**
 * The certificate check after a handshake that completed with full verification: warns inside
 * {@link EXPIRY_WARNING_DAYS} days of expiry.
 *
 * @param certificate - the described certificate.
 * @param peer - its chain.
 * @param host - the endpoint's host.
 */
export function checkTrustedCertificate(
  certificate: PreflightCertificate,
  peer: tls.DetailedPeerCertificate,
  host: string,
): CheckResult {
  const summary = `${facts(certificate, peer)}.`;
  if (certificate.daysRemaining < EXPIRY_WARNING_DAYS) {
    return {
      status: "warn",
      summary: `Expires soon: ${summary}`,
      diagnosis: diagnosisOf("certificateExpiringSoon", { host }),
    };
  }
  return { status: "pass", summary: `Trusted: ${summary}` };
}

/**
 * The certificate check after the verifying handshake refused the certificate: the facts read by
 * the unverified one, under the handshake's diagnosis.
 *
 * @param certificate - the described certificate.
 * @param peer - its chain.
 * @param reason - why verification refused it (the error code).
 * @param diagnosis - the handshake's diagnosis.
 */
export function checkRefusedCertificate(
  certificate: PreflightCertificate,
  peer: tls.DetailedPeerCertificate,
  reason: string,
  diagnosis: Diagnosis<CauseId> | undefined,
): CheckResult {
  return { status: "fail", summary: `Not accepted (${reason}): ${facts(certificate, peer)}.`, diagnosis };
}
