import { JWT_SHAPE } from "../secrets.js";

/* Character tests shared by the finders, on UTF-16 code units. */

/** `\t` */
export const TAB = 0x09;
/** `\n` */
export const LF = 0x0a;
/** `\r` */
export const CR = 0x0d;
/** A space. */
export const SPACE = 0x20;
/** `"` */
export const QUOTE = 0x22;
/** `%` */
export const PERCENT = 0x25;
/** `'` */
export const APOSTROPHE = 0x27;
/** `\` */
export const BACKSLASH = 0x5c;

/** Classes of ASCII characters, as bits of a table built once: one lookup tests a class. */
const ALPHANUMERIC = 1;
const BASE64URL = 2;
const TOKEN68 = 4;
const BLANK = 8;
const WHITESPACE = 16;
const ENDS_VALUE = 32;
const ENDS_AUTHORITY = 64;

const CLASSES: Uint8Array = (() => {
  const table = new Uint8Array(128);
  const mark = (characters: string, bits: number): void => {
    for (const char of characters) table[char.charCodeAt(0)]! |= bits;
  };
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  mark(letters, ALPHANUMERIC | BASE64URL | TOKEN68);
  mark("-_", BASE64URL | TOKEN68);
  mark(".~+/", TOKEN68);
  mark(" \t", BLANK | WHITESPACE | ENDS_VALUE);
  mark("\n\v\f\r", WHITESPACE | ENDS_VALUE);
  mark(`"#&'),;<>]}`, ENDS_VALUE);
  mark(" \t\n\v\f\r/?#\\\"'<>", ENDS_AUTHORITY);
  return table;
})();

function classOf(code: number): number {
  return code < 128 ? CLASSES[code]! : 0;
}

/**
 * A space or a tab.
 *
 * @param code - a UTF-16 code unit.
 */
export function isBlank(code: number): boolean {
  return (classOf(code) & BLANK) !== 0;
}

/**
 * ASCII whitespace, line breaks included.
 *
 * @param code - a UTF-16 code unit.
 */
export function isWhitespace(code: number): boolean {
  return (classOf(code) & WHITESPACE) !== 0;
}

/**
 * An ASCII letter or digit.
 *
 * @param code - a UTF-16 code unit.
 */
export function isAlphanumeric(code: number): boolean {
  return (classOf(code) & ALPHANUMERIC) !== 0;
}

/**
 * A character of base64url: letters, digits, `-` and `_`, as JWT segments use.
 *
 * @param code - a UTF-16 code unit.
 */
export function isBase64Url(code: number): boolean {
  return (classOf(code) & BASE64URL) !== 0;
}

/**
 * A character of an HTTP token68 credential before its `=` padding: base64, base64url, `.`, `~`.
 *
 * @param code - a UTF-16 code unit.
 */
export function isToken68(code: number): boolean {
  return (classOf(code) & TOKEN68) !== 0;
}

/**
 * What ends a URL's authority in text: whitespace, `/`, `?`, `#`, a backslash, a quote, `<` or `>`.
 *
 * @param code - a UTF-16 code unit.
 */
export function endsAuthority(code: number): boolean {
  return (classOf(code) & ENDS_AUTHORITY) !== 0;
}

/**
 * Whitespace, or a character that separates values: `"#&'),;<>]}`.
 *
 * @param code - a UTF-16 code unit.
 */
export function endsValue(code: number): boolean {
  return (classOf(code) & ENDS_VALUE) !== 0;
}

/** The value of a hexadecimal digit, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The character `count` hexadecimal digits at `at` stand for, or -1 when they are not all hexadecimal.
 *
 * @param text - the text.
 * @param at - where the digits start.
 * @param count - how many digits.
 */
export function hexAt(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = hexValue(text.charCodeAt(i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * The character an escape at `at` stands for, for the two escapes a secret's spelling may hold:
 * `%XX` (URL encoding, 3 characters) and `\uXXXX` (JSON, 6 characters); -1 when there is none.
 *
 * @param text - the text.
 * @param at - where the escape would start.
 */
export function escapedAt(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === PERCENT) return hexAt(text, at + 1, 2);
  if (first === BACKSLASH && text.charCodeAt(at + 1) === 0x75) return hexAt(text, at + 2, 4);
  return -1;
}

/**
 * The length of the escape {@link escapedAt} read at `at`.
 *
 * @param text - the text.
 * @param at - where the escape starts.
 */
export function escapeLength(text: string, at: number): number {
  return text.charCodeAt(at) === PERCENT ? 3 : 6;
}

/**
 * Whether a text holds what most finders need and most error texts lack: `=`, `<`, `@`, a backslash,
 * a line break, an escape `%XX` (a `%` alone, as in "100%", is none), or a JWT's `eyJ`. Without one
 * only the finders of `name: value`, of `Authorization` schemes and of known values as they are or in
 * base64 have anything to find; two searches spare the others theirs.
 *
 * @param text - the text.
 */
export function needsFullScan(text: string): boolean {
  // `eyJ` apart: a class of single characters is searched several times faster than an alternation
  // with a word, and a `J` alone would count every "Jan" and "JSON".
  return RARE.test(text) || nextJwtPrefix(text, 0) >= 0;
}

/**
 * Where the next JWT prefix (`eyJ`) starts from `from`, or -1: found by its last letter, since a search
 * for the word, or for its first letter, stops at every `e`, the commonest letter (`includes("eyJ")`
 * reads an 83-character detail in 60 ns, this in 14).
 *
 * @param text - the text.
 * @param from - where the prefix may start at the earliest.
 */
export function nextJwtPrefix(text: string, from: number): number {
  const { prefix } = JWT_SHAPE;
  const last = prefix.length - 1;
  for (let at = text.indexOf(prefix[last]!, from + last); at >= 0; at = text.indexOf(prefix[last]!, at + 1)) {
    if (text.startsWith(prefix, at - last)) return at - last;
  }
  return -1;
}

/** Without the global flag: it keeps no state between calls. */
const RARE = /[=<@\\\r\n]|%[0-9A-Fa-f]{2}/;

/**
 * Whether `toLowerCase()` may change a character: A to Z, or anything beyond ASCII.
 *
 * @param code - a UTF-16 code unit.
 */
export function isUpperCase(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || code >= 0x80;
}
