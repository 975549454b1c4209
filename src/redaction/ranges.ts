import { isAlphanumeric } from "./text.js";

/** What stands in for a secret. */
export const REDACTED = "REDACTED";

/**
 * Above this many replacements the result is written into a byte array rather than joined from
 * slices: a slice and its place in an array cost an allocation each, which on a text full of short
 * secrets (`sig=a&sig=a&...`) would cost more than copying every character once.
 */
const MANY = 1024;

/** No parts yet: most texts have none, and an array is made only for the first. */
const NONE = new Int32Array(0);

/**
 * The parts of a text to replace with {@link REDACTED}, as the finders report them. Each finder
 * reports its own parts left to right; parts from several finders may overlap or come out of order.
 */
export class Ranges {
  /**
   * Start and end (exclusive) of each part, in pairs, in a typed array: on a text full of short
   * secrets a growing array of numbers would be copied by every young-generation collection.
   */
  private bounds = NONE;
  /** How many numbers of `bounds` are in use. */
  private used = 0;
  /** Whether every part starts at or after the start of the one before. */
  private ordered = true;

  /**
   * Adds a part; an empty one is ignored.
   *
   * @param start - its first index.
   * @param end - the index after its last.
   */
  add(start: number, end: number): void {
    if (end <= start) return;
    if (this.used > 0 && start < this.bounds[this.used - 2]!) this.ordered = false;
    if (this.used === this.bounds.length) {
      const grown = new Int32Array(Math.max(16, this.bounds.length * 2));
      grown.set(this.bounds);
      this.bounds = grown;
    }
    this.bounds[this.used++] = start;
    this.bounds[this.used++] = end;
  }

  /** Whether no part was added. */
  get empty(): boolean {
    return this.used === 0;
  }

  /**
   * The text up to `limit` with the parts replaced by {@link REDACTED}. Parts that touch or overlap
   * become one, and each grows over the letters and digits around it: what is left of a word a
   * secret was part of is removed with it, and no replacement joins a word next to it (so that
   * redacting the result again finds nothing new).
   *
   * @param text - the text the parts were found in.
   * @param limit - where the result stops (the text's length unless it is cut).
   */
  apply(text: string, limit: number): string {
    const bounds = this.bounds.subarray(0, this.used);
    const merged = this.ordered ? mergeOrdered(bounds, text, limit) : mergeMarked(bounds, text, limit);
    return merged.length <= 2 * MANY ? joinParts(text, merged, limit) : writeParts(text, merged, limit);
  }
}

/** Grows a part over the letters and digits on its left, not past what was already written. */
function wordStart(text: string, start: number, floor: number): number {
  let i = start;
  while (i > floor && isAlphanumeric(text.charCodeAt(i - 1))) i--;
  return i;
}

/** Grows a part over the letters and digits on its right, up to `limit`. */
function wordEnd(text: string, end: number, limit: number): number {
  let i = Math.min(end, limit);
  while (i < limit && isAlphanumeric(text.charCodeAt(i))) i++;
  return i;
}

/** Disjoint, grown parts in order, from parts that each start at or after the one before. */
function mergeOrdered(bounds: Int32Array, text: string, limit: number): Int32Array {
  const merged = new Int32Array(bounds.length);
  let used = 0;
  let i = 0;
  while (i < bounds.length && bounds[i]! < limit) {
    const start = wordStart(text, bounds[i]!, used > 0 ? merged[used - 1]! : 0);
    let end = wordEnd(text, bounds[i + 1]!, limit);
    for (i += 2; i < bounds.length && bounds[i]! <= end; i += 2) {
      end = wordEnd(text, Math.max(end, bounds[i + 1]!), limit);
    }
    if (used > 0 && start <= merged[used - 1]!) merged[used - 1] = end;
    else {
      merged[used++] = start;
      merged[used++] = end;
    }
  }
  return merged.subarray(0, used);
}

/** Parts out of order: marked on a map of the text, then read off it left to right. */
function mergeMarked(bounds: Int32Array, text: string, limit: number): Int32Array {
  const marked = new Uint8Array(limit);
  for (let i = 0; i < bounds.length; i += 2) {
    if (bounds[i]! < limit) marked.fill(1, bounds[i]!, Math.min(bounds[i + 1]!, limit));
  }
  // At most as many runs as parts were marked.
  const ordered = new Int32Array(bounds.length);
  let used = 0;
  for (let start = marked.indexOf(1); start >= 0;) {
    const end = marked.indexOf(0, start);
    ordered[used++] = start;
    ordered[used++] = end < 0 ? limit : end;
    start = end < 0 ? -1 : marked.indexOf(1, end);
  }
  return mergeOrdered(ordered.subarray(0, used), text, limit);
}

/** The result as slices of the text joined around each replacement: few parts. */
function joinParts(text: string, merged: Int32Array, limit: number): string {
  const parts: string[] = [];
  let kept = 0;
  for (let i = 0; i < merged.length; i += 2) {
    parts.push(text.slice(kept, merged[i]), REDACTED);
    kept = merged[i + 1]!;
  }
  parts.push(text.slice(kept, limit));
  return parts.join("");
}

/** The result copied character by character into one array: many parts. */
function writeParts(text: string, merged: Int32Array, limit: number): string {
  let removed = 0;
  for (let i = 0; i < merged.length; i += 2) removed += merged[i + 1]! - merged[i]!;
  const length = limit - removed + (merged.length / 2) * REDACTED.length;
  if (TWO_BYTE.test(text)) {
    const out = copyParts(text, merged, limit, new Uint16Array(length));
    const chunks: string[] = [];
    for (let i = 0; i < out.length; i += 8192) chunks.push(String.fromCharCode(...out.subarray(i, i + 8192)));
    return chunks.join("");
  }
  const out = copyParts(text, merged, limit, new Uint8Array(length));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString("latin1");
}

/** Copies the kept characters and a {@link REDACTED} for each part into `out`. */
function copyParts<Out extends Uint8Array | Uint16Array>(
  text: string,
  merged: Int32Array,
  limit: number,
  out: Out,
): Out {
  let at = 0;
  let kept = 0;
  for (let i = 0; i < merged.length; i += 2) {
    for (let j = kept; j < merged[i]!; j++) out[at++] = text.charCodeAt(j);
    out.set(REDACTED_CODES, at);
    at += REDACTED_CODES.length;
    kept = merged[i + 1]!;
  }
  for (let j = kept; j < limit; j++) out[at++] = text.charCodeAt(j);
  return out;
}

const REDACTED_CODES = Uint8Array.from(REDACTED, (char) => char.charCodeAt(0));

/** A character that does not fit in a byte; without the global flag, so it keeps no state. */
const TWO_BYTE = /[^\u0000-\u00ff]/; // eslint-disable-line no-control-regex -- every byte, controls included
