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
const DOCS_WRITE = /\/docs\/(search\.)?index$/i;
const RETRIEVE = /retrieve/i;

/**
 * What a Search request does, from its path. Document reads are the only operations a
 * query key may make: search, suggest, autocomplete, lookup and count.
 *
 * @param pathname - the URL path, such as `/indexes('hotels')/docs/$count`.
 */
export function operationOf(pathname: string): OperationKind {
  const path = pathname.includes("%") ? safeDecode(pathname) : pathname;
  const collection = firstSegment(path).toLowerCase();
  if (collection === "indexes" && DOCS_SEGMENT.test(path)) {
    return DOCS_WRITE.test(path) ? "documentWrite" : "documentRead";
  }
  if (collection === "knowledgebases" && RETRIEVE.test(path)) return "documentRead";
  return MANAGEMENT_COLLECTIONS.get(collection) ?? "other";
}

/** The first segment of a path, without a `('key')` suffix. */
function firstSegment(path: string): string {
  const start = path.startsWith("/") ? 1 : 0;
  for (let i = start; i < path.length; i++) {
    const char = path[i];
    if (char === "/" || char === "(") return path.slice(start, i);
  }
  return path.slice(start);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
