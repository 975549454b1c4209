import { SECRET_FIELDS, SECRET_HEADERS, SECRET_PARAMETERS, type SecretHeader } from "../secrets.js";
import { BACKSLASH, escapedAt, PERCENT } from "./text.js";

/** Where a name stands before its value; a name of the table counts in some places only. */
export const NameUse = {
  /** `name=value`: query strings, form bodies, connection strings. Every name of the table. */
  assigned: 1,
  /** `name: value`: header lines, JSON and object literals. Headers and fields. */
  labelled: 2,
  /** `<name>value</name>`: XML. Headers and fields. */
  element: 4,
  /** The value runs to the end of its line (cookie lists). */
  wholeLine: 8,
} as const;

/**
 * A name as the table compares it: lower case, without `-` and `_`.
 *
 * @param name - a header, parameter or field name.
 */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes("-") || lower.includes("_") ? lower.replace(/[-_]/g, "") : lower;
}

const DASH = 0x2d;
const UNDERSCORE = 0x5f;

/** Letters and digits, the characters names are compared on: a-z (either case) 0..25, 0-9 26..35. */
function letterIndex(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  return -1;
}

const LETTERS = 36;

/** The longest name read back from a separator; longer runs are read as their last part. */
const MAX_NAME_LENGTH = 48;

/**
 * The table's names as a trie over their reversed normalized spelling, read backward from the
 * separator that follows a name: no substring is made and at most {@link MAX_NAME_LENGTH} characters
 * are read, so checking every `=` and `:` of a text costs a few steps each. Built once from the table.
 */
interface ReversedTrie {
  /** `children[node * LETTERS + letter]`: the next node, or 0 for none (the root is never a child). */
  readonly children: Int32Array;
  /** The {@link NameUse} flags of the name that ends at each node, or 0. */
  readonly uses: Uint8Array;
}

/** A header that holds a URL is not a secret in text: the secret parameters of its query are. */
function usesOfHeader(header: SecretHeader): number {
  if (header.holds === "url") return 0;
  const line = header.holds === "cookies" ? NameUse.wholeLine : 0;
  return NameUse.assigned | NameUse.labelled | NameUse.element | line;
}

/** Each normalized name of the table with the {@link NameUse} flags of its uses. */
function namesOfTable(): ReadonlyMap<string, number> {
  const names = new Map<string, number>();
  const add = (name: string, uses: number): void => {
    const key = normalizeName(name);
    names.set(key, (names.get(key) ?? 0) | uses);
  };
  for (const header of SECRET_HEADERS) {
    const uses = usesOfHeader(header);
    if (uses !== 0) add(header.name, uses);
  }
  for (const parameter of SECRET_PARAMETERS) add(parameter.name, NameUse.assigned);
  for (const field of SECRET_FIELDS) add(field, NameUse.assigned | NameUse.labelled | NameUse.element);
  return names;
}

function buildTrie(names: ReadonlyMap<string, number>): ReversedTrie {
  let size = 1;
  for (const name of names.keys()) size += name.length;
  const children = new Int32Array(size * LETTERS);
  const uses = new Uint8Array(size);
  let next = 1;
  for (const [name, flags] of names) {
    let node = 0;
    for (let i = name.length - 1; i >= 0; i--) {
      const slot = node * LETTERS + letterIndex(name.charCodeAt(i));
      if (children[slot] === 0) children[slot] = next++;
      node = children[slot]!;
    }
    uses[node] = uses[node]! | flags;
  }
  return { children, uses };
}

/** The table's names by how they are used, normalized. */
const NAMES = namesOfTable();

/**
 * The table's names in a use, normalized (lower case, without `-` and `_`).
 *
 * @param use - one of {@link NameUse}.
 */
export function namesUsedAs(use: number): string[] {
  return [...NAMES].filter(([, uses]) => (uses & use) !== 0).map(([name]) => name);
}

const TRIE = buildTrie(NAMES);

/**
 * The {@link NameUse} flags of the table names that end just before `end` in a text, read backward:
 * the whole run of name characters (letters, digits, `-`, `_`) before `end`, or a part of it that
 * follows a `-` or `_` (`x-api-key` holds `api-key`, `AZURE_CLIENT_SECRET` holds `client_secret`).
 * A run starts after any other character, or after an escape (`%3F`, `\u0026`). 0 when none.
 *
 * @param text - the text.
 * @param end - where the name would end (exclusive).
 */
export function secretNameUsesBefore(text: string, end: number): number {
  const { children, uses } = TRIE;
  let node = 0;
  let found = 0;
  const stop = Math.max(0, end - MAX_NAME_LENGTH);
  let i = end - 1;
  for (; i >= stop; i--) {
    const code = text.charCodeAt(i);
    const letter = letterIndex(code);
    if (letter >= 0) {
      const next = children[node * LETTERS + letter]!;
      if (next !== 0) {
        node = next;
        continue;
      }
      // An escaped separator before the name (`%3Fsig`, `\u0026sig`) ends its run like a plain one.
      return endsEscape(text, i) ? found | uses[node]! : found;
    }
    if (code !== DASH && code !== UNDERSCORE) break;
    found |= uses[node]!;
  }
  // The run began here: the whole of it is a candidate too, unless it was longer than any name.
  return i < stop && stop > 0 ? found : found | uses[node]!;
}

/** Whether `text[i]` is the last character of a `%XX` or `\uXXXX` escape. */
function endsEscape(text: string, i: number): boolean {
  return (
    (text.charCodeAt(i - 2) === PERCENT && escapedAt(text, i - 2) >= 0) ||
    (text.charCodeAt(i - 5) === BACKSLASH && escapedAt(text, i - 5) >= 0)
  );
}

/**
 * Whether a name, such as a JSON key, is the table's in the given use.
 *
 * @param name - the name.
 * @param use - one of {@link NameUse}.
 */
export function isSecretName(name: string, use: number): boolean {
  return (secretNameUsesBefore(name, name.length) & use) !== 0;
}
