import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { CauseId } from "../catalog/index.js";
import { classify, diagnosisOf, evidenceOf, withCatalog } from "../diagnose.js";
import type { PreflightOptions } from "../preflight/types.js";
import { credentialsOf } from "../redaction/index.js";
import { enrichError } from "../report/enrich.js";
import { logDiagnosis, logger } from "../report/log.js";
import { signalsFromResponse } from "../signals/response.js";
import { signalsFromThrown } from "../signals/thrown.js";
import { createDiagnosisTelemetry } from "../telemetry/record.js";
import type { Diagnosis, DiagnosisRule } from "../types.js";
import { isAccepted } from "./accepted.js";
import { createPreflightGate, preflightRefusal } from "./gate.js";
import { insecureRequestRefusal, sendsCredentialsInClear } from "./guard.js";
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
   * Lets requests that carry an api-key, an `Authorization` header or a SAS signature go to an
   * `http://` URL on a host other than loopback. Defaults to false: such a request is refused before
   * it is sent, even when the client sets `allowInsecureConnection`.
   */
  allowInsecureHttp?: boolean;
  /**
   * Runs `preflight` before the first request to each origin, so credentials never go to an
   * endpoint that fails it: `true` for the defaults, or its options. A passing result is kept for
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

  function report(
    error: unknown,
    request: PipelineRequest,
    diagnosis: Diagnosis<CauseId | Own> | undefined,
    secrets: readonly string[] = credentialsOf(request).secrets,
  ): unknown {
    if (!diagnosis || typeof error !== "object" || error === null) return error;
    if (enrichError(error, diagnosis, secrets)) {
      logDiagnosis(diagnosis);
      telemetry?.record(diagnosis, request);
      try {
        options.onDiagnosis?.(diagnosis, error);
      } catch (callbackError) {
        logger.verbose("onDiagnosis threw; ignored:", String(callbackError));
      }
    }
    return error;
  }

  return {
    name: diagnosisPolicyName,
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      if (!options.allowInsecureHttp && sendsCredentialsInClear(request)) {
        const refusal = insecureRequestRefusal(request);
        const evidence = evidenceOf(signalsFromThrown(refusal, request));
        throw report(refusal, request, diagnosisOf("httpNotHttps", evidence));
      }

      const gated = gate?.(request);
      const checked = gated instanceof Promise ? await gated : gated;
      if (checked && !checked.ok) {
        const failed = checked.checks.find((check) => check.status === "fail");
        throw report(preflightRefusal(checked, request), request, failed?.diagnosis);
      }

      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        if (isAbort(error)) throw error;
        throw report(error, request, classify(signalsFromThrown(error, request), rules));
      }

      if (isAccepted(request, response)) return response;
      const credentials = credentialsOf(request);
      const signals = signalsFromResponse(request, response, credentials);
      const error = responseError(request, response, signals, credentials.secrets);
      throw report(error, request, classify(signals, rules), credentials.secrets);
    },
  };
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}
