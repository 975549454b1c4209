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

/**
 * An error's reason in a few words: OpenSSL's reason rather than its whole error line, with the code.
 *
 * @param error - the error a network step or handshake failed with.
 */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
  const reason = (openssl ?? message.split("\n")[0] ?? "").trim();
  const code = codeOf(error);
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

/**
 * An error's code, when it has a string one.
 *
 * @param error - anything thrown.
 */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
