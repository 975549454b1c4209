/**
 * The import graph of src/, type imports included, as TypeScript itself reads each file's imports:
 * for test/house.spec.ts, which fails on any circle and on any module that reaches back up the flow.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Each source file (relative to the root, `/`-separated) and the package files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * Reads every `.ts` file under a folder and the relative imports of each, `import type` included.
 *
 * @param root - the folder, such as `src`.
 */
export function importGraph(root: string): ImportGraph {
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.split(path.sep).join("/"));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files.sort()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) =>
        path.posix.normalize(path.posix.join(path.posix.dirname(file), name)).replace(/\.js$/, ".ts"),
      )
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every elementary circle of imports, each as the list of files around it, starting at its
 * alphabetically first file.
 *
 * @param graph - the import graph.
 */
export function importCircles(graph: ImportGraph): string[][] {
  const nodes = [...graph.keys()].sort();
  const circles: string[][] = [];
  nodes.forEach((start, startIndex) => {
    const walk = (file: string, trail: string[]): void => {
      for (const next of graph.get(file) ?? []) {
        if (next === start) circles.push([...trail]);
        else if (nodes.indexOf(next) > startIndex && !trail.includes(next)) walk(next, [...trail, next]);
      }
    };
    walk(start, [start]);
  });
  return circles;
}

/**
 * The flow of a failure through the package, upstream first: a module may import from its own step
 * and the ones before it, never from one after it.
 */
export const FLOW: readonly (readonly string[])[] = [
  ["types.ts", "codes.ts"],
  ["services.ts", "secrets.ts"],
  ["redaction/", "net/"],
  ["signals/"],
  ["catalog/"],
  ["diagnose.ts"],
  ["report/", "telemetry/"],
  ["preflight/"],
  ["policy/"],
  ["cli/"],
  ["index.ts"],
];

/**
 * The step of the flow a file belongs to.
 *
 * @param file - a file relative to src/.
 */
export function stepOf(file: string): number {
  return FLOW.findIndex((step) =>
    step.some((place) => (place.endsWith("/") ? file.startsWith(place) : file === place)),
  );
}

/**
 * Every import that reaches back up the flow, or from or to a file the flow does not place, as
 * `importer -> imported`.
 *
 * @param graph - the import graph of src/.
 */
export function backwardImports(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = stepOf(file);
      const to = stepOf(target);
      if (from < 0 || to < 0 || to > from) found.push(`${file} -> ${target}`);
    }
  }
  return found;
}
