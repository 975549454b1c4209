import type { SearchClient } from "@azure/search-documents";
import type { CauseId } from "../catalog/index.js";
import { diagnose, diagnosisOf } from "../diagnose.js";
import { diagnosisPolicy } from "../policy/diagnosisPolicy.js";
import type { PreflightStatus } from "../preflight/types.js";
import { redact } from "../redaction/index.js";
import { MARKER } from "../report/enrich.js";
import type { Diagnosis } from "../types.js";
import { importOptional, isMissing } from "./optional.js";
import type { TokenReport } from "./token.js";

/**
 * A Microsoft Entra ID credential, as SearchClient takes it. Read off the client's constructor: the
 * type's own package, @azure/core-auth, is not a dependency of this one.
 */
export type TokenCredential = Exclude<ConstructorParameters<typeof SearchClient>[2], { key: string }>;

/** The credential the call is made with. */
export type CallCredential = { kind: "apiKey"; key: string } | { kind: "entra"; credential: TokenCredential };

/** What the command's real call did. */
export interface CallResult {
  /** The operation reported: the index's document count, or the service statistics without an index. */
  operation: "documentCount" | "serviceStatistics";
  /** The index, when one was given. */
  index?: string;
  /** Which credential was used, never its value; `none` when none was given and no call was made. */
  credential: "apiKey" | "entra" | "none";
  /** `skip` when the preflight failed or no credential was given, and nothing was sent. */
  status: PreflightStatus;
  /** One line that says what happened. */
  summary: string;
  /** For a warning or failure, what the diagnosis policy found. */
  diagnosis?: Diagnosis<CauseId>;
  /** For an exact diagnosis, the fact that made it exact. */
  basis?: string;
  /** The causes the call could not tell apart, when it names more than one. */
  between?: readonly CauseId[];
  /** The credential's own error text, redacted, when it got no token: the steps refer to it. */
  error?: string;
  /** The token the call sent, checked here: its claims, never the token. */
  token?: TokenReport;
}

/** What a call needs. */
export interface CallRequest {
  endpoint: string;
  index?: string;
  credential: CallCredential;
  timeoutMs: number;
  /** The search audience of the service's cloud, for a token. */
  audience?: string;
}

/** The one step that tells the two causes apart, for a run without --index. */
const TELL_APART_STEP =
  "Run again with --index NAME (any index of the service): a query key reads it, while an invalid key, or a refused network, gets 403 there too.";

/** The two causes an empty 403 to an api-key on an admin operation can be, which a document read tells apart. */
const AMBIGUOUS_403: ReadonlySet<CauseId> = new Set(["queryKeyForAdminOperation", "invalidApiKey"]);

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Makes the real call through the SDK with the diagnosis policy. With an api-key it reads the
 * service statistics first, an admin operation, so that a query key shows; with `--index` a 403 there
 * is followed by a document read with the same key to tell a query key from an invalid one.
 *
 * @param request - endpoint, index, credential and timeout.
 */
export async function callService(request: CallRequest): Promise<CallResult> {
  const { endpoint, index, credential, timeoutMs, audience } = request;
  const base = {
    index,
    credential: credential.kind,
    operation: index ? "documentCount" : "serviceStatistics",
  } as const;
  // An optional peer: an application that only uses other Azure services does not install it.
  const search = await importOptional(
    () => import("@azure/search-documents"),
    ["@azure/search-documents"],
    "The call to the service",
  );
  if (isMissing(search)) return { ...base, status: "fail", summary: search.missing };
  const { AzureKeyCredential, SearchClient, SearchIndexClient } = search;
  const secrets = credential.kind === "apiKey" ? [credential.key] : [];
  const sdkCredential =
    credential.kind === "apiKey" ? new AzureKeyCredential(credential.key) : credential.credential;
  const options = {
    // One answer, at once: retries would hide a throttled or failing service behind seconds of backoff.
    retryOptions: { maxRetries: 0 },
    audience,
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" as const }],
  };
  const attempt = async <T>(call: (abortSignal: AbortSignal) => Promise<T>): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await call(AbortSignal.timeout(timeoutMs)) };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const statistics = () =>
    attempt((abortSignal) =>
      new SearchIndexClient(endpoint, sdkCredential, options).getServiceStatistics({ abortSignal }),
    );
  const count = (name: string) =>
    attempt((abortSignal) =>
      new SearchClient(endpoint, name, sdkCredential, options).getDocumentsCount({ abortSignal }),
    );
  const failed = (error: unknown, prefix = ""): CallResult => ({
    ...base,
    ...failure(error, timeoutMs, secrets, prefix),
  });

  if (credential.kind === "entra" && index) {
    const read = await count(index);
    return read.ok
      ? { ...base, status: "pass", summary: `Index ${index} holds ${read.value} documents.` }
      : failed(read.error);
  }

  const stats = await statistics();
  if (stats.ok) {
    const indexes = stats.value.counters?.indexCounter?.usage;
    const accepted = credential.kind === "apiKey" ? "Admin key accepted" : "Signed in";
    const service = `service statistics read${indexes === undefined ? "" : ` (${plural(indexes, "index", "indexes")})`}`;
    if (!index) return { ...base, status: "pass", summary: `${accepted}: ${service}.` };
    const read = await count(index);
    return read.ok
      ? {
          ...base,
          status: "pass",
          summary: `${accepted}: ${service}; index ${index} holds ${read.value} documents.`,
        }
      : failed(read.error);
  }

  const first = diagnose(stats.error);
  if (!first || !AMBIGUOUS_403.has(first.cause) || first.evidence.status !== 403) return failed(stats.error);
  if (!index) {
    const inferred = failed(stats.error);
    return {
      ...inferred,
      summary:
        "The api-key got an empty 403 on service statistics, an admin operation: it is a query key, or an invalid key (or this network is refused).",
      between: ["queryKeyForAdminOperation", "invalidApiKey"],
      diagnosis: inferred.diagnosis && { ...inferred.diagnosis, remediation: [TELL_APART_STEP] },
    };
  }

  const read = await count(index);
  if (read.ok) {
    return {
      ...base,
      // A failure, as without --index where the key cannot be told from an invalid one: --index must not flip the exit status.
      status: "fail",
      summary: `The api-key is a query key: index ${index} holds ${read.value} documents, but admin operations (service statistics) get 403.`,
      diagnosis: queryKeyDiagnosis(first),
      basis: `a document read of index ${index} with the same key succeeded`,
    };
  }
  const second = diagnose(read.error);
  if (second?.cause === "invalidApiKey" && second.evidence.status === 403) {
    return {
      ...base,
      status: "fail",
      summary: `The api-key got an empty 403 on service statistics and on a document read of ${index}: it is not a current key of this service, or this network is refused by the service's IP firewall.`,
      diagnosis: second,
    };
  }
  return failed(
    read.error,
    "Service statistics got 403, so the key looks like a query key; and the document read failed: ",
  );
}

/** The query-key cause, made exact: a document read just succeeded with the key the admin operation refused. */
function queryKeyDiagnosis(inferred: Diagnosis<CauseId>): Diagnosis<CauseId> {
  return diagnosisOf("queryKeyForAdminOperation", inferred.evidence, { confidence: "exact" });
}

function failure(
  error: unknown,
  timeoutMs: number,
  secrets: readonly string[],
  prefix: string,
): Pick<CallResult, "status" | "summary" | "diagnosis" | "error"> {
  const diagnosis = diagnose(error);
  if (diagnosis && IDENTITY_CAUSES.has(diagnosis.cause)) {
    // The request never left: its evidence says no credential was on it, while the run used --entra.
    const { credential: _unsent, ...evidence } = diagnosis.evidence;
    return {
      status: "fail",
      summary: `${prefix}No token, so no request was sent: ${diagnosis.summary}`,
      diagnosis: { ...diagnosis, evidence },
      error: identityText(error, secrets),
    };
  }
  if (diagnosis) {
    const status = diagnosis.evidence.status === undefined ? "" : `HTTP ${diagnosis.evidence.status}: `;
    return { status: "fail", summary: `${prefix}${status}${diagnosis.summary}`, diagnosis };
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return {
      status: "fail",
      summary: `${prefix}No answer within ${timeoutMs} ms (raise it with --timeout MS).`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: "fail", summary: `${prefix}${redact(message.split("\n")[0] ?? "", secrets)}` };
}

/** Causes of a credential that got no token, whose steps send the reader to the credential's own text. */
const IDENTITY_CAUSES: ReadonlySet<CauseId> = new Set(["credentialUnavailable", "tokenRequestFailed"]);

/** The credential's own message without the diagnosis the policy appended, redacted, at most 20 lines. */
function identityText(error: unknown, secrets: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const own = message.split(`\n${MARKER}`)[0] ?? "";
  return redact(own.split("\n").slice(0, 20).join("\n"), secrets).trim();
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
