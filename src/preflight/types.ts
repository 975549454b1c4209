import type { Diagnosis } from "../diagnosis.js";

/** The outcome of one preflight check. */
export type PreflightStatus = "pass" | "warn" | "fail" | "skip";

/** The id of a preflight check, in the order they run. */
export type PreflightCheckId =
  | "scheme"
  | "endpoint"
  | "environment"
  | "dns"
  | "proxy"
  | "tcp"
  | "tls"
  | "certificate";

/** One check of a preflight run. */
export interface PreflightCheck {
  /** Which check this is. */
  id: PreflightCheckId;
  /** Its outcome. */
  status: PreflightStatus;
  /** One line that says what was found. */
  summary: string;
  /** For a warning or failure, the cause from the catalog, with its remediation and links. */
  diagnosis?: Diagnosis;
  /** How long the check took, in milliseconds. */
  durationMs?: number;
}

/** The certificate the endpoint presented. */
export interface PreflightCertificate {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  /** Whole days until it expires (negative once expired). */
  daysRemaining: number;
  subjectAltNames: string[];
  fingerprint256: string;
  /** The TLS-inspecting product named by the issuer chain, when one is recognised (e.g. "Zscaler"). */
  inspectionProduct?: string;
}

/** What the TLS handshake negotiated and was shown. */
export interface PreflightTls {
  /** Such as "TLSv1.3"; absent when no handshake completed. */
  protocol?: string;
  cipher?: string;
  certificate?: PreflightCertificate;
}

/** The result of {@link preflight}. */
export interface PreflightReport {
  /** The endpoint that was checked, without credentials, path or query. */
  endpoint: string;
  /** False when any check failed. */
  ok: boolean;
  /** Every check, in the order it ran. */
  checks: PreflightCheck[];
  /** The handshake's results, when it got that far. */
  tls?: PreflightTls;
}

/** Options of {@link preflight}. */
export interface PreflightOptions {
  /** The most any single network step may take, in milliseconds. Defaults to 5000. */
  timeoutMs?: number;
  /**
   * Extra roots to trust, as the client's own `ca` would be (PEM). Defaults to the roots this process
   * trusts: Node's bundle plus NODE_EXTRA_CA_CERTS or the system store where those are enabled.
   */
  ca?: string | string[];
  /** The proxy the client uses, as in the SDK's `proxyOptions`. Defaults to HTTPS_PROXY / NO_PROXY. */
  proxyOptions?: { host: string; port: number; username?: string; password?: string };
  /** Warn instead of fail on an `http://` loopback endpoint (local emulators). Defaults to true. */
  allowLoopbackHttp?: boolean;
  /** Aborts the run. */
  abortSignal?: AbortSignal;
}
