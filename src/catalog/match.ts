import type { FailureSignals } from "../types.js";

/** The failure's texts (message, service message, body), lower-cased once per failure and kept on it. */
function textOf(signals: FailureSignals): string {
  if (signals.lowerCaseText !== undefined) return signals.lowerCaseText;
  // The SDK's message is usually the service's message, and a JSON body holds it too: scan it once.
  const { message, body } = signals;
  const service = signals.serviceMessage ?? "";
  const repeated = service === message || body.includes(service);
  const text = (repeated ? `${message}\n${body}` : `${message}\n${service}\n${body}`).toLowerCase();
  try {
    signals.lowerCaseText = text;
  } catch {
    // Signals a caller froze are matched all the same, only without the kept copy.
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
  return includesAny(textOf(signals), phrases);
}

/**
 * Whether the service (a response, so there is a status) said one of the phrases: the cheap status
 * test first keeps thrown transport errors from paying for text scans.
 *
 * @param signals - the failure.
 * @param phrases - lower-case phrases.
 */
export function serviceSays(signals: FailureSignals, ...phrases: readonly string[]): boolean {
  return signals.status !== undefined && includesAny(textOf(signals), phrases);
}

function includesAny(text: string, phrases: readonly string[]): boolean {
  for (const phrase of phrases) if (text.includes(phrase)) return true;
  return false;
}

/** Whether the response explained nothing: no service message and an empty body. */
export function isUnexplained(signals: FailureSignals): boolean {
  return signals.serviceMessage === undefined && signals.body.trim() === "";
}

/** Whether the failure is one of these Node.js or SDK error codes. */
export function hasCode(signals: FailureSignals, codes: ReadonlySet<string>): boolean {
  return signals.nodeCode !== undefined && codes.has(signals.nodeCode);
}
