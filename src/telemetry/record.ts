import type { PipelineRequest } from "@azure/core-rest-pipeline";
import type * as OpenTelemetry from "@opentelemetry/api";
import { logger } from "../report/log.js";
import type { Diagnosis } from "../types.js";
import {
  ERRORS_METRIC,
  METER_NAME,
  metricAttributes,
  serviceOf,
  spanAttributes,
  type TelemetryService,
} from "./attributes.js";
import { localRequire } from "./localRequire.js";
import { PACKAGE_VERSION } from "./version.js";

type Api = typeof OpenTelemetry;

/**
 * What {@link recordDiagnosis} writes to: an OpenTelemetry `Span`, or the `TracingSpan` that
 * `@azure/core-tracing` hands out.
 */
export interface DiagnosisSpan {
  /**
   * Sets one attribute of the span.
   *
   * @param key - the attribute's name.
   * @param value - its value.
   */
  setAttribute(key: string, value: string | boolean): unknown;
}

/** Where the policy records its diagnoses. */
export interface DiagnosisTelemetry {
  /**
   * Records a diagnosed failure of the client call that sent `request`: on that call's span and in
   * the counter. Never throws.
   *
   * @param diagnosis - the diagnosis of the failure.
   * @param request - the request whose call failed.
   */
  record(diagnosis: Diagnosis, request: PipelineRequest): void;
}

/**
 * Records diagnoses through `@opentelemetry/api`, loaded on the first failure: without it, or with
 * no SDK registered by the application, recording does nothing. Registers nothing itself.
 */
export function createDiagnosisTelemetry(): DiagnosisTelemetry {
  const counter = createCounter();
  return {
    record(diagnosis, request) {
      try {
        const api = counter.api();
        if (!api) return;
        // The client's method span, with or without a context manager; a context the Azure SDK made
        // without an OpenTelemetry instrumenter has no span under OpenTelemetry's key, so none is found.
        const context = request.tracingOptions?.tracingContext as OpenTelemetry.Context | undefined;
        const span = context ? api.trace.getSpan(context) : undefined;
        if (span) setSpanAttributes(span, diagnosis);
        counter.add(diagnosis, serviceOf(diagnosis.evidence));
      } catch {
        ignored();
      }
    },
  };
}

/**
 * Records a diagnosis the way the policy does, for a client the policy cannot reach (the `openai`
 * package, `@azure/cosmos`, Service Bus...): sets `error.type` and the `azure_sdk_doctor.*`
 * attributes on the span you pass, and adds one to the `azure_sdk_doctor.client.errors` counter
 * through `@opentelemetry/api` when the application has it. `diagnose()` records nothing by itself.
 * Leaves the span's status to you. Never throws.
 *
 * @param span - the span of the failed operation, such as `trace.getActiveSpan()`; undefined to
 * count only.
 * @param diagnosis - what `diagnose(error)` returned.
 */
export function recordDiagnosis(span: DiagnosisSpan | undefined, diagnosis: Diagnosis): void {
  try {
    if (span) setSpanAttributes(span, diagnosis);
    createCounter().add(diagnosis, serviceOf(diagnosis.evidence));
  } catch {
    ignored();
  }
}

/**
 * Notes a failure to record at verbose level. What was thrown is not read: its `toString` may throw,
 * and so may a log sink; neither may reach the caller.
 */
function ignored(): void {
  try {
    logger.verbose("Recording the diagnosis in OpenTelemetry failed; ignored.");
  } catch {
    // The log sink threw too.
  }
}

function setSpanAttributes(span: DiagnosisSpan, diagnosis: Diagnosis): void {
  for (const [key, value] of Object.entries(spanAttributes(diagnosis))) span.setAttribute(key, value);
}

interface DiagnosisCounter {
  /** The OpenTelemetry API, loaded on first call; undefined when the application does not have it. */
  api(): Api | undefined;
  /** Adds one diagnosed failure. */
  add(diagnosis: Diagnosis, service: TelemetryService): void;
}

function createCounter(): DiagnosisCounter {
  let api: Api | null | undefined;
  let provider: OpenTelemetry.MeterProvider | undefined;
  let counter: OpenTelemetry.Counter | undefined;
  const load = (): Api | undefined => {
    if (api === undefined) {
      try {
        api = localRequire("@opentelemetry/api") as Api;
      } catch {
        api = null;
      }
    }
    return api ?? undefined;
  };
  return {
    api: load,
    add(diagnosis, service) {
      const metrics = load()?.metrics;
      if (!metrics) return;
      // The API has no proxy meter provider: a provider registered after the first failure must count the next.
      const current = metrics.getMeterProvider();
      if (current !== provider || !counter) {
        provider = current;
        counter = current.getMeter(METER_NAME, PACKAGE_VERSION).createCounter(ERRORS_METRIC, {
          unit: "{error}",
          description: "Failed Azure SDK client calls, by the cause azure-sdk-doctor diagnosed.",
        });
      }
      counter.add(1, metricAttributes(diagnosis, service));
    },
  };
}
