import { readFileSync } from "node:fs";
import path from "node:path";
import { here } from "./here.js";

/** The version of this package, read from its package.json, which sits above src/ and dist/. */
export function packageVersion(): string {
  let dir = here;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === "azure-sdk-doctor" && typeof manifest.version === "string")
        return manifest.version;
    } catch {
      // No readable package.json here; dist/'s dialect markers have no name either: look one level up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}
