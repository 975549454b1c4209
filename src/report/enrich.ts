import { attachDiagnosis } from "../diagnose.js";
import { redact } from "../redaction/index.js";
import type { Diagnosis } from "../types.js";

/** Starts the text the enrichment adds; its presence is what makes enriching idempotent. */
export const MARKER = "[azure-sdk-doctor]";

/**
 * The lines added to an error message: cause and confidence, the summary, the first step and the
 * most specific link.
 *
 * @param diagnosis - the diagnosis to describe.
 */
export function describe(diagnosis: Diagnosis): string {
  const confidence = diagnosis.confidence === "inferred" ? ", likely" : "";
  const lines = [`${MARKER} ${diagnosis.cause}${confidence}: ${diagnosis.summary}`];
  if (diagnosis.detail) lines.push(`  Seen: ${diagnosis.detail}`);
  if (diagnosis.remediation[0]) lines.push(`  Fix: ${diagnosis.remediation[0]}`);
  if (diagnosis.alternatives.length > 0) lines.push(`  Also possible: ${diagnosis.alternatives.join(", ")}.`);
  if (diagnosis.docs[0]) lines.push(`  See: ${diagnosis.docs[0]}`);
  return lines.join("\n");
}

/**
 * Attaches a diagnosis to an error and extends its message once: the original text, redacted, then
 * {@link describe}. Enriching an enriched error changes nothing. Returns whether this call attached it.
 *
 * @param error - the error to enrich; frozen objects keep their message but still get the diagnosis.
 * @param diagnosis - what to attach.
 * @param secrets - exact secret values to remove from the message and stack.
 */
export function enrichError(error: object, diagnosis: Diagnosis, secrets: readonly string[] = []): boolean {
  if (!attachDiagnosis(error, diagnosis)) return false;
  const record = error as { message?: unknown; stack?: unknown; diagnosis?: unknown };
  try {
    const original = typeof record.message === "string" ? record.message : "";
    if (!original.includes(MARKER)) {
      // Read first: V8 formats a stack on first access, from the message as it is at that moment.
      const stack = typeof record.stack === "string" ? redact(record.stack, secrets) : undefined;
      const cleaned = redact(original, secrets);
      const message = cleaned ? `${cleaned}\n${describe(diagnosis)}` : describe(diagnosis);
      record.message = message;
      if (stack !== undefined) {
        // The stack's head repeats the message as it was when the error was made.
        record.stack = original && stack.includes(cleaned) ? stack.replace(cleaned, message) : stack;
      }
    }
    Object.defineProperty(error, "diagnosis", {
      value: diagnosis,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  } catch {
    // A frozen or exotic error keeps its text; diagnose() still finds the diagnosis.
  }
  return true;
}
