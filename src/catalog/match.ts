import type { FailureSignals, RuleMatch } from "../types.js";

/** The failure's texts (message, service message, body), lower-cased once per failure and kept on it. */
function textOf(signals: FailureSignals): string {
  if (signals.lowerCaseText !== undefined) return signals.lowerCaseText;
  // The SDK's message is usually the service's message, and a JSON body holds it too: scan it once.
  const { message, body } = signals;
  const service = signals.serviceMessage ?? "";
  const repeated = service === message || body.includes(service);
  // Each part lower-cased on its own: V8 lower-cases a joined string only after copying it whole.
  const text = repeated
    ? `${message.toLowerCase()}\n${body.toLowerCase()}`
    : `${message.toLowerCase()}\n${service.toLowerCase()}\n${body.toLowerCase()}`;
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

/**
 * Whether the service's error code is one of these.
 *
 * @param signals - the failure.
 * @param codes - the codes, as the service writes them.
 */
export function codeIn(signals: FailureSignals, ...codes: readonly string[]): boolean {
  return signals.serviceCode !== undefined && codes.includes(signals.serviceCode);
}

/**
 * Whether the response carried nothing to read: no service message, and an empty body or the `{}`
 * some clients put in its place.
 *
 * @param signals - the failure.
 */
export function isEmptyAnswer(signals: FailureSignals): boolean {
  if (signals.serviceMessage !== undefined || signals.problemType !== undefined) return false;
  const body = signals.body.trim();
  return body === "" || body === "{}";
}

/**
 * The first line of a text, trimmed and cut to a bound, for a diagnosis's detail.
 *
 * @param text - a redacted text of the failure.
 * @param limit - the most characters kept.
 */
export function excerpt(text: string, limit = 160): string {
  const line = (text.trim().split(/\r?\n/)[0] ?? "").trim();
  return line.length > limit ? `${line.slice(0, limit)}...` : line;
}

/**
 * The wait a throttling service asked for, as a match's detail: `"<service> asked to retry after N s."`,
 * or no detail when it named none.
 *
 * @param signals - the failure.
 * @param service - the service's name, as the detail says it.
 */
export function waitAsked(signals: FailureSignals, service: string): RuleMatch<never> {
  const seconds = signals.retryAfterSeconds;
  return { detail: seconds === undefined ? undefined : `${service} asked to retry after ${seconds} s.` };
}
