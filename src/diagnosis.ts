import { catalog } from "./catalog/index.js";
import { attachedDiagnosis } from "./enrich.js";
import { signalsFromThrown } from "./signals.js";

/**
 * The stable identifier of a known cause, such as `"invalidApiKey"` or `"tlsUntrustedCertificate"`.
 * The built-in ids are listed in {@link catalog}; a rule of your own may use any other string.
 */
export type CauseId = string;

/** The family a cause belongs to. */
export type DiagnosisCategory =
  | "authentication"
  | "authorization"
  | "tls"
  | "network"
  | "configuration"
  | "encryptionKey"
  | "quota"
  | "throttling"
  | "request"
  | "service"
  | "gateway"
  | "sdk";

/**
 * How sure a diagnosis is: `"exact"` when the signal names the cause (a Node error code, a service
 * message), `"inferred"` when only the context points to it (an empty 403, say).
 */
export type DiagnosisConfidence = "exact" | "inferred";

/**
 * What an Azure AI Search request was doing, read from its method and path. `"other"` for anything
 * that is not a Search data-plane path.
 */
export type OperationKind =
  | "documentRead"
  | "documentWrite"
  | "indexManagement"
  | "indexerManagement"
  | "dataSourceManagement"
  | "skillsetManagement"
  | "synonymMapManagement"
  | "aliasManagement"
  | "knowledgeManagement"
  | "serviceStatistics"
  | "other";

/** Which credential a request carried, never its value. */
export type CredentialKind = "apiKey" | "bearer" | "none";

/** The facts a diagnosis was made from. Never holds a secret, a URL query string or a body. */
export interface DiagnosisEvidence {
  /** The HTTP status of the response, when there was one. */
  status?: number;
  /** The service's error code (`error.code` in the body), when it was not empty. */
  serviceCode?: string;
  /** The Node.js or SDK error code of a thrown error, such as `"CERT_HAS_EXPIRED"`. */
  nodeCode?: string;
  /** The name of the thrown error, such as `"RestError"` or `"CredentialUnavailableError"`. */
  errorName?: string;
  /** The service's request id (`request-id` or `x-ms-request-id`), to quote to Azure support. */
  requestId?: string;
  /** The HTTP method of the request. */
  method?: string;
  /** The host name of the request, without port, path or query. */
  host?: string;
  /** What the request was doing. */
  operation?: OperationKind;
  /** Which credential the request carried. */
  credential?: CredentialKind;
}

/** A classified failure: what went wrong, how sure that is, and what to do about it. */
export interface Diagnosis {
  /** The stable id of the cause. */
  cause: CauseId;
  /** The family of the cause. */
  category: DiagnosisCategory;
  /** One sentence that says what went wrong. */
  summary: string;
  /** Ordered steps to fix it, each a full sentence. */
  remediation: readonly string[];
  /** Documentation links (https), most specific first. At least one. */
  docs: readonly string[];
  /** Whether the signal names the cause or the context only points to it. */
  confidence: DiagnosisConfidence;
  /** Other cause ids that fit the same signals, for an inferred diagnosis. */
  alternatives: readonly CauseId[];
  /** Whether the same request may succeed if sent again later without a change. */
  retryable: boolean;
  /** The facts the diagnosis was made from. */
  evidence: DiagnosisEvidence;
}

/**
 * Everything a rule may look at to decide whether it matches a failure: the evidence plus bounded,
 * redacted texts of the error message and the response body.
 */
export interface FailureSignals extends DiagnosisEvidence {
  /** The error message (or `""`), redacted and cut to a bounded length. */
  message: string;
  /** The start of the response body (or `""`), redacted and cut to a bounded length. */
  body: string;
  /** The service's error message (`error.message` in a JSON body), when there was one. */
  serviceMessage?: string;
  /** The URL scheme of the request. */
  scheme?: "http" | "https";
  /** The response's content type, lower-cased. */
  contentType?: string;
  /** Whether the response carried an Azure request id: its absence suggests a proxy or gateway answered. */
  fromAzure: boolean;
  /** Whether the response asked for a bearer token (`WWW-Authenticate: Bearer`). */
  bearerChallenge: boolean;
}

/** What a rule's `match` may return to refine its entry for one failure. */
export interface RuleMatch {
  /** Overrides the entry's confidence. */
  confidence?: DiagnosisConfidence;
  /** Other causes that fit. */
  alternatives?: readonly CauseId[];
}

/**
 * One known cause: what it looks like (`match`) beside what to say about it. The built-in
 * {@link catalog} is a list of these; pass your own to `diagnosisPolicy({ rules })`.
 */
export interface DiagnosisRule {
  /** The stable id of the cause. */
  cause: CauseId;
  /** The family of the cause. */
  category: DiagnosisCategory;
  /** A short description of the signal, for the troubleshooting table. */
  signal: string;
  /** One sentence that says what went wrong. */
  summary: string;
  /** Ordered steps to fix it, each a full sentence. */
  remediation: readonly string[];
  /** Documentation links (https), most specific first. */
  docs: readonly string[];
  /** Whether the same request may succeed if sent again later. Defaults to false. */
  retryable?: boolean;
  /** The default confidence of a match. Defaults to `"exact"`. */
  confidence?: DiagnosisConfidence;
  /**
   * The HTTP statuses this rule can explain, `null` standing for a failure without one (a thrown
   * TLS, network or credential error): the rule is tried only for those. Defaults to every failure.
   */
  statuses?: readonly (number | null)[];
  /** Decides whether this rule explains the failure; a {@link RuleMatch} refines the result. */
  match(signals: FailureSignals): boolean | RuleMatch;
}

/** Picks the facts that may leave the process: these nine fields, and nothing else of the signals. */
export function evidenceOf(signals: FailureSignals): DiagnosisEvidence {
  const evidence: DiagnosisEvidence = {};
  if (signals.status !== undefined) evidence.status = signals.status;
  if (signals.serviceCode !== undefined) evidence.serviceCode = signals.serviceCode;
  if (signals.nodeCode !== undefined) evidence.nodeCode = signals.nodeCode;
  if (signals.errorName !== undefined) evidence.errorName = signals.errorName;
  if (signals.requestId !== undefined) evidence.requestId = signals.requestId;
  if (signals.method !== undefined) evidence.method = signals.method;
  if (signals.host !== undefined) evidence.host = signals.host;
  if (signals.operation !== undefined) evidence.operation = signals.operation;
  if (signals.credential !== undefined) evidence.credential = signals.credential;
  return evidence;
}

/**
 * Finds the first rule that matches the signals and builds its diagnosis. A rule that throws is
 * skipped: a broken custom rule must not hide the failure it was asked about.
 *
 * @param signals - the facts of the failure.
 * @param rules - the rules to try, in order.
 */
export function classify(
  signals: FailureSignals,
  rules: readonly DiagnosisRule[] = catalog,
): Diagnosis | undefined {
  for (const rule of candidates(rules, signals.status ?? null)) {
    let result: boolean | RuleMatch;
    try {
      result = rule.match(signals);
    } catch {
      continue;
    }
    if (!result) continue;
    const refinement = result === true ? {} : result;
    return {
      cause: rule.cause,
      category: rule.category,
      summary: rule.summary,
      remediation: rule.remediation,
      docs: rule.docs,
      confidence: refinement.confidence ?? rule.confidence ?? "exact",
      alternatives: refinement.alternatives ?? [],
      retryable: rule.retryable ?? false,
      evidence: evidenceOf(signals),
    };
  }
  return undefined;
}

const candidatesByRules = new WeakMap<
  readonly DiagnosisRule[],
  Map<number | null, readonly DiagnosisRule[]>
>();

/** The rules that may explain a failure with this status, in their order; worked out once per status. */
function candidates(rules: readonly DiagnosisRule[], status: number | null): readonly DiagnosisRule[] {
  let byStatus = candidatesByRules.get(rules);
  if (!byStatus) {
    byStatus = new Map();
    candidatesByRules.set(rules, byStatus);
  }
  let list = byStatus.get(status);
  if (!list) {
    list = rules.filter((rule) => !Array.isArray(rule.statuses) || rule.statuses.includes(status));
    byStatus.set(status, list);
  }
  return list;
}

const combined = new WeakMap<readonly DiagnosisRule[], readonly DiagnosisRule[]>();

/**
 * Rules of a user's own followed by the catalog, made once per array of rules.
 *
 * @param rules - the user's rules, if any.
 */
export function withCatalog(rules: readonly DiagnosisRule[] | undefined): readonly DiagnosisRule[] {
  if (!rules?.length) return catalog;
  let all = combined.get(rules);
  if (!all) {
    all = [...rules, ...catalog];
    combined.set(rules, all);
  }
  return all;
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Rules of your own, tried before the built-in {@link catalog}. Defaults to none. */
  rules?: readonly DiagnosisRule[];
}

/**
 * Explains a caught error: returns the diagnosis the `diagnosisPolicy` attached, or classifies
 * the value itself (a `RestError` thrown without the policy, a Node.js error, an `@azure/identity`
 * error). Returns `undefined` when no known cause fits. Never throws, whatever it is given.
 *
 * @param error - anything a `catch` block received.
 * @param options - rules of your own.
 */
export function diagnose(error: unknown, options?: DiagnoseOptions): Diagnosis | undefined {
  try {
    return attachedDiagnosis(error) ?? classify(signalsFromThrown(error), withCatalog(options?.rules));
  } catch {
    return undefined;
  }
}
