import type { FailureSignals } from "../diagnosis.js";

const lowered = new WeakMap<FailureSignals, string>();

/** The failure's texts (message, service message, body) lower-cased once per failure. */
function textOf(signals: FailureSignals): string {
  let text = lowered.get(signals);
  if (text === undefined) {
    text = `${signals.message}\n${signals.serviceMessage ?? ""}\n${signals.body}`.toLowerCase();
    lowered.set(signals, text);
  }
  return text;
}

/**
 * Whether any of the texts of the failure contains one of the phrases (case-insensitive).
 *
 * @param signals - the failure.
 * @param phrases - lower-case phrases.
 */
export function mentions(signals: FailureSignals, ...phrases: readonly string[]): boolean {
  const text = textOf(signals);
  return phrases.some((phrase) => text.includes(phrase));
}

/** Whether the response explained nothing: no service message and an empty body. */
export function isUnexplained(signals: FailureSignals): boolean {
  return signals.serviceMessage === undefined && signals.body.trim() === "";
}

/** Whether the failure is one of these Node.js or SDK error codes. */
export function hasCode(signals: FailureSignals, codes: ReadonlySet<string>): boolean {
  return signals.nodeCode !== undefined && codes.has(signals.nodeCode);
}
