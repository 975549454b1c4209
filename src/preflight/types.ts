import type { CauseId } from "../catalog/index.js";
import type { Diagnosis } from "../types.js";

/** The outcome of one preflight check. */
export type PreflightStatus = "pass" | "warn" | "fail" | "skip";

/** The id of a preflight check, in the order they run. */
export type PreflightCheckId =
  "scheme" | "endpoint" | "environment" | "dns" | "proxy" | "tcp" | "tls" | "certificate";

/** One check of a preflight run. */
export interface PreflightCheck {
  /** Which check this is. */
  id: PreflightCheckId;
  /** Its outcome. */
  status: PreflightStatus;
  /** One line that says what was found. */
  summary: string;
  /** For a warning or failure, the cause from the catalog, with its remediation and links. */
  diagnosis?: Diagnosis<CauseId>;
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
  /** Whether the handshake with full verification accepted it. */
  trusted?: boolean;
  /** The subjects of the certificates presented above the leaf, nearest first, as `CN=..., O=...`. */
  chain?: string[];
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
   * The roots the client trusts through its own `ca` option (PEM); like that option, they replace the
   * default roots. Defaults to the roots this process trusts: Node's bundle plus NODE_EXTRA_CA_CERTS,
   * the system store where that is enabled, and any `tls.setDefaultCACertificates()`.
   */
  ca?: string | string[];
  /**
   * The proxy the client uses, as in the SDK's `proxyOptions` (`host` may be a URL such as
   * `http://proxy.example`). Defaults to HTTPS_PROXY, ALL_PROXY or HTTP_PROXY unless NO_PROXY excludes the host.
   */
  proxyOptions?: { host: string; port: number; username?: string; password?: string };
  /**
   * Whether HTTPS_PROXY, ALL_PROXY, HTTP_PROXY and NO_PROXY apply when `proxyOptions` is not given.
   * Defaults to true. The policy's preflight sets it to false and passes the proxy the SDK chose for
   * the request, since the SDK reads NO_PROXY once per process.
   */
  useEnvironmentProxy?: boolean;
  /** Warn instead of fail on an `http://` loopback endpoint (local emulators). Defaults to true. */
  allowLoopbackHttp?: boolean;
  /** Aborts the run. */
  abortSignal?: AbortSignal;
}
