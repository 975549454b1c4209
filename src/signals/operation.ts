import { isUpperCase } from "../redaction/text.js";
import type { OperationKind } from "../types.js";

const MANAGEMENT_COLLECTIONS: ReadonlyMap<string, OperationKind> = new Map([
  ["indexes", "indexManagement"],
  ["indexers", "indexerManagement"],
  ["datasources", "dataSourceManagement"],
  ["skillsets", "skillsetManagement"],
  ["synonymmaps", "synonymMapManagement"],
  ["aliases", "aliasManagement"],
  ["knowledgebases", "knowledgeManagement"],
  ["knowledgesources", "knowledgeManagement"],
  ["agents", "knowledgeManagement"],
  ["servicestats", "serviceStatistics"],
]);

const DOCS_SEGMENT = /\/docs\b/i;
const RETRIEVE = /retrieve/i;

/** The ends of a document write's path, `/docs/index` and `/docs/search.index`, compared without case. */
const DOCS_WRITE_ENDS = ["/docs/index", "/docs/search.index"];

/**
 * What a Search request does, from its path. Document reads are the only operations a
 * query key may make: search, suggest, autocomplete, lookup and count.
 *
 * @param pathname - the URL path, such as `/indexes('hotels')/docs/$count`.
 */
export function operationOf(pathname: string): OperationKind {
  const path = pathname.includes("%") ? safeDecode(pathname) : pathname;
  const collection = firstSegment(path);
  if (collection === "indexes" && DOCS_SEGMENT.test(path)) {
    return DOCS_WRITE_ENDS.some((end) => endsCaseless(path, end)) ? "documentWrite" : "documentRead";
  }
  if (collection === "knowledgebases" && RETRIEVE.test(path)) return "documentRead";
  return MANAGEMENT_COLLECTIONS.get(collection) ?? "other";
}

/**
 * Whether `text` ends with `end`, a lower-case ASCII word, its letters in any case: as a pattern with
 * the `i` flag reads it (`/\/docs\/index$/i`), which V8 tries at every position of the path.
 */
function endsCaseless(text: string, end: string): boolean {
  const start = text.length - end.length;
  if (start < 0) return false;
  for (let i = 0; i < end.length; i++) {
    const wanted = end.charCodeAt(i);
    const code = text.charCodeAt(start + i);
    if (code !== wanted && !(wanted >= 0x61 && wanted <= 0x7a && (code | 0x20) === wanted)) return false;
  }
  return true;
}

const SLASH = 0x2f;
const OPEN_PARENTHESIS = 0x28;

/** The first segment of a path in lower case, without a `('key')` suffix. */
function firstSegment(path: string): string {
  const start = path.charCodeAt(0) === SLASH ? 1 : 0;
  let end = start;
  let upper = false;
  for (; end < path.length; end++) {
    const code = path.charCodeAt(end);
    if (code === SLASH || code === OPEN_PARENTHESIS) break;
    if (isUpperCase(code)) upper = true;
  }
  const segment = path.slice(start, end);
  return upper ? segment.toLowerCase() : segment;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
