import { attachDiagnosis } from "../diagnose.js";
import { prepareSecrets, redact, redactValue, type PreparedSecrets } from "../redaction/index.js";
import { READ_LIMIT } from "../signals/read.js";
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
 * {@link describe}; the errors of its `cause` chain (and of an `AggregateError`'s `errors`) have their
 * message and stack redacted in place, to a bounded depth. Enriching an enriched error changes
 * nothing. Returns whether this call attached it.
 *
 * @param error - the error to enrich; frozen objects keep their message but still get the diagnosis.
 * @param diagnosis - what to attach.
 * @param secrets - exact secret values to remove from the message and stack.
 */
export function enrichError(error: object, diagnosis: Diagnosis, secrets: readonly string[] = []): boolean {
  if (!attachDiagnosis(error, diagnosis)) return false;
  const prepared = prepareSecrets(secrets);
  const record = error as { message?: unknown; stack?: unknown; diagnosis?: unknown };
  try {
    const original = typeof record.message === "string" ? record.message : "";
    if (original.length > READ_LIMIT || !original.includes(MARKER)) {
      const cleaned = original.length > READ_LIMIT ? unread(original) : redact(original, prepared, BOUND);
      const message = cleaned ? `${cleaned}\n${describe(diagnosis)}` : describe(diagnosis);
      // Set first: a stack V8 has not formatted yet is then formatted from this message, not the long one.
      record.message = message;
      const stack: unknown = record.stack;
      if (typeof stack === "string") record.stack = restack(stack, original, message, prepared);
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
  redactCauses(error, prepared);
  return true;
}

/**
 * How much of an error's own text the enriched message keeps, redacted: a message longer than this is
 * a body the client quoted whole (Storage's parse errors hold megabytes), cut here with a line telling
 * how much was left out, so that the policy's work on a failure stays within milliseconds.
 */
export const ENRICHED_TEXT_LIMIT = 8 * 1024;

const BOUND = { maxLength: ENRICHED_TEXT_LIMIT };

/**
 * The stack with its head's message replaced: V8 writes `Name: message` then the frames, so the head
 * and the frames are redacted apart and the message is the one already redacted, not read twice. A
 * stack written otherwise is redacted whole, within the same bound.
 */
function restack(stack: string, original: string, message: string, secrets: PreparedSecrets): string {
  // One formatted before holds the long message: it is not read (see READ_LIMIT), only its head kept.
  if (stack.length > READ_LIMIT) return `${message}\n    at ${unread(stack)}`;
  const colon = stack.indexOf(": ");
  const at = colon >= 0 && colon < 256 ? colon + 2 : -1;
  for (const head of [message, original]) {
    if (head !== "" && at >= 0 && stack.startsWith(head, at)) {
      const frames = stack.slice(at + head.length);
      return `${redact(stack.slice(0, at), secrets)}${message}${redact(frames, secrets, BOUND)}`;
    }
  }
  return redact(stack, secrets, BOUND);
}

/** What stands for a text too long to read. */
function unread(text: string): string {
  return `[${text.length} characters withheld: too long to redact]`;
}

/** How many errors of a failure's `cause` chain and `errors` lists are redacted. */
const MOST_CAUSES = 16;

/** What stands for the rest of a chain longer than {@link MOST_CAUSES}: less leaves, never more. */
const CAUSES_WITHHELD = "[withheld: a longer cause chain than azure-sdk-doctor redacts]";

/**
 * Redacts, in place, the message and stack of each error the failure was caused by (`cause`, and the
 * `errors` of an `AggregateError`, such as Node.js's for each address it tried), and a `cause` that is
 * a string; past {@link MOST_CAUSES} errors the rest of the chain is withheld. Identity and class stay:
 * clients and applications read `cause.code` and test `instanceof`.
 */
function redactCauses(error: object, secrets: PreparedSecrets): void {
  const seen = new Set<object>([error]);
  const queue: object[] = [error];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const child of linked(parent)) {
      if (typeof child === "string") {
        replace(parent, "cause", child.length > READ_LIMIT ? unread(child) : redact(child, secrets, BOUND));
      } else if (typeof child === "object" && child !== null && !seen.has(child)) {
        if (seen.size > MOST_CAUSES) {
          replace(parent, "cause", CAUSES_WITHHELD);
          return;
        }
        seen.add(child);
        // An error that cannot be changed (frozen) leaves as a redacted copy, when it is the cause.
        if (!redactOwnText(child, secrets) && linked(parent)[0] === child) {
          replace(parent, "cause", redactValue(child, secrets, { maxCharacters: ENRICHED_TEXT_LIMIT }));
        }
        queue.push(child);
      }
    }
  }
}

/** An error's `cause` and the members of its `errors`, read without letting a getter throw. */
function linked(error: object): unknown[] {
  try {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    const found = cause === undefined ? [] : [cause];
    if (Array.isArray(errors)) found.push(...errors.slice(0, MOST_CAUSES));
    return found;
  } catch {
    return [];
  }
}

/** Redacts an error's stack and message in place; returns whether they now hold no secret. */
function redactOwnText(error: object, secrets: PreparedSecrets): boolean {
  const record = error as { message?: unknown; stack?: unknown };
  try {
    // The stack first: V8 formats it on first access, from the message as it is then.
    for (const key of ["stack", "message"] as const) {
      const text = record[key];
      if (typeof text !== "string") continue;
      const clean = text.length > READ_LIMIT ? unread(text) : redact(text, secrets, BOUND);
      if (clean !== text && !replace(error, key, clean)) return false;
    }
    return true;
  } catch {
    // A getter that throws has nothing to show either.
    return true;
  }
}

/** Sets a property and tells whether it now holds the value; a frozen or exotic object keeps its own. */
function replace(target: object, key: string, value: unknown): boolean {
  try {
    const record = target as Record<string, unknown>;
    if (record[key] !== value) record[key] = value;
    return record[key] === value;
  } catch {
    return false;
  }
}
