import { RestError } from "@azure/core-rest-pipeline";
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { CauseId } from "../catalog/index.js";
import { classify, diagnosisOf, evidenceOf, withCatalog } from "../diagnose.js";
import type { PreflightOptions, PreflightReport } from "../preflight/types.js";
import { credentialsOf } from "../redaction/index.js";
import { enrichError } from "../report/enrich.js";
import { logDiagnosis, logger } from "../report/log.js";
import { signalsFromResponse } from "../signals/response.js";
import { signalsFromThrown } from "../signals/thrown.js";
import { createDiagnosisTelemetry } from "../telemetry/record.js";
import type { Diagnosis, DiagnosisRule } from "../types.js";
import { isAccepted } from "./accepted.js";
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
   * Called once for each diagnosed failure, with the diagnosis and the error about to be thrown, for
   * your own logging or metrics. What it throws is ignored. Defaults to none.
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
   * once it passes. A passing result is kept for
   * the life of the policy; a failing one is not, so a fixed network recovers without a restart.
   * Defaults to false.
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
 * A pipeline policy that explains failures. Add it to any Azure SDK client as a perCall policy:
 * thrown errors (TLS, network, credentials) are rethrown with a diagnosis attached and their message
 * extended; error responses the client would reject are thrown as a `RestError` with the same
 * status, code, details, request and response, and a diagnosis. Successful responses, and the ones a
 * client accepts (206, 207, 404 on delete), pass through untouched.
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
   * Attaches, logs, records and hands on a diagnosis. Whatever the enrichment, a log sink, the
   * telemetry or `onDiagnosis` throws is dropped: the caller always gets the failure itself.
   */
  function report(
    error: unknown,
    request: PipelineRequest,
    diagnosis: Diagnosis<CauseId | Own> | undefined,
    secrets?: readonly string[],
  ): unknown {
    if (!diagnosis || typeof error !== "object" || error === null) return error;
    try {
      if (!enrichError(error, diagnosis, secrets ?? credentialsOf(request).secrets)) return error;
    } catch {
      return error;
    }
    try {
      logDiagnosis(diagnosis);
    } catch {
      // A log sink that throws loses its line, not the failure.
    }
    try {
      telemetry?.record(diagnosis, request);
    } catch {
      // The same for a meter or tracer that throws.
    }
    try {
      options.onDiagnosis?.(diagnosis, error);
    } catch {
      ignored("onDiagnosis threw; ignored.");
    }
    return error;
  }

  /** The diagnosis of a thrown failure, or the failure as it is when diagnosing it fails. */
  function explain(error: unknown, request: PipelineRequest): unknown {
    try {
      return report(error, request, classify(signalsFromThrown(error, request), rules));
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

      if (isAccepted(request, response)) return response;
      let error: RestError;
      let diagnosis: Diagnosis<CauseId | Own> | undefined;
      let secrets: readonly string[] = [];
      try {
        const credentials = credentialsOf(request);
        secrets = credentials.secrets;
        const signals = signalsFromResponse(request, response, credentials);
        error = responseError(request, response, signals, secrets);
        diagnosis = classify(signals, rules);
      } catch {
        error = new RestError(`Unexpected status code: ${response.status}`, {
          statusCode: response.status,
          request,
          response,
        });
      }
      throw report(error, request, diagnosis, secrets);
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
