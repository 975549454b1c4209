import { RestError } from "@azure/core-rest-pipeline";
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { CauseId } from "../catalog/index.js";
import {
  classify,
  diagnosisOf,
  evidenceOf,
  forgetRequestDiagnosis,
  rememberRequestDiagnosis,
  withCatalog,
} from "../diagnose.js";
import type { PreflightOptions, PreflightReport } from "../preflight/types.js";
import { credentialsOf } from "../redaction/index.js";
import { enrichError } from "../report/enrich.js";
import { logDiagnosis, logger } from "../report/log.js";
import { signalsFromResponse } from "../signals/response.js";
import { signalsFromThrown } from "../signals/thrown.js";
import { createDiagnosisTelemetry } from "../telemetry/record.js";
import type { Diagnosis, DiagnosisRule, FailureSignals } from "../types.js";
import { isAccepted, isChallenge, isClientAnswer, policyThrowsFor } from "./accepted.js";
import { createPreflightGate, preflightRefusal } from "./gate.js";
import {
  insecureRequestRefusal,
  isInsecureRequestRefusal,
  refuseCredentialsInClear,
  sendsCredentialsInClear,
  watchRequest,
} from "./guard.js";
import { pendingPreflight, refuseUnchecked } from "./redirects.js";
import { responseError } from "./responseError.js";

/** The name of the policy made by {@link diagnosisPolicy}. */
export const diagnosisPolicyName = "diagnosisPolicy";

/** Options of {@link diagnosisPolicy}. */
export interface DiagnosisPolicyOptions<Own extends string = string> {
  /**
   * Rules of your own, tried before the built-in `catalog`: the first that matches explains
   * the failure. Defaults to none.
   */
  rules?: readonly DiagnosisRule<Own, string>[];
  /**
   * Called once for each diagnosed failure the caller will see, for your own logging or metrics, with
   * the diagnosis and the error about to be thrown; for a failing response the policy passes on to a
   * client that builds its own error after the pipeline (Key Vault, App Configuration, Resource Manager),
   * with that response. Not called for challenges, nor for the failures a client turns into results
   * (`exists()`, `createIfNotExists()`, a poller's 404). What it throws is ignored. Defaults to none.
   */
  onDiagnosis?: (diagnosis: Diagnosis<CauseId | Own>, error: unknown) => void;
  /**
   * Lets requests that carry a credential of the secrets table (an api-key, an `Authorization` header,
   * a subscription or function key, a SAS signature or key in the query, a password in the URL) go in
   * clear: over plain HTTP to a host other than loopback, or to loopback through a plain-HTTP proxy on
   * another host. Defaults to false: such a request is refused before anything is sent, even when the
   * client sets `allowInsecureConnection`. The check runs as each attempt leaves, after the client
   * signs it and after every redirect, wherever the policy is added, on the URL as Node.js parses it.
   */
  allowInsecureHttp?: boolean;
  /**
   * Runs `preflight` before the first request to each origin, so credentials never go to an
   * endpoint that fails it: `true` for the defaults, or its options. An origin a redirect leads to is
   * checked too before the request is sent there: the attempt waits for its preflight, and is sent
   * once it passes. A passing result is kept for the whole process, per origin, proxy and trusted
   * roots, for 10 minutes, so that clients made per request share it; a failing one is not kept, so a
   * fixed network recovers without a restart. Defaults to false.
   */
  preflight?: boolean | PreflightOptions;
  /**
   * Records each diagnosis on the client method's OpenTelemetry span (`error.type` and the
   * `azure_sdk_doctor.*` attributes) and counts it in `azure_sdk_doctor.client.errors`, through the
   * application's `@opentelemetry/api` (an optional peer dependency, loaded on the first failure;
   * without it, or without an SDK registered, nothing is recorded). Added perCall, the policy records
   * each call's final outcome; added perRetry, every diagnosed attempt, retried ones included.
   * Defaults to true.
   */
  telemetry?: boolean;
}

/**
 * A pipeline policy that explains failures. Add it to any Azure SDK client as a perCall policy (to a
 * Storage client with {@link addDiagnosisPolicy}):
 *
 * - thrown errors (TLS, network, credentials, and the `RestError` Storage's clients throw inside the
 *   pipeline) are rethrown, the same object, with a diagnosis attached and their message extended;
 * - failing responses pass through untouched, for the client to build its own error from; their
 *   diagnosis is kept by request, for `diagnose(error)`, and logged. Azure AI Search's are the
 *   exception: they are thrown as a `RestError` with the same status, code, details, request and
 *   response, and the diagnosis;
 * - successful responses, the ones a client accepts (206, 207, 404 on delete) and authentication
 *   challenges (a 401 with `WWW-Authenticate` to a request without credentials) pass through untouched.
 *
 * @param options - rules of your own, a callback, the plain-HTTP guard and the preflight.
 */
export function diagnosisPolicy<Own extends string = never>(
  options: DiagnosisPolicyOptions<Own> = {},
): PipelinePolicy {
  const rules = withCatalog(options.rules);
  const gate = options.preflight
    ? createPreflightGate(options.preflight === true ? {} : options.preflight)
    : undefined;
  const telemetry = options.telemetry === false ? undefined : createDiagnosisTelemetry();

  /**
   * Logs, records and hands on a failure the caller will see; a client's own answer only at verbose.
   * Whatever a log sink, the telemetry or `onDiagnosis` throws is dropped: the caller always gets the
   * failure itself.
   */
  function announce(
    diagnosis: Diagnosis<CauseId | Own>,
    request: PipelineRequest,
    what: unknown,
    answeredByClient: boolean,
  ): void {
    try {
      logDiagnosis(diagnosis, answeredByClient ? "verbose" : "warning");
    } catch {
      // A log sink that throws loses its line, not the failure.
    }
    if (answeredByClient) return;
    try {
      telemetry?.record(diagnosis, request);
    } catch {
      // The same for a meter or tracer that throws.
    }
    try {
      options.onDiagnosis?.(diagnosis, what);
    } catch {
      ignored("onDiagnosis threw; ignored.");
    }
  }

  /** Attaches a diagnosis to a thrown error and announces it; the error itself whatever happens. */
  function report(
    error: unknown,
    request: PipelineRequest,
    diagnosis: Diagnosis<CauseId | Own> | undefined,
    secrets?: readonly string[],
    answeredByClient = false,
  ): unknown {
    if (!diagnosis || typeof error !== "object" || error === null) return error;
    try {
      if (!enrichError(error, diagnosis, secrets ?? credentialsOf(request).secrets)) return error;
    } catch {
      return error;
    }
    announce(diagnosis, request, error, answeredByClient);
    return error;
  }

  /** The diagnosis of a thrown failure, or the failure as it is when diagnosing it fails. */
  function explain(error: unknown, request: PipelineRequest): unknown {
    try {
      const signals = signalsFromThrown(error, request);
      return report(error, request, classify(signals, rules), undefined, isClientAnswer(request, signals));
    } catch {
      return error;
    }
  }

  /** The guard's refusal, diagnosed as httpNotHttps. */
  function refused(refusal: RestError, request: PipelineRequest): unknown {
    try {
      const evidence = evidenceOf(signalsFromThrown(refusal, request));
      return report(refusal, request, diagnosisOf("httpNotHttps", evidence));
    } catch {
      return refusal;
    }
  }

  /** The refusal of an origin whose preflight failed, with the failed check's diagnosis. */
  function failedPreflight(result: PreflightReport, request: PipelineRequest): unknown {
    const failed = result.checks.find((check) => check.status === "fail");
    return report(preflightRefusal(result, request), request, failed?.diagnosis);
  }

  const plain = options.allowInsecureHttp ? undefined : refuseCredentialsInClear;

  return {
    name: diagnosisPolicyName,
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      const entry = request.url;
      if (plain && sendsCredentialsInClear(request, entry)) {
        throw refused(insecureRequestRefusal(request, entry), request);
      }

      const atEntry = gate?.(request);
      const checked = atEntry instanceof Promise ? await atEntry : atEntry;
      if (checked && !checked.ok) throw failedPreflight(checked, request);

      // Checked again as it leaves: after the Sign phase, after each redirect.
      const check = gate ? refuseUnchecked(gate, entry, plain) : plain;
      let response: PipelineResponse | undefined;
      for (let resent = 0; response === undefined; resent++) {
        const restore = check && watchRequest(request, check);
        try {
          try {
            response = await next(request);
          } finally {
            restore?.();
          }
        } catch (error) {
          if (isAbort(error)) throw error;
          if (isInsecureRequestRefusal(error)) throw refused(error as RestError, request);
          const run = pendingPreflight(error);
          if (run === undefined) throw explain(error, request);
          // A redirect led to an origin not yet checked: its preflight decides whether it is sent there.
          const result = await run;
          if (!result.ok) throw failedPreflight(result, request);
          if (resent >= MOST_RESENT) throw error;
        }
      }

      if (isAccepted(request, response)) {
        forgetRequestDiagnosis(request);
        return response;
      }
      if (isChallenge(request, response)) return response;
      let signals: FailureSignals;
      let diagnosis: Diagnosis<CauseId | Own> | undefined;
      let secrets: readonly string[];
      try {
        const credentials = credentialsOf(request);
        secrets = credentials.secrets;
        signals = signalsFromResponse(request, response, credentials);
        diagnosis = classify(signals, rules);
      } catch {
        // A response that cannot be read is passed on as it came: the client's own error still follows.
        return response;
      }
      if (policyThrowsFor(signals)) {
        let error: RestError;
        try {
          error = responseError(request, response, signals, secrets);
        } catch {
          error = new RestError(`Unexpected status code: ${response.status}`, {
            statusCode: response.status,
            request,
            response,
          });
        }
        throw report(error, request, diagnosis, secrets);
      }
      // The client builds its own error from this response after the pipeline, with this request.
      if (diagnosis) {
        rememberRequestDiagnosis(request, diagnosis);
        announce(diagnosis, request, response, isClientAnswer(request, signals));
      } else {
        forgetRequestDiagnosis(request);
      }
      return response;
    },
  };
}

/** How many times a request a redirect led to an origin not yet checked is sent there once it passed. */
const MOST_RESENT = 5;

/** Notes at verbose level what the policy dropped, without reading the dropped value. */
function ignored(what: string): void {
  try {
    logger.verbose(what);
  } catch {
    // Nothing more to drop.
  }
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}
