import { STATUS_CODES } from "node:http";
import { SERVICES } from "../services.js";
import type { Diagnosis, DiagnosisEvidence, ServiceId } from "../types.js";

/** The service a diagnosed call went to, as the metric names it: `"other"` for one the catalog does not know. */
export type TelemetryService = ServiceId | "other";

/**
 * The service of a diagnosed call: the evidence's own, when it is one of the package's service ids,
 * else `"other"`, so the metric's cardinality stays bounded whatever a rule of your own puts there.
 *
 * @param evidence - the diagnosis's evidence.
 */
export function serviceOf(evidence: DiagnosisEvidence): TelemetryService {
  const own: unknown = evidence.service;
  return typeof own === "string" && Object.hasOwn(SERVICES, own) ? (own as ServiceId) : "other";
}

/** The meter's name: the package's, as the Azure SDK packages name their instrumentation scopes. */
export const METER_NAME = "azure-sdk-doctor";

/** The counter of diagnosed failures, named like the semantic conventions' `*.errors` counters. */
export const ERRORS_METRIC = "azure_sdk_doctor.client.errors";

/** Stable semantic-convention keys, copied rather than imported, as their package advises. */
const ERROR_TYPE = "error.type";
const HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";

/** The package's own keys, under its application-name prefix, as the naming conventions ask. */
const CAUSE = "azure_sdk_doctor.cause";
const CATEGORY = "azure_sdk_doctor.category";
const CONFIDENCE = "azure_sdk_doctor.confidence";
const RETRYABLE = "azure_sdk_doctor.retryable";
const SERVICE = "azure_sdk_doctor.service";

/**
 * The attributes a diagnosis sets on a span: the cause as `error.type`, and the cause, category,
 * confidence and retryability. Catalog values only: no message, URL, request id or secret.
 *
 * @param diagnosis - the diagnosis to describe.
 */
export function spanAttributes(diagnosis: Diagnosis): Record<string, string | boolean> {
  return {
    [ERROR_TYPE]: diagnosis.cause,
    [CAUSE]: diagnosis.cause,
    [CATEGORY]: diagnosis.category,
    [CONFIDENCE]: diagnosis.confidence,
    [RETRYABLE]: diagnosis.retryable,
  };
}

/**
 * The attributes of one count of {@link ERRORS_METRIC}: cause, category, `error.type`, service and,
 * when the failure had one, its HTTP status. Every value comes from a bounded set: the catalog's
 * causes and categories, seven services, and the error statuses Node.js knows by name.
 *
 * @param diagnosis - the diagnosis to count.
 * @param service - the service the call went to.
 */
export function metricAttributes(
  diagnosis: Diagnosis,
  service: TelemetryService,
): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    [CAUSE]: diagnosis.cause,
    [CATEGORY]: diagnosis.category,
    [ERROR_TYPE]: diagnosis.cause,
    [SERVICE]: service,
  };
  const status = diagnosis.evidence.status;
  if (status !== undefined && isErrorStatus(status)) attributes[HTTP_RESPONSE_STATUS_CODE] = status;
  return attributes;
}

/**
 * Whether a status is one the metric may carry: a 4xx or 5xx that Node.js names (41 in Node.js 24).
 * Anything else a thrown error claims is left out rather than let it widen the metric.
 *
 * @param status - an HTTP status.
 */
export function isErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 599 && STATUS_CODES[status] !== undefined;
}
