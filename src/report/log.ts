import { createClientLogger } from "@azure/logger";
import type { Diagnosis } from "../types.js";

/** The package's logger: `AZURE_LOG_LEVEL=warning` shows every diagnosis. */
export const logger = createClientLogger("azure-sdk-doctor");

/**
 * One line per diagnosis, made only of catalog text, evidence and the detail, which hold no secrets.
 *
 * @param diagnosis - what to log.
 * @param level - `"warning"` for a failure the caller sees, `"verbose"` for one a client turns into a
 * result (`exists()` returning false).
 */
export function logDiagnosis(diagnosis: Diagnosis, level: "warning" | "verbose" = "warning"): void {
  const e = diagnosis.evidence;
  const facts = [
    e.status !== undefined ? `status=${e.status}` : undefined,
    e.nodeCode ? `code=${e.nodeCode}` : undefined,
    e.serviceCode ? `serviceCode=${e.serviceCode}` : undefined,
    e.service ? `service=${e.service}` : undefined,
    e.method && e.host ? `request=${e.method} ${e.host}` : undefined,
    e.operation ? `operation=${e.operation}` : undefined,
    e.credential ? `credential=${e.credential}` : undefined,
    e.requestId ? `requestId=${e.requestId}` : undefined,
  ].filter(Boolean);
  logger[level](
    `${diagnosis.cause} (${diagnosis.confidence}): ${diagnosis.summary}${diagnosis.detail ? ` Seen: ${diagnosis.detail}` : ""} ${facts.join(" ")} Fix: ${diagnosis.remediation[0] ?? ""} See: ${diagnosis.docs[0] ?? ""}`,
  );
}
