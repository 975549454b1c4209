import type { CauseId } from "../catalog/index.js";
import { classify } from "../diagnose.js";
import { signalsFromThrown } from "../signals/thrown.js";
import type { Diagnosis } from "../types.js";

/**
 * The catalog's diagnosis of an error met during a check, as the policy would give it.
 *
 * @param error - the error a network step or handshake failed with.
 * @param host - the endpoint's host, for the evidence.
 */
export function diagnosisOfError(error: unknown, host: string): Diagnosis<CauseId> | undefined {
  return classify({ ...signalsFromThrown(error), host });
}
