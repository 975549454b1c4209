import { EXACT_SECRET_MIN_LENGTH } from "../secrets.js";
import { findKnownValues, knownValues, type KnownValue } from "./known.js";
import { Ranges } from "./ranges.js";
import { findShapes } from "./shapes.js";
import { needsFullScan } from "./text.js";

/**
 * What {@link redact} returns in place of a text it could not finish redacting: it never returns the
 * text unredacted.
 */
export const WITHHELD = "[withheld: this text could not be redacted]";

/**
 * The longest text {@link redact} reads in full by default, in UTF-16 code units (1 Mi). Beyond it
 * the text is cut, and a line saying how much was left out takes the rest's place: an error message
 * of a megabyte is already a whole response body, and the bound keeps the worst text to tens of
 * milliseconds.
 */
export const MAX_REDACTED_LENGTH = 1024 * 1024;

/** Options of {@link redact}. */
export interface RedactOptions {
  /** The longest text read in full; longer ones are cut there. Defaults to {@link MAX_REDACTED_LENGTH}. */
  maxLength?: number;
}

/**
 * How far past a cut the text is still read, so that a secret or a value the cut falls inside is
 * found whole and removed from the part kept: a named value or a JWT within it, and a known value in
 * its longest spelling (six characters for each of its own, `\u002B`) beyond it.
 */
const CUT_MARGIN = 64 * 1024;

/** How far past a cut at `limit` the text is read: as far as the part kept, up to {@link CUT_MARGIN}. */
function marginOf(limit: number): number {
  return Math.min(CUT_MARGIN, limit);
}

/**
 * Known secret values made ready once for every text of a failure they are looked for in
 * ({@link prepareSecrets}): {@link redact} takes them in place of the list.
 */
export interface PreparedSecrets {
  /** The values, as given. */
  readonly values: readonly unknown[];
  /** The values {@link redact} looks for, with what their base64 spellings need. */
  readonly known: readonly KnownValue[];
}

/**
 * Makes known secret values ready to be looked for in many texts: what each text then costs is the
 * searches alone.
 *
 * @param secrets - the values, such as `credentialsOf(request).secrets`.
 */
export function prepareSecrets(secrets: readonly string[]): PreparedSecrets {
  return { values: secrets, known: knownValues(secrets) };
}

const NO_SECRETS: PreparedSecrets = prepareSecrets([]);

/**
 * Removes secrets from a text: every known secret value in the spellings it may take, and everything
 * shaped like a secret in the table of `secrets.ts` (values after credential names in headers, query
 * strings, connection strings, JSON and XML; credentials after an `Authorization` scheme; JWTs;
 * passwords in URLs). Each is replaced by `REDACTED`, together with what is left of a word it was
 * part of.
 *
 * The time is linear in the text's length whatever it holds, and a text with nothing to remove comes
 * back as the same string. It never throws and never fails open: a text it cannot finish comes back
 * as {@link WITHHELD}, and one longer than `maxLength` is cut there with a line telling how much was
 * left out.
 *
 * Known values of 8 characters or more are removed wherever they appear: as they are, URL-encoded,
 * JSON-escaped, split by one line break, and in base64 or base64url. Values of 4 to 7 characters only
 * where they stand as a whole word, and shorter ones only by shape (`api-key: k`), since they would
 * cut ordinary words.
 *
 * @param text - the text to clean.
 * @param secrets - known secret values, such as the request's api-key (`credentialsOf()` reads them),
 *   or the same made ready by {@link prepareSecrets} for several texts.
 * @param options - the length read in full.
 */
export function redact(
  text: string,
  secrets: readonly string[] | PreparedSecrets = NO_SECRETS,
  options?: RedactOptions,
): string {
  try {
    if (typeof text !== "string") return WITHHELD;
    const prepared = Array.isArray(secrets) ? prepareSecrets(secrets) : (secrets as PreparedSecrets);
    const limit = boundOf(options?.maxLength);
    const cut = text.length > limit;
    const read = cut ? text.slice(0, limit + marginOf(limit) + 6 * longest(prepared.known)) : text;
    const ranges = new Ranges();
    const full = needsFullScan(read);
    findKnownValues(read, prepared.known, ranges, full);
    findShapes(read, ranges, full);
    if (ranges.empty) return cut ? text.slice(0, limit) + cutNotice(text.length - limit) : text;
    const redacted = ranges.apply(read, cut ? limit : text.length);
    const result = cut ? redacted + cutNotice(text.length - limit) : redacted;
    return holdsVerbatim(result, prepared.known) ? WITHHELD : result;
  } catch {
    return WITHHELD;
  }
}

/**
 * Whether {@link redact} would change a token of ASCII letters, digits and dashes (a request id, a
 * service's code): in such a text only a known value, as it is or in base64, can be found, since every
 * other finder needs a blank, `:`, `=`, `.`, `<`, `@`, `%` or a backslash, and the other spellings
 * of a known value an escape or a line break. The same answer as `redact(token, secrets) !== token`,
 * without the search for shapes.
 *
 * @param token - a text that matches `/^[A-Za-z0-9-]*$/`.
 * @param secrets - the known values, made ready.
 */
export function holdsKnownValue(token: string, secrets: PreparedSecrets): boolean {
  if (secrets.known.length === 0) return false;
  const ranges = new Ranges();
  findKnownValues(token, secrets.known, ranges, false);
  return !ranges.empty;
}

/** The length read in full: the default for anything that is not a number. */
function boundOf(maxLength: unknown): number {
  return typeof maxLength === "number" && !Number.isNaN(maxLength)
    ? Math.max(0, Math.floor(maxLength))
    : MAX_REDACTED_LENGTH;
}

function cutNotice(omitted: number): string {
  return `\n[${omitted} more characters withheld: too long to redact]`;
}

function longest(known: readonly KnownValue[]): number {
  let length = 0;
  for (const { value } of known) length = Math.max(length, value.length);
  return length;
}

/** The last guard: a known value still there, which no replacement should ever leave. */
function holdsVerbatim(text: string, known: readonly KnownValue[]): boolean {
  for (const { value } of known) {
    if (value.length >= EXACT_SECRET_MIN_LENGTH && text.includes(value)) return true;
  }
  return false;
}
