import {
  AUTHORIZATION_SCHEMES,
  JWT_SHAPE,
  TOKEN68_MIN_LENGTH,
  type AuthorizationScheme,
} from "../secrets.js";
import { NameUse, namesUsedAs, secretNameUsesBefore } from "./names.js";
import type { Ranges } from "./ranges.js";
import {
  APOSTROPHE,
  BACKSLASH,
  CR,
  endsAuthority,
  endsValue,
  escapedAt,
  isAlphanumeric,
  isBase64Url,
  isBlank,
  isToken68,
  isWhitespace,
  LF,
  nextJwtPrefix,
  PERCENT,
  QUOTE,
} from "./text.js";

/*
 * Each finder reads the text left to right once: a candidate is found with a native search, checked
 * with a bounded look around it, and the search goes on after the value it reported (or just after
 * the candidate), so no character is read more than a few times whatever the text holds.
 */

/**
 * Reports every secret found by its shape: values after a table name, XML elements, credentials
 * after an `Authorization` scheme, JWTs, and passwords in URLs.
 *
 * @param text - the text to read.
 * @param ranges - where the secrets found are reported.
 * @param full - whether the text holds a character only some finders need (`needsFullScan()`): the
 *   others are skipped without one.
 */
export function findShapes(text: string, ranges: Ranges, full: boolean): void {
  findNamedValues(text, ranges, full);
  findSchemes(text, ranges);
  if (!full) return;
  findElements(text, ranges);
  findJwts(text, ranges);
  findUserinfo(text, ranges);
}

/** `name=value`, `name: value`, `"name": "value"`, and the same with `=` or `:` escaped. */
function findNamedValues(text: string, ranges: Ranges, full: boolean): void {
  for (let at = text.indexOf(":"); at >= 0;) {
    at = text.indexOf(":", valueAfterName(text, at, at + 1, NameUse.labelled, ranges));
  }
  if (!full) return;
  for (let at = text.indexOf("="); at >= 0;) {
    at = text.indexOf("=", valueAfterName(text, at, at + 1, NameUse.assigned, ranges));
  }
  for (let at = text.indexOf("%3"); at >= 0;) {
    at = text.indexOf("%3", encodedSeparator(text, at, 3, ranges));
  }
  for (let at = text.indexOf("\\u003"); at >= 0;) {
    at = text.indexOf("\\u003", encodedSeparator(text, at, 6, ranges));
  }
}

/** `%3D` / `\u003d` stand for `=`, `%3A` / `\u003a` for `:`. Returns where to search on. */
function encodedSeparator(text: string, at: number, length: number, ranges: Ranges): number {
  const last = text.charCodeAt(at + length - 1) | 0x20;
  if (last === 0x64) return valueAfterName(text, at, at + length, NameUse.assigned, ranges);
  if (last === 0x61) return valueAfterName(text, at, at + length, NameUse.labelled, ranges);
  return at + 1;
}

/** The most blanks read between a name, its separator and its value. */
const MAX_GAP = 16;

/**
 * Reports the value after a separator when a table name stands before it (blanks and a closing
 * quote, plain or escaped, may stand between). Returns where to search on.
 */
function valueAfterName(text: string, separator: number, after: number, use: number, ranges: Ranges): number {
  let end = separator;
  while (end > 0 && separator - end < MAX_GAP && isBlank(text.charCodeAt(end - 1))) end--;
  const quote = text.charCodeAt(end - 1);
  if (quote === QUOTE || quote === APOSTROPHE) {
    end--;
    if (text.charCodeAt(end - 1) === BACKSLASH) end--;
  }
  const uses = secretNameUsesBefore(text, end);
  if ((uses & use) === 0) return after;
  return reportValue(text, after, (uses & NameUse.wholeLine) !== 0, ranges);
}

/**
 * Reports the value that starts at `at` (after blanks): quoted, plain or escaped-quoted, after the
 * scheme it may start with. A value that opens an object or an array is left to its own fields.
 * Returns where the value ends.
 */
function reportValue(text: string, at: number, wholeLine: boolean, ranges: Ranges): number {
  let start = at;
  while (start < text.length && start - at < MAX_GAP && isBlank(text.charCodeAt(start))) start++;
  let quote = text.charCodeAt(start);
  let escaped = false;
  if (quote === BACKSLASH && isQuote(text.charCodeAt(start + 1))) {
    escaped = true;
    quote = text.charCodeAt(++start);
  }
  const quoted = isQuote(quote);
  if (quoted) start++;
  else if (quote === 0x7b || quote === 0x5b) return start;
  start = afterScheme(text, start);
  const end = quoted
    ? quotedEnd(text, start, quote, escaped)
    : wholeLine
      ? lineEnd(text, start)
      : plainEnd(text, start);
  ranges.add(start, end);
  return Math.max(end, at);
}

function isQuote(code: number): boolean {
  return code === QUOTE || code === APOSTROPHE;
}

/** Where a quoted value ends: at its closing quote (plain or escaped) or at the end of its line. */
function quotedEnd(text: string, at: number, quote: number, escaped: boolean): number {
  let i = at;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === quote || code === LF || code === CR) return i;
    if (code === BACKSLASH) {
      if (escaped && isQuote(text.charCodeAt(i + 1))) return i;
      i++;
    }
  }
  return Math.min(i, text.length);
}

/** Where a value that runs to the end of its line ends: a line break, a quote or an escaped one. */
function lineEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR || isQuote(code)) return i;
    if (code === BACKSLASH && isEscapedStop(text.charCodeAt(i + 1))) return i;
  }
  return i;
}

/**
 * Where an unquoted value ends: at whitespace or a character that separates values, written plain,
 * URL-encoded (`%26`) or JSON-escaped (`\u0026`, `\"`, `\n`).
 */
function plainEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (endsValue(code)) return i;
    if (code === BACKSLASH && isEscapedStop(text.charCodeAt(i + 1))) return i;
    if ((code === PERCENT || code === BACKSLASH) && endsValue(escapedAt(text, i))) return i;
  }
  return i;
}

/** After a backslash: an escaped quote or line break ends a value. */
function isEscapedStop(code: number): boolean {
  return isQuote(code) || code === 0x6e || code === 0x72 || code === 0x74;
}

/** The table's schemes, longest first so that `SharedKeyLite` is read before `SharedKey`. */
const SCHEMES: readonly AuthorizationScheme[] = [...AUTHORIZATION_SCHEMES].sort(
  (a, b) => b.scheme.length - a.scheme.length,
);

const LONGEST_SCHEME = SCHEMES[0]?.scheme.length ?? 0;

/** The first letters of the schemes, in lower case: most values start with none of them. */
const SCHEME_INITIALS: ReadonlySet<number> = new Set(SCHEMES.map((s) => s.scheme.charCodeAt(0) | 0x20));

/**
 * A blank after a scheme word, in any case: the blank is found first, then the letter before it is
 * checked against the schemes' last letters, which rules out most blanks at once, and only then the
 * words. The words are factored by their common starts with each letter a class of both its cases,
 * since the case-insensitive flag makes a look behind twice as slow.
 */
const SCHEME_SOURCE = (() => {
  const words = SCHEMES.map(({ scheme }) => scheme);
  const last = [
    ...new Set(words.flatMap((word) => [word.at(-1)!.toLowerCase(), word.at(-1)!.toUpperCase()])),
  ];
  return `[ \\t](?<=[${last.join("")}][ \\t])(?<=${caseless(words)}[ \\t])`;
})();

/**
 * A regular expression's source that matches any of the words in any case, as a tree of their
 * common starts: `[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])` for Bearer and Basic; `between`
 * may stand between any two of their characters.
 */
function caseless(words: readonly string[], between = ""): string {
  type Node = Map<string, Node>;
  // Marks where a word ends, so that one may be the start of another (SharedKey, SharedKeyLite).
  const END = "";
  const root: Node = new Map();
  for (const word of words) {
    let node = root;
    for (const char of [...word.toLowerCase(), END]) {
      if (!node.has(char)) node.set(char, new Map());
      node = node.get(char)!;
    }
  }
  const atom = (char: string): string =>
    char.toUpperCase() !== char ? `[${char}${char.toUpperCase()}]` : /\d/.test(char) ? char : `\\${char}`;
  const source = (node: Node, first: boolean): string => {
    const branches = [...node].map(([char, next]) =>
      char === END ? "" : (first ? "" : between) + atom(char) + source(next, false),
    );
    return branches.length === 1 ? branches[0]! : `(?:${branches.join("|")})`;
  };
  return source(root, true);
}

/**
 * Whether a text holds a scheme at all: one word of the table followed by a blank, in any case.
 * Without the global flag, so it keeps no state between calls.
 */
const HOLDS_SCHEME = new RegExp(
  `(?:${SCHEMES.map(({ scheme }) => scheme.replace(/[-]/g, "\\-")).join("|")})[ \\t]`,
  "i",
);

function isSchemeCharacter(code: number): boolean {
  return isAlphanumeric(code) || code === 0x2d;
}

/** The scheme whose name ends at `end`, if one does; compared without making a copy. */
function schemeEndingAt(text: string, end: number): AuthorizationScheme | undefined {
  for (const scheme of SCHEMES) {
    const name = scheme.scheme;
    const start = end - name.length;
    if (start < 0 || (start > 0 && isSchemeCharacter(text.charCodeAt(start - 1)))) continue;
    let i = 0;
    while (i < name.length && sameLetter(text.charCodeAt(start + i), name.charCodeAt(i))) i++;
    if (i === name.length) return scheme;
  }
  return undefined;
}

/** Whether two characters are the same but for the case of a letter. */
function sameLetter(code: number, wanted: number): boolean {
  return code === wanted || (isAlphanumeric(wanted) && wanted > 0x40 && (code | 0x20) === (wanted | 0x20));
}

/**
 * Where a value's credential starts: after the scheme it starts with (`Bearer `, `SharedKey `), kept
 * readable, or at `at`.
 */
function afterScheme(text: string, at: number): number {
  if (!SCHEME_INITIALS.has(text.charCodeAt(at) | 0x20)) return at;
  let end = at;
  const limit = Math.min(text.length, at + LONGEST_SCHEME);
  while (end < limit && isSchemeCharacter(text.charCodeAt(end))) end++;
  if (end === at || !isBlank(text.charCodeAt(end)) || !schemeEndingAt(text, end)) return at;
  while (end < text.length && isBlank(text.charCodeAt(end))) end++;
  return end;
}

/** `Bearer <token>`, `SharedKey account:signature`, `HMAC-SHA256 Credential=...&Signature=...`. */
function findSchemes(text: string, ranges: Ranges): void {
  // A scheme stands before a blank: a code or an id without one is ruled out without the search.
  if ((!text.includes(" ") && !text.includes("\t")) || !HOLDS_SCHEME.test(text)) return;
  // A fresh global expression to walk the matches: a shared one would carry its lastIndex between calls.
  const pattern = new RegExp(SCHEME_SOURCE, "g");
  while (pattern.test(text)) {
    let start = pattern.lastIndex;
    const scheme = schemeEndingAt(text, start - 1);
    if (!scheme) continue;
    while (start < text.length && isBlank(text.charCodeAt(start))) start++;
    const end = credentialEnd(text, start, scheme.credential);
    if (end > start) {
      ranges.add(start, end);
      pattern.lastIndex = end;
    }
  }
}

/** Where the credential after a scheme ends, or `at` when what follows is not one of its shape. */
function credentialEnd(text: string, at: number, shape: AuthorizationScheme["credential"]): number {
  let end = at;
  if (shape === "token68") {
    while (end < text.length && isToken68(text.charCodeAt(end))) end++;
    const run = end - at;
    while (end < text.length && text.charCodeAt(end) === 0x3d) end++;
    // One `=` and a value after it is an auth-param (`Bearer realm="x"`), not padding.
    const param = end - at - run === 1 && end < text.length && !endsValue(text.charCodeAt(end));
    if (run < TOKEN68_MIN_LENGTH || param) return at;
    // What runs on after the padding (`==+`) is not token68, but it is the credential's all the same:
    // left behind, it would join the marker into a token the next pass removes again.
    while (end < text.length && (isToken68(text.charCodeAt(end)) || text.charCodeAt(end) === 0x3d)) end++;
    return end;
  }
  let mark = -1;
  const wanted = shape === "accountSignature" ? 0x3a : 0x3d;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (isWhitespace(code) || isQuote(code) || code === 0x2c || code === 0x3c || code === 0x3e) break;
    if (code === wanted && mark < 0) mark = end;
  }
  return mark > at && mark < end - 1 ? end : at;
}

/** `<AccountKey>value</AccountKey>`, with a namespace prefix or attributes too. */
function findElements(text: string, ranges: Ranges): void {
  if (!HOLDS_ELEMENT.test(text)) return;
  for (let at = text.indexOf("<"); at >= 0;) {
    at = text.indexOf("<", elementValue(text, at, ranges));
  }
}

/** The longest element name and attribute list read. */
const MAX_TAG = 256;

/**
 * Whether a text holds an element a table name may stand for: a search that starts at `<`, a rare
 * character, so it costs little on any text, and fails an HTML page's `<p>` at its first letter.
 * Looser than the names' own test (a `-` or `_` may stand anywhere), so it only rules out.
 */
const HOLDS_ELEMENT = new RegExp(
  `<(?:[\\w.:-]*[:_-])?${caseless(namesUsedAs(NameUse.element), "[-_]*")}[-_]*[\\s/>]`,
);

function elementValue(text: string, open: number, ranges: Ranges): number {
  let end = open + 1;
  const limit = Math.min(text.length, open + 1 + MAX_TAG);
  while (end < limit && isElementNameCharacter(text.charCodeAt(end))) end++;
  if (end === open + 1 || (secretNameUsesBefore(text, end) & NameUse.element) === 0) return open + 1;
  let close = end;
  while (close < limit && text.charCodeAt(close) !== 0x3e && text.charCodeAt(close) !== 0x3c) close++;
  if (text.charCodeAt(close) !== 0x3e || text.charCodeAt(close - 1) === 0x2f) return open + 1;
  let start = close + 1;
  let stop = text.indexOf("<", start);
  if (stop < 0) stop = text.length;
  const next = stop;
  while (start < stop && isWhitespace(text.charCodeAt(start))) start++;
  while (stop > start && isWhitespace(text.charCodeAt(stop - 1))) stop--;
  ranges.add(start, stop);
  return next;
}

function isElementNameCharacter(code: number): boolean {
  return isAlphanumeric(code) || code === 0x2d || code === 0x5f || code === 0x2e || code === 0x3a;
}

/** A JWT anywhere (see {@link JWT_SHAPE}). */
function findJwts(text: string, ranges: Ranges): void {
  const { prefix, minSegmentLength } = JWT_SHAPE;
  for (let at = nextJwtPrefix(text, 0); at >= 0;) {
    // Every later candidate inside the same run of base64url ends its first segment at the same
    // place, so a failure skips the whole run.
    const first = segmentEnd(text, at);
    if (text.charCodeAt(first) !== DOT || first - at < prefix.length + minSegmentLength) {
      at = nextJwtPrefix(text, first);
      continue;
    }
    const second = segmentEnd(text, first + 1);
    if (text.charCodeAt(second) !== DOT || second - first - 1 < minSegmentLength) {
      at = nextJwtPrefix(text, first + 1);
      continue;
    }
    const third = segmentEnd(text, second + 1);
    ranges.add(at, third);
    at = nextJwtPrefix(text, third);
  }
}

const DOT = 0x2e;

function segmentEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && isBase64Url(text.charCodeAt(end))) end++;
  return end;
}

/** The password of `scheme://user:password@host`, split where URL parsing splits it (the last `@`). */
function findUserinfo(text: string, ranges: Ranges): void {
  if (!text.includes("@")) return;
  for (let at = text.indexOf("://"); at >= 0;) {
    let colon = -1;
    let lastAt = -1;
    let end = at + 3;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (endsAuthority(code)) break;
      if (code === 0x40) lastAt = end;
      else if (code === 0x3a && colon < 0) colon = end;
    }
    if (colon >= 0 && colon < lastAt) ranges.add(colon + 1, lastAt);
    at = text.indexOf("://", end);
  }
}
