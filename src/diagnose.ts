import { catalog, type CauseId } from "./catalog/index.js";
import { readRequest, readStatusCode } from "./signals/read.js";
import { evidenceFrom, redactedSignals, redactedText } from "./signals/clean.js";
import { signalsWithRequest } from "./signals/thrown.js";
import type {
  Diagnosis,
  DiagnosisEvidence,
  DiagnosisRule,
  FailureSignals,
  RuleMatch,
  ServiceId,
} from "./types.js";

/**
 * Picks the facts that may leave the process: these ten fields, and nothing else of the signals; the
 * ones the server or the thrower wrote are kept only when they have their shape and hold no secret.
 *
 * @param signals - the failure's signals.
 */
export function evidenceOf(signals: FailureSignals): DiagnosisEvidence {
  return evidenceFrom(signals);
}

/** Control characters, and the line separators some terminals and logs honour. */
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A tidy detail: no control character or line separator, and no two spaces in a row. Anchored, with
 * runs of a negated class: V8 tries an unanchored class this large at every position, and a search for
 * two spaces stops at every space (the two took 230 ns on a 100-character detail, this 90).
 */
const TIDY =
  // eslint-disable-next-line no-control-regex -- control characters are what this rules out
  /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029 ]*(?: [^\u0000-\u001f\u007f-\u009f\u2028\u2029 ]+)* ?$/;

/** The longest detail a diagnosis carries. */
const DETAIL_LIMIT = 300;

/**
 * A detail as one line of bounded text: no control character (a forged log line), no run of spaces.
 *
 * @param text - the detail a rule built from redacted signals.
 */
export function oneLine(text: string): string {
  const line = (TIDY.test(text) ? text : text.replace(CONTROL, " ").replace(/ {2,}/g, " ")).trim();
  return line.length > DETAIL_LIMIT ? `${line.slice(0, DETAIL_LIMIT - 3)}...` : line;
}

const NO_ALTERNATIVES: readonly never[] = Object.freeze([]);

/**
 * A list a diagnosis shares with its rule or with other diagnoses, frozen: the catalog's already are;
 * a rule of the user's, or one a `match` returns, is copied frozen, so that changing one diagnosis
 * never changes another.
 */
function frozen<Item>(list: readonly Item[]): readonly Item[] {
  return Object.isFrozen(list) ? list : Object.freeze([...list]);
}

/**
 * A rule as the engine reads it for each failure: every field the diagnosis takes, in one shape. The
 * catalog's entries have as many shapes as sets of optional fields, and V8 reads a field of objects of
 * many shapes through a slower, shared lookup, once per rule tried.
 */
class Compiled<Cause extends string> {
  /** The rule's `match`: the catalog's read nothing but the signals they are given (no `this`). */
  readonly match: DiagnosisRule<Cause, Cause>["match"];
  readonly cause: Cause;
  readonly category: DiagnosisRule<Cause, Cause>["category"];
  readonly summary: string;
  readonly remediation: readonly string[];
  readonly docs: readonly string[];
  readonly confidence: DiagnosisRule<Cause, Cause>["confidence"];
  readonly retryable: boolean;

  /**
   * Reads a rule of the catalog, whose fields `defineCatalog()` froze.
   *
   * @param rule - the catalog's entry.
   */
  constructor(rule: DiagnosisRule<Cause, Cause>) {
    this.match = rule.match;
    this.cause = rule.cause;
    this.category = rule.category;
    this.summary = rule.summary;
    this.remediation = rule.remediation;
    this.docs = rule.docs;
    this.confidence = rule.confidence;
    this.retryable = rule.retryable ?? false;
  }
}

/** The catalog's own entries, whose lists `defineCatalog()` froze, each read once into one shape. */
const BUILT_IN: ReadonlyMap<object, Compiled<string>> = new Map(
  catalog.map((rule) => [rule, new Compiled<string>(rule as DiagnosisRule<string, string>)]),
);

/**
 * The diagnosis a rule gives one failure.
 *
 * @param rule - the rule, or the catalog's entry as the engine read it.
 * @param evidence - the failure's evidence.
 * @param refinement - what the rule's `match` returned.
 * @param signals - the raw signals, whose secrets a detail built from them is redacted with.
 */
function diagnosisFrom<Cause extends string>(
  rule: DiagnosisRule<Cause, Cause> | Compiled<Cause>,
  evidence: DiagnosisEvidence,
  refinement: RuleMatch<Cause>,
  signals?: FailureSignals,
): Diagnosis<Cause> {
  const builtIn = rule instanceof Compiled;
  const diagnosis: Diagnosis<Cause> = {
    cause: rule.cause,
    category: rule.category,
    summary: rule.summary,
    remediation: builtIn ? rule.remediation : frozen(rule.remediation),
    docs: builtIn ? rule.docs : frozen(rule.docs),
    confidence: refinement.confidence ?? rule.confidence ?? "exact",
    alternatives: refinement.alternatives ? frozen(refinement.alternatives) : NO_ALTERNATIVES,
    retryable: rule.retryable ?? false,
    evidence,
  };
  if (typeof refinement.detail === "string" && refinement.detail !== "") {
    // Built from the failure's own texts: redacted here, once, as it leaves.
    diagnosis.detail = oneLine(signals ? redactedText(refinement.detail, signals) : refinement.detail);
  }
  return diagnosis;
}

/**
 * Finds the first rule that matches the signals and builds its diagnosis. A rule that throws is
 * skipped: a broken custom rule must not hide the failure it was asked about. The catalog's rules
 * read the failure as it is; a rule of your own sees it redacted, made once, on first need. What
 * leaves, the evidence and the detail, is redacted either way.
 *
 * @param signals - the facts of the failure, as the signals module read them.
 * @param rules - the rules to try, in order.
 */
export function classify<Cause extends string = CauseId>(
  signals: FailureSignals,
  rules: readonly DiagnosisRule<Cause, Cause>[] = catalog as readonly DiagnosisRule<Cause, Cause>[],
): Diagnosis<Cause> | undefined {
  let redacted: FailureSignals | undefined;
  const { rules: tried, builtIn } = candidates(rules, signals);
  for (let i = 0; i < tried.length; i++) {
    const compiled = builtIn[i];
    const rule = compiled ?? tried[i]!;
    let result: boolean | RuleMatch<Cause>;
    try {
      result = compiled ? compiled.match!(signals) : rule.match!((redacted ??= redactedSignals(signals)));
    } catch {
      continue;
    }
    if (result) return diagnosisFrom(rule, evidenceOf(signals), result === true ? {} : result, signals);
  }
  return undefined;
}

/** The rules that may explain one kind of failure, in their order, and the catalog's among them as the engine reads them. */
interface Candidates<Cause extends string> {
  rules: readonly DiagnosisRule<Cause, Cause>[];
  builtIn: readonly (Compiled<Cause> | undefined)[];
}

/** The rules that may explain each kind of failure, by status and service, worked out on first need. */
const candidatesByRules = new WeakMap<
  readonly DiagnosisRule<string, string>[],
  Map<number, Candidates<string>>
>();

/** The same for the catalog alone, what `diagnose()` without rules of your own tries: one lookup fewer. */
const catalogByKind = new Map<number, Candidates<string>>();

/**
 * A small number per service, for a cheap key of the kind of failure: compared, not looked up, since a
 * lookup by a key that changes from one failure to the next is V8's slowest kind of property read.
 */
function serviceNumber(service: ServiceId | undefined): number {
  switch (service) {
    case undefined:
      return 0;
    case "search":
      return 1;
    case "storage":
      return 2;
    case "keyVault":
      return 3;
    case "appConfiguration":
      return 4;
    case "resourceManager":
      return 5;
    case "entraId":
      return 6;
    default:
      return 7;
  }
}

/** The rules that may explain a failure with this status and service, in their order, worked out once per kind. */
function candidates<Cause extends string>(
  rules: readonly DiagnosisRule<Cause, Cause>[],
  signals: FailureSignals,
): Candidates<Cause> {
  const status = signals.status ?? null;
  const service = signals.service;
  // Any integer may come as an error's statusCode: only HTTP's statuses are kept, so the kinds stay few.
  if (status !== null && (status < 100 || status > 599)) return candidatesFor(rules, status, service);
  let byKind = rules === catalog ? catalogByKind : candidatesByRules.get(rules);
  if (!byKind) {
    byKind = new Map();
    candidatesByRules.set(rules, byKind);
  }
  const kind = (status ?? -1) * 8 + serviceNumber(service);
  let list = byKind.get(kind) as Candidates<Cause> | undefined;
  if (!list) {
    list = candidatesFor(rules, status, service);
    byKind.set(kind, list as Candidates<string>);
  }
  return list;
}

/** The rules that may explain a failure with this status and service, in their order. */
function candidatesFor<Cause extends string>(
  rules: readonly DiagnosisRule<Cause, Cause>[],
  status: number | null,
  service: ServiceId | undefined,
): Candidates<Cause> {
  const fit = rules.filter(
    (rule) =>
      typeof rule.match === "function" &&
      (!Array.isArray(rule.statuses) || rule.statuses.includes(status)) &&
      (!Array.isArray(rule.services) || (service !== undefined && rule.services.includes(service))),
  );
  return { rules: fit, builtIn: fit.map((rule) => BUILT_IN.get(rule) as Compiled<Cause> | undefined) };
}

const combined = new WeakMap<readonly DiagnosisRule[], readonly DiagnosisRule[]>();

/**
 * Rules of a user's own followed by the catalog, made once per array of rules.
 *
 * @param rules - the user's rules, if any.
 */
export function withCatalog<Own extends string = never>(
  rules: readonly DiagnosisRule<Own, string>[] | undefined,
): readonly DiagnosisRule<CauseId | Own, CauseId | Own>[] {
  if (!rules?.length) return catalog;
  let all = combined.get(rules);
  if (!all) {
    all = [...rules, ...catalog];
    combined.set(rules, all);
  }
  return all as readonly DiagnosisRule<CauseId | Own, CauseId | Own>[];
}

const byCause: ReadonlyMap<CauseId, DiagnosisRule<CauseId, CauseId>> = new Map(
  catalog.map((rule) => [rule.cause, rule]),
);

/**
 * The diagnosis of a known cause, for a finding the package names itself (a preflight check, the
 * plain-HTTP guard, what the command worked out) rather than one a rule matched.
 *
 * @param cause - the built-in cause id.
 * @param evidence - the facts the finding was made from.
 * @param refinement - the confidence and alternatives, when they differ from the entry's.
 */
export function diagnosisOf(
  cause: CauseId,
  evidence: DiagnosisEvidence,
  refinement: RuleMatch<CauseId> = {},
): Diagnosis<CauseId> {
  const rule = byCause.get(cause);
  if (!rule) throw new RangeError(`diagnosisOf: ${String(cause)} is not a built-in cause.`);
  return diagnosisFrom(BUILT_IN.get(rule) as Compiled<CauseId>, evidence, refinement);
}

/**
 * Keeps the diagnosis of a failing response the policy passed on to the client, by the request it
 * answered: the client builds its own error after the pipeline, with that very request as its `request`,
 * and {@link diagnose} finds the diagnosis there. The latest attempt of a request replaces the earlier.
 *
 * @param request - the request, as the pipeline sent it.
 * @param diagnosis - the diagnosis of its response.
 */
export function rememberRequestDiagnosis(request: object, diagnosis: Diagnosis): void {
  registry.requests.set(request, diagnosis);
}

/**
 * Forgets the diagnosis kept for a request, when a later attempt of it succeeded.
 *
 * @param request - the request.
 */
export function forgetRequestDiagnosis(request: object): void {
  registry.requests.delete(request);
}

/**
 * The diagnosis kept for the request an error carries, when its status, if it has one, is the status
 * that was diagnosed.
 *
 * @param error - any value.
 * @param request - its `request`, when the caller has read it already.
 */
export function requestDiagnosis(
  error: unknown,
  request: unknown = readRequest(error),
): Diagnosis | undefined {
  if (typeof request !== "object" || request === null) return undefined;
  const diagnosis = registry.requests.get(request);
  if (!diagnosis) return undefined;
  const statusCode = readStatusCode(error);
  return typeof statusCode === "number" && statusCode !== diagnosis.evidence.status ? undefined : diagnosis;
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions<Own extends string = string> {
  /** Rules of your own, tried before the built-in {@link catalog}. Defaults to none. */
  rules?: readonly DiagnosisRule<Own, string>[];
}

/** Where diagnoses are kept: by the error they were attached to, and by the request that failed. */
interface Registry {
  errors: WeakMap<object, Diagnosis>;
  requests: WeakMap<object, Diagnosis>;
}

/**
 * One registry per process, on a global symbol: the package's ECMAScript and CommonJS copies both load
 * when an application imports one and a library requires the other, and a diagnosis one copy's policy
 * kept must be found by the other copy's diagnose().
 */
const REGISTRY = Symbol.for("azure-sdk-doctor.diagnoses.v1");
const registry: Registry = ((globalThis as { [REGISTRY]?: Registry })[REGISTRY] ??= {
  errors: new WeakMap(),
  requests: new WeakMap(),
});
const attached = registry.errors;

/**
 * Remembers the diagnosis of an error, for {@link diagnose} to return. Returns false when the error
 * already had one, which stays.
 *
 * @param error - the error.
 * @param diagnosis - its diagnosis.
 */
export function attachDiagnosis(error: object, diagnosis: Diagnosis): boolean {
  if (attached.has(error)) return false;
  attached.set(error, diagnosis);
  return true;
}

/**
 * The diagnosis attached to an error by the policy, if any.
 *
 * @param error - any value.
 */
export function attachedDiagnosis(error: unknown): Diagnosis | undefined {
  return typeof error === "object" && error !== null ? attached.get(error) : undefined;
}

/**
 * Explains a caught error: returns the diagnosis the `diagnosisPolicy` attached to it, or the one it
 * kept for the failing response the client built the error from (found through the error's
 * `request`), or classifies the value itself (a `RestError` thrown without the policy, a Node.js error,
 * an `@azure/identity` error). Returns `undefined` when no known cause fits. Never throws, whatever it
 * is given.
 *
 * @param error - anything a `catch` block received.
 * @param options - rules of your own.
 */
export function diagnose<Own extends string = never>(
  error: unknown,
  options?: DiagnoseOptions<Own>,
): Diagnosis<CauseId | Own> | undefined {
  try {
    const attached = attachedDiagnosis(error) as Diagnosis<CauseId | Own> | undefined;
    if (attached) return attached;
    // Read once, for the kept diagnosis and the signals both: a getter may answer differently each time.
    const request = readRequest(error);
    return (
      (requestDiagnosis(error, request) as Diagnosis<CauseId | Own> | undefined) ??
      classify(signalsWithRequest(error, request), withCatalog(options?.rules))
    );
  } catch {
    return undefined;
  }
}
