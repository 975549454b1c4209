import type { CauseId } from "../../catalog/index.js";
import { diagnosisOf } from "../../diagnose.js";
import type { Diagnosis } from "../../types.js";
import { diagnosisOfError, reasonOf } from "../findings.js";
import type { Reading } from "../network.js";
import { CERTIFICATE_REQUEST } from "../tap.js";
import {
  facts,
  isIncompleteChain,
  presentedByFlight,
  presentedByPeer,
  WEAK_RSA_BITS,
  type Presented,
} from "./certificate.js";
import type { CheckResult } from "./endpoint.js";

/** Causes that judge the certificate itself: after them the certificate check fails too. */
const CERTIFICATE_CAUSES: ReadonlySet<string> = new Set<CauseId>([
  "tlsUntrustedCertificate",
  "tlsIncompleteChain",
  "tlsCertificateExpired",
  "tlsCertificateNotYetValid",
  "tlsHostnameMismatch",
  "tlsWeakSignature",
  "tlsWeakKey",
]);

/** TLS alert descriptions a server ends a handshake with, by number. */
const ALERTS: Readonly<Record<number, string>> = {
  40: "handshake_failure",
  42: "bad_certificate",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  112: "unrecognized_name",
  116: "certificate_required",
};

/** What the tls and certificate checks say after the verifying handshake failed. */
export interface RefusedHandshake {
  /** The tls check's diagnosis, made exact or more precise by what the second handshake saw. */
  diagnosis: Diagnosis<CauseId> | undefined;
  /** What the endpoint presented, when the second handshake could read it. */
  presented?: Presented;
  /** The certificate check. */
  certificate: CheckResult;
}

/**
 * Judges a failed verifying handshake with what the second, reading one found: the certificate it
 * read (or the server's clear Certificate message), the cipher it negotiated when offered every one,
 * and the server's clear messages (a CertificateRequest, an alert).
 *
 * @param diagnosis - the catalog's diagnosis of the verifying handshake's error.
 * @param code - that error's code.
 * @param reading - the reading handshake's result.
 * @param host - the endpoint's host.
 */
export function judgeRefusedHandshake(
  diagnosis: Diagnosis<CauseId> | undefined,
  code: string,
  reading: Reading,
  host: string,
): RefusedHandshake {
  const shaken = reading.handshake;
  const flight = reading.flight;
  // An anonymous cipher suite completes a handshake with no certificate at all.
  const presented =
    shaken && shaken.peer.fingerprint256
      ? presentedByPeer(shaken.peer, false)
      : flight.certificates.length > 0
        ? presentedByFlight(flight.certificates)
        : undefined;
  const refined = refine(diagnosis, code, reading, presented);
  if (!presented) return { diagnosis: refined, certificate: notRead(reading) };

  const sentence = facts(presented);
  if (refined && CERTIFICATE_CAUSES.has(refined.cause)) {
    return {
      diagnosis: refined,
      presented,
      certificate: {
        status: "fail",
        summary: `Not accepted (${code || refined.cause}): ${sentence}.`,
        diagnosis: refined,
      },
    };
  }
  if (!shaken) {
    return {
      diagnosis: refined,
      presented,
      certificate: {
        status: "skip",
        summary: `Presented, not verified (the server ended the handshake first): ${sentence}.`,
      },
    };
  }
  if (shaken.authorizationError !== undefined) {
    // The handshake failed on something else, and the certificate would not be trusted either.
    const own = diagnosisOfError(
      Object.assign(new Error(shaken.authorizationError), { code: shaken.authorizationError }),
      host,
    );
    return {
      diagnosis: refined,
      presented,
      certificate: {
        status: "fail",
        summary: `Not accepted (${shaken.authorizationError}): ${sentence}.`,
        diagnosis: own,
      },
    };
  }
  return {
    diagnosis: refined,
    presented,
    certificate: {
      status: "pass",
      summary: `Trusted: ${sentence}; read with a second handshake, as the first failed on something other than the certificate.`,
    },
  };
}

/** The tls check's diagnosis, made exact where the second handshake tells the causes apart. */
function refine(
  diagnosis: Diagnosis<CauseId> | undefined,
  code: string,
  reading: Reading,
  presented: Presented | undefined,
): Diagnosis<CauseId> | undefined {
  if (!diagnosis) return undefined;
  const evidence = diagnosis.evidence;
  const handshakeFailure = diagnosis.cause === "tlsNoSharedCipher" && diagnosis.confidence === "inferred";
  if (handshakeFailure && !reading.handshake && reading.flight.messages.includes(CERTIFICATE_REQUEST)) {
    return diagnosisOf("tlsClientCertificateRequired", evidence, {
      detail:
        "The server asked for a client certificate (a CertificateRequest in its handshake) and ended the handshake when none came.",
    });
  }
  if (handshakeFailure && reading.handshake) {
    if (presented?.rsaBits !== undefined && presented.rsaBits < WEAK_RSA_BITS) {
      return diagnosisOf("tlsWeakKey", evidence, {
        detail: `The certificate has a ${presented.rsaBits}-bit RSA key; the handshake completes only when such keys are allowed.`,
      });
    }
    const { cipher = "a cipher suite", protocol = "TLS" } = reading.handshake;
    return diagnosisOf("tlsNoSharedCipher", evidence, {
      confidence: "exact",
      detail: `Offered every cipher suite, the server chose ${cipher} (${protocol}), which Node.js does not offer by default.`,
    });
  }
  if (diagnosis.cause === "tlsUntrustedCertificate" && presented) {
    const product = presented.certificate.inspectionProduct;
    if (product) {
      return diagnosisOf("tlsUntrustedCertificate", evidence, {
        detail: `Issued by ${presented.issuerName}: ${product} TLS inspection on this network re-signs the traffic with a root this process does not trust.`,
      });
    }
    if (code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" && isIncompleteChain(presented)) {
      return diagnosisOf("tlsIncompleteChain", evidence, {
        // An inspection product this package does not know would look the same.
        confidence: "inferred",
        alternatives: ["tlsUntrustedCertificate"],
        detail: `The server sent its certificate alone: its issuer, ${presented.issuerName}, is neither sent nor trusted here.`,
      });
    }
  }
  return diagnosis;
}

/** The certificate check when the second handshake read no certificate: why, as the server showed it. */
function notRead(reading: Reading): CheckResult {
  const { flight } = reading;
  if (reading.handshake) {
    return {
      status: "skip",
      summary: `Not read: the server presents none; offered every cipher suite, it chose ${reading.handshake.cipher ?? "one"}, which needs no certificate.`,
    };
  }
  if (flight.alert !== undefined && !flight.messages.includes(11)) {
    const alert = ALERTS[flight.alert] ?? `alert ${flight.alert}`;
    return {
      status: "skip",
      summary: `Not read: the server ended the handshake (${alert}) before it sent a certificate.`,
    };
  }
  if (flight.encrypted) {
    return {
      status: "skip",
      summary:
        "Not read: the server sends it encrypted (TLS 1.3), and the handshake ended before it could be read.",
    };
  }
  return {
    status: "skip",
    summary: `Not read: a second handshake to read it failed too: ${reasonOf(reading.error)}.`,
  };
}
