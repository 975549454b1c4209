import {
  RestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { INSECURE_REQUEST_REFUSED } from "./catalog/tls.js";
import { classify, withCatalog, type Diagnosis, type DiagnosisRule } from "./diagnosis.js";
import { enrichError } from "./enrich.js";
import { logDiagnosis, logger } from "./log.js";
import { createPreflightGate } from "./preflight/gate.js";
import type { PreflightOptions, PreflightReport } from "./preflight/types.js";
import { credentialsOf, redact, secretsOf } from "./redact.js";
import { signalsFromResponse, signalsFromThrown } from "./signals.js";
import { createDiagnosisTelemetry } from "./telemetry/record.js";

/** The name of the policy made by {@link diagnosisPolicy}. */
export const diagnosisPolicyName = "diagnosisPolicy";

/** Options of {@link diagnosisPolicy}. */
export interface DiagnosisPolicyOptions {
  /**
   * Rules of your own, tried before the built-in `catalog`: the first that matches explains
   * the failure. Defaults to none.
   */
  rules?: readonly DiagnosisRule[];
  /**
   * Called once for each diagnosed failure, with the diagnosis and the error about to be thrown, for
   * your own logging or metrics. What it throws is ignored. Defaults to none.
   */
  onDiagnosis?: (diagnosis: Diagnosis, error: unknown) => void;
  /**
   * Lets requests that carry an api-key, an `Authorization` header or a SAS signature go to an
   * `http://` URL on a host other than loopback. Defaults to false: such a request is refused before
   * it is sent, even when the client sets `allowInsecureConnection`.
   */
  allowInsecureHttp?: boolean;
  /**
   * Runs {@link preflight} before the first request to each origin, so credentials never go to an
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
 * @param options - rules of your own, a callback, and the plain-HTTP guard.
 */
export function diagnosisPolicy(options: DiagnosisPolicyOptions = {}): PipelinePolicy {
  const rules = withCatalog(options.rules);
  const gate = options.preflight
    ? createPreflightGate(options.preflight === true ? {} : options.preflight)
    : undefined;
  const telemetry = options.telemetry === false ? undefined : createDiagnosisTelemetry();

  function report(
    error: unknown,
    request: PipelineRequest,
    diagnosis: Diagnosis | undefined,
    secrets: readonly string[] = secretsOf(request),
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
        const refusal = new RestError(
          `Refused to send credentials over plain HTTP to ${hostOf(request.url)}; use an https:// endpoint.`,
          { code: INSECURE_REQUEST_REFUSED, request },
        );
        throw report(refusal, request, classify(signalsFromThrown(refusal, request), rules));
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
      const error = new RestError(signals.serviceMessage ?? `Unexpected status code: ${response.status}`, {
        code: signals.serviceCode,
        statusCode: response.status,
        request,
        response,
      });
      error.details = parseBody(response.bodyAsText, credentials.secrets);
      throw report(error, request, classify(signals, rules), credentials.secrets);
    },
  };
}

/** The code of the error thrown when the preflight failed and the request was not sent. */
export const PREFLIGHT_FAILED = "PreflightFailed";

function preflightRefusal(report: PreflightReport, request: PipelineRequest): RestError {
  const failures = report.checks.filter((check) => check.status === "fail");
  // The certificate check names the issuer the tls check could only refuse, so every failure is told.
  const detail = failures.map((check) => check.summary).join(" ") || "no detail";
  const error = new RestError(
    `Preflight of ${report.endpoint} failed at the ${failures[0]?.id ?? "unknown"} check, so the request was not sent: ${detail}`,
    { code: PREFLIGHT_FAILED, request },
  );
  return Object.assign(error, { preflight: report });
}

/** The largest error body parsed into `details`; a larger one is not an Azure error envelope. */
const DETAILS_LIMIT = 1024 * 1024;

/**
 * Statuses every client takes as success: below 400, the ones the caller asked to stream, and 404
 * on DELETE and HEAD (a delete of something already gone, an existence check).
 */
function isAccepted(request: PipelineRequest, response: PipelineResponse): boolean {
  const status = response.status;
  if (status < 400) return true;
  const streamed = request.streamResponseStatusCodes;
  // Infinity in the set means "stream every status", as the SDK's HttpClient reads it.
  if (streamed?.has(status) || streamed?.has(Number.POSITIVE_INFINITY)) return true;
  return status === 404 && (request.method === "DELETE" || request.method === "HEAD");
}

function sendsCredentialsInClear(request: PipelineRequest): boolean {
  if (!/^http:/i.test(request.url)) return false;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" || isLoopback(url.hostname)) return false;
  return (
    request.headers.has("api-key") ||
    request.headers.has("authorization") ||
    url.searchParams.has("sig") ||
    url.searchParams.has("api-key")
  );
}

/**
 * Whether a host name is this machine: localhost, 127.0.0.0/8 or ::1.
 *
 * @param hostname - a URL's hostname (IPv6 in brackets or not).
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the endpoint";
  }
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

/** The parsed error body, redacted: `details` shows in `util.inspect` and `JSON.stringify` of the error. */
function parseBody(text: string | null | undefined, secrets: readonly string[]): unknown {
  if (!text || text.length > DETAILS_LIMIT) return undefined;
  try {
    return JSON.parse(redact(text, secrets));
  } catch {
    return undefined;
  }
}
