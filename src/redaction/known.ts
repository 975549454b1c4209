import { EXACT_SECRET_MIN_LENGTH, SECRET_MIN_LENGTH } from "../secrets.js";
import type { Ranges } from "./ranges.js";
import {
  APOSTROPHE,
  BACKSLASH,
  CR,
  escapedAt,
  escapeLength,
  isAlphanumeric,
  isBlank,
  LF,
  PERCENT,
  QUOTE,
} from "./text.js";

/**
 * A known secret value as {@link findKnownValues} looks for it, made once for all the texts it is
 * looked for in.
 */
export class KnownValue {
  /** The value as it is. */
  readonly value: string;

  /**
   * Makes a value ready.
   *
   * @param value - the value.
   */
  constructor(value: string) {
    this.value = value;
  }

  /**
   * Whether a text may hold the value's base64 or base64url spelling at a byte alignment: it holds
   * the first group of four characters that only the value's bytes make there, each character in
   * either alphabet. A text without one holds no such spelling; a value that is not ASCII there rules
   * nothing out. Searched for by its first character, with no string made; the group is worked out
   * from three characters of the value each time, which costs less than keeping it.
   *
   * @param text - the text.
   * @param offset - the alignment, 0 to 2.
   */
  mayHoldBase64At(text: string, offset: number): boolean {
    // The group starts at the value's first byte that begins a group of three in the encoded text.
    const first = (3 - offset) % 3;
    const value = this.value;
    const a = value.charCodeAt(first);
    const b = value.charCodeAt(first + 1);
    const c = value.charCodeAt(first + 2);
    if ((a | b | c) >= 0x80) return true;
    const w = a >> 2;
    const x = ((a & 3) << 4) | (b >> 4);
    const y = ((b & 15) << 2) | (c >> 6);
    const z = c & 63;
    return (
      holdsGroup(text, BASE64_CHARS[w]!, x, y, z) ||
      (w >= 62 && holdsGroup(text, BASE64URL_CHARS[w]!, x, y, z))
    );
  }
}

/**
 * The known values among `secrets` as {@link findKnownValues} takes them: strings of at least
 * {@link SECRET_MIN_LENGTH} characters.
 *
 * @param secrets - the values; anything that is not a string is skipped.
 */
export function knownValues(secrets: readonly unknown[]): KnownValue[] {
  const known: KnownValue[] = [];
  for (const secret of secrets) {
    if (typeof secret === "string" && secret.length >= SECRET_MIN_LENGTH) known.push(new KnownValue(secret));
  }
  return known;
}

/**
 * Reports every occurrence of known secret values: as they are, and for values of
 * {@link EXACT_SECRET_MIN_LENGTH} or more also URL-encoded, JSON-escaped (`\u002B`, `\/`), split by a
 * line break, and in base64 or base64url. Values shorter than that are found only as whole words;
 * values shorter than {@link SECRET_MIN_LENGTH} not at all.
 *
 * @param text - the text to read.
 * @param known - the values, from {@link knownValues}.
 * @param ranges - where the occurrences are reported.
 * @param full - whether the text holds an escape or a line break, which spellings other than the
 *   plain one need, or may (`needsFullScan()`).
 */
export function findKnownValues(
  text: string,
  known: readonly KnownValue[],
  ranges: Ranges,
  full: boolean,
): void {
  for (const secret of known) {
    const value = secret.value;
    if (value.length < EXACT_SECRET_MIN_LENGTH) {
      findWholeWords(text, value, ranges);
      continue;
    }
    findVerbatim(text, value, ranges);
    if (full) findSpellings(text, value, ranges);
    findBase64(text, secret, ranges);
  }
}

function findVerbatim(text: string, secret: string, ranges: Ranges): void {
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length)) {
    ranges.add(at, at + secret.length);
  }
}

/** A short value only where no letter or digit touches it on either side. */
function findWholeWords(text: string, secret: string, ranges: Ranges): void {
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
    const end = at + secret.length;
    if (!isAlphanumeric(text.charCodeAt(at - 1)) && !isAlphanumeric(text.charCodeAt(end))) {
      ranges.add(at, end);
    }
  }
}

/** Characters no encoder escapes: a spelled secret holds its runs of them as they are. */
function isPlain(code: number): boolean {
  return isAlphanumeric(code) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
}

/** The shortest run of plain characters searched for. */
const MIN_ANCHOR = 2;

/**
 * Finds the secret spelled with escapes and a line break. Two disjoint runs of plain characters are
 * searched for: the two longest runs, or the halves of the only long one. A single line break cuts at
 * most one of them, so the other stands in the text as it is, and each of its occurrences is checked
 * by reading the rest of the secret back and forth from it. A secret with no two such runs is looked
 * for by the halves of its own spelling too: found split or escaped, though not both at once.
 */
function findSpellings(text: string, secret: string, ranges: Ranges): void {
  let firstStart = 0;
  let firstEnd = 0;
  let secondStart = 0;
  let secondEnd = 0;
  for (let i = 0, start = 0; i <= secret.length; i++) {
    if (i < secret.length && isPlain(secret.charCodeAt(i))) continue;
    if (i - start > firstEnd - firstStart) {
      [secondStart, secondEnd] = [firstStart, firstEnd];
      [firstStart, firstEnd] = [start, i];
    } else if (i - start > secondEnd - secondStart) [secondStart, secondEnd] = [start, i];
    start = i + 1;
  }
  if (secondEnd - secondStart >= MIN_ANCHOR) {
    findAround(text, secret, firstStart, firstEnd, ranges);
    findAround(text, secret, secondStart, secondEnd, ranges);
    return;
  }
  if (firstEnd - firstStart >= 2 * MIN_ANCHOR) {
    const half = firstStart + Math.floor((firstEnd - firstStart) / 2);
    findAround(text, secret, firstStart, half, ranges);
    findAround(text, secret, half, firstEnd, ranges);
    return;
  }
  if (firstEnd - firstStart >= MIN_ANCHOR) findAround(text, secret, firstStart, firstEnd, ranges);
  const half = Math.floor(secret.length / 2);
  findAround(text, secret, 0, half, ranges);
  findAround(text, secret, half, secret.length, ranges);
}

/** Finds `secret[from, to)` as it is, then the rest of the secret spelled around each occurrence. */
function findAround(text: string, secret: string, from: number, to: number, ranges: Ranges): void {
  const anchor = secret.slice(from, to);
  let readings: Readings | undefined;
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + 1)) {
    readings ??= [new Int32Array(MAX_READINGS), new Int32Array(MAX_READINGS)];
    const start = spelledBackward(text, at, secret, from, readings);
    if (start < 0) continue;
    const end = spelledForward(text, at + anchor.length, secret, to, readings);
    if (end >= 0) ranges.add(start, end);
  }
}

/** Two buffers of positions the matchers swap between characters, made once per anchor found. */
type Readings = [Int32Array, Int32Array];

/** The most blanks of indentation read after a line break inside a spelled secret. */
const MAX_INDENT = 64;

/** The most readings of a spelling followed at once; there are rarely more than two. */
const MAX_READINGS = 16;

/**
 * Matches `secret[from, end)` spelled forward from `at`: each character as it is or escaped (`%2B`,
 * `\u002B`, `\/`), after a line break or not. Every reading is followed at once, since a backslash
 * may be the secret's own or start an escape. Returns the furthest end of a whole reading, or -1.
 */
function spelledForward(text: string, at: number, secret: string, from: number, readings: Readings): number {
  let [current, next] = readings;
  current[0] = at;
  let count = 1;
  for (let k = from; k < secret.length; k++) {
    const wanted = secret.charCodeAt(k);
    let found = 0;
    for (let r = 0; r < count; r++) {
      const position = current[r]!;
      found = stepForward(text, position, wanted, next, found);
      const broken = afterLineBreak(text, position, true);
      if (broken !== position) found = stepForward(text, broken, wanted, next, found);
      const alone = afterLineBreak(text, position, false);
      if (alone !== broken) found = stepForward(text, alone, wanted, next, found);
    }
    if (found === 0) return -1;
    [current, next, count] = [next, current, found];
  }
  return Math.max(...current.subarray(0, count));
}

/** Adds to `readings` where each reading of `wanted` at `at` ends; returns their new count. */
function stepForward(text: string, at: number, wanted: number, readings: Int32Array, count: number): number {
  const code = text.charCodeAt(at);
  let found = count;
  if (code === wanted) found = addReading(readings, found, at + 1);
  if (isPlain(wanted)) return found;
  if (code === BACKSLASH && text.charCodeAt(at + 1) === wanted && isJsonEscapable(wanted)) {
    found = addReading(readings, found, at + 2);
  }
  if ((code === PERCENT || code === BACKSLASH) && escapedAt(text, at) === wanted) {
    found = addReading(readings, found, at + escapeLength(text, at));
  }
  return found;
}

/**
 * Matches `secret[0, to)` spelled backward, ending at `at`, as {@link spelledForward} does forward.
 * Returns the earliest start of a whole reading, or -1.
 */
function spelledBackward(text: string, at: number, secret: string, to: number, readings: Readings): number {
  let [current, next] = readings;
  current[0] = at;
  let count = 1;
  for (let k = to - 1; k >= 0; k--) {
    const wanted = secret.charCodeAt(k);
    let found = 0;
    for (let r = 0; r < count; r++) {
      const position = current[r]!;
      found = stepBackward(text, position, wanted, next, found);
      const broken = beforeLineBreak(text, position, true);
      if (broken !== position) found = stepBackward(text, broken, wanted, next, found);
      const alone = beforeLineBreak(text, position, false);
      if (alone !== broken) found = stepBackward(text, alone, wanted, next, found);
    }
    if (found === 0) return -1;
    [current, next, count] = [next, current, found];
  }
  return Math.min(...current.subarray(0, count));
}

/** Adds to `readings` where each reading of `wanted` ending at `at` starts; returns their new count. */
function stepBackward(text: string, at: number, wanted: number, readings: Int32Array, count: number): number {
  const code = text.charCodeAt(at - 1);
  let found = count;
  if (code === wanted) found = addReading(readings, found, at - 1);
  if (isPlain(wanted)) return found;
  if (isJsonEscapable(wanted) && code === wanted && text.charCodeAt(at - 2) === BACKSLASH) {
    found = addReading(readings, found, at - 2);
  }
  if (at >= 3 && text.charCodeAt(at - 3) === PERCENT && escapedAt(text, at - 3) === wanted) {
    found = addReading(readings, found, at - 3);
  }
  if (at >= 6 && text.charCodeAt(at - 6) === BACKSLASH && escapedAt(text, at - 6) === wanted) {
    found = addReading(readings, found, at - 6);
  }
  return found;
}

function addReading(readings: Int32Array, count: number, position: number): number {
  if (count === readings.length || readings.subarray(0, count).includes(position)) return count;
  readings[count] = position;
  return count + 1;
}

/** Characters JSON writes as a backslash and themselves. */
function isJsonEscapable(code: number): boolean {
  return code === 0x2f || code === QUOTE || code === APOSTROPHE || code === BACKSLASH;
}

/**
 * After a line break at `at` (CR LF, LF, or JSON's `\n`, `\r\n`) and its indentation; else `at`. A
 * JSON `\r\n` is read whole when `joined`, else as `\r` alone: the text may mean either, and the
 * matchers follow both readings.
 */
function afterLineBreak(text: string, at: number, joined: boolean): number {
  let i = at;
  const code = text.charCodeAt(i);
  if (code === CR || code === LF) {
    i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
  } else if (code === BACKSLASH && isEscapedBreak(text.charCodeAt(i + 1))) {
    const crlf = joined && text.charCodeAt(i + 1) === 0x72 && text.startsWith("\\n", i + 2);
    i += crlf ? 4 : 2;
  } else return at;
  const indent = i;
  while (i - indent < MAX_INDENT && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Before a line break and its indentation that end at `at`; else `at`. A JSON `\r\n` is read whole
 * when `joined`, else as `\n` alone after the text's own `\r` or `r` (after a stray backslash, or the
 * second of an escaped one): the matchers follow both readings.
 */
function beforeLineBreak(text: string, at: number, joined: boolean): number {
  let i = at;
  while (at - i < MAX_INDENT && isBlank(text.charCodeAt(i - 1))) i--;
  const code = text.charCodeAt(i - 1);
  if (code === LF || code === CR) {
    i -= code === LF && text.charCodeAt(i - 2) === CR ? 2 : 1;
    return i;
  }
  if (isEscapedBreak(code) && text.charCodeAt(i - 2) === BACKSLASH) {
    i -= 2;
    if (joined && code === 0x6e && text.charCodeAt(i - 1) === 0x72 && text.charCodeAt(i - 2) === BACKSLASH) {
      i -= 2;
    }
    return i;
  }
  return at;
}

function isEscapedBreak(code: number): boolean {
  return code === 0x6e || code === 0x72;
}

/**
 * The value's base64 and base64url spellings at each of the three byte alignments it may have inside
 * a longer encoded text, without the characters its neighbours would change. Each is made and looked
 * for only when the text holds its first whole group of four characters, which costs one search.
 */
function findBase64(text: string, known: KnownValue, ranges: Ranges): void {
  const secret = known.value;
  if (text.length < Math.floor((secret.length * 4) / 3) - 2) return;
  for (let offset = 0; offset < 3; offset++) {
    if (!known.mayHoldBase64At(text, offset)) continue;
    const bytes = Buffer.from(secret, "utf8");
    const padded = Buffer.alloc(offset + bytes.length);
    bytes.copy(padded, offset);
    const encoded = padded.toString("base64");
    const core = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (core.length < EXACT_SECRET_MIN_LENGTH) continue;
    findVerbatim(text, core, ranges);
    const url = core.replace(/\+/g, "-").replace(/\//g, "_");
    if (url !== core) findVerbatim(text, url, ranges);
  }
}

/** Whether `text` holds `first` followed by the characters of the three sextets, in either alphabet. */
function holdsGroup(text: string, first: string, x: number, y: number, z: number): boolean {
  for (let at = text.indexOf(first); at >= 0; at = text.indexOf(first, at + 1)) {
    if (
      isSextet(text.charCodeAt(at + 1), x) &&
      isSextet(text.charCodeAt(at + 2), y) &&
      isSextet(text.charCodeAt(at + 3), z)
    ) {
      return true;
    }
  }
  return false;
}

/** Whether a character is the sextet's in base64 or in base64url (they differ for 62 and 63 only). */
function isSextet(code: number, sextet: number): boolean {
  return code === BASE64[sextet] || code === BASE64URL[sextet];
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: readonly number[] = [...`${ALPHABET}+/`].map((char) => char.charCodeAt(0));
const BASE64URL: readonly number[] = [...`${ALPHABET}-_`].map((char) => char.charCodeAt(0));
/** Each alphabet's characters as strings of one, to search for: V8 keeps these, so none is made. */
const BASE64_CHARS: readonly string[] = [...`${ALPHABET}+/`];
const BASE64URL_CHARS: readonly string[] = [...`${ALPHABET}-_`];
