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
 * Phrases a rule looks for, any one of which will do, made once with {@link anyOf} and looked for with
 * one search. Most failures' texts are short, where each `includes` costs about 20 ns, most of it the
 * call: three phrases on a 38-character message cost 19 ns as one pattern against 51 ns as three
 * searches (on a 150-character OpenSSL message, 102 against 80).
 */
export interface AnyOf {
  /** The phrases, as given. */
  readonly phrases: readonly string[];
  /** The phrases as one pattern of literal alternatives. */
  readonly pattern: RegExp;
}

/**
 * Phrases any one of which a rule looks for, for {@link mentions} and {@link serviceSays}.
 *
 * @param phrases - lower-case phrases.
 */
export function anyOf(...phrases: readonly string[]): AnyOf {
  for (const phrase of phrases) {
    if (phrase === "" || phrase !== phrase.toLowerCase()) {
      throw new TypeError(`anyOf: ${JSON.stringify(phrase)} is not a lower-case phrase.`);
    }
  }
  const alternatives = phrases.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return Object.freeze({ phrases: Object.freeze([...phrases]), pattern: new RegExp(alternatives.join("|")) });
}

/**
 * Whether any of the texts of the failure contains the phrase, or one of the phrases (case-insensitive).
 *
 * @param signals - the failure.
 * @param phrases - a lower-case phrase, or several made once by {@link anyOf}.
 */
export function mentions(signals: FailureSignals, phrases: string | AnyOf): boolean {
  return holds(textOf(signals), phrases);
}

/**
 * Whether the service (a response, so there is a status) said the phrase, or one of the phrases: the
 * cheap status test first keeps thrown transport errors from paying for text scans.
 *
 * @param signals - the failure.
 * @param phrases - a lower-case phrase, or several made once by {@link anyOf}.
 */
export function serviceSays(signals: FailureSignals, phrases: string | AnyOf): boolean {
  return signals.status !== undefined && holds(textOf(signals), phrases);
}

function holds(text: string, phrases: string | AnyOf): boolean {
  return typeof phrases === "string" ? text.includes(phrases) : phrases.pattern.test(text);
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
  const trimmed = text.trim();
  // Up to the first line feed; a carriage return before it goes with the trim.
  const end = trimmed.indexOf("\n");
  const line = (end < 0 ? trimmed : trimmed.slice(0, end)).trim();
  return line.length > limit ? `${line.slice(0, limit)}...` : line;
}

/** A pattern of bounded captures, as {@link boundedCaptures} makes it. */
export interface BoundedCaptures {
  /** The first match of the pattern as written, as `RegExp.prototype.exec` gives it. */
  exec(text: string): RegExpExecArray | null;
}

/** A bound on a repetition: `{1,200}`. */
const BOUND = /\{1,(\d+)\}/g;

/** A text that ends with a capture of a class's bounded run: `([^']{1,200})`. */
const BOUNDED_CAPTURE = /\(\[[^\]]*\]\{1,\d+\}\)$/;

/**
 * A pattern whose captures are bounded runs of a class that stop at a character the class leaves out
 * (`'([^']{1,200})'`), searched first with unbounded runs (`'([^']+)'`): V8 runs a bounded repetition
 * about half as fast. Each run stops at the same place either way, so where the unbounded pattern first
 * matches with every run within its bound, so does the pattern as written; otherwise it is asked.
 *
 * @param pattern - the pattern as specified: its bounds are `{1,n}`, each the whole of a capture.
 */
export function boundedCaptures(pattern: RegExp): BoundedCaptures {
  const bounds = [...pattern.source.matchAll(BOUND)];
  // Each bound must be a class's run that is a whole capture (`([^']{1,200})`), and each capture one.
  const captures = new RegExp(`${pattern.source}|`).exec("")!.length - 1;
  if (
    pattern.global ||
    pattern.sticky ||
    bounds.length !== captures ||
    !bounds.every((bound) => BOUNDED_CAPTURE.test(pattern.source.slice(0, bound.index + bound[0].length + 1)))
  ) {
    throw new TypeError(`boundedCaptures: ${String(pattern)} is not a pattern of bounded captures.`);
  }
  const limits = bounds.map((bound) => Number(bound[1]));
  const unbounded = new RegExp(pattern.source.replace(BOUND, "+"), pattern.flags);
  return {
    exec(text: string): RegExpExecArray | null {
      const found = unbounded.exec(text);
      if (found === null) return null;
      for (let i = 0; i < limits.length; i++) {
        if ((found[i + 1]?.length ?? 0) > limits[i]!) return pattern.exec(text);
      }
      return found;
    },
  };
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
