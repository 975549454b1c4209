/**
 * Other Node.js releases for the network specs, installed on demand from the npm registry (the
 * `node-<platform>-<arch>` packages the `node` package itself pulls) into a cache dir outside the
 * repository, once per version.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where releases are kept: AZURE_SDK_DOCTOR_NODE_CACHE, or ~/.cache/azure-sdk-doctor/node. */
export const NODE_CACHE =
  process.env.AZURE_SDK_DOCTOR_NODE_CACHE ?? path.join(os.homedir(), ".cache", "azure-sdk-doctor", "node");

/**
 * The path of a Node binary of the given version, installed first if the cache lacks it.
 *
 * @param version - an exact version, such as "22.12.0".
 */
export function nodeRelease(version: string): string {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(NODE_CACHE, version);
  const binary = path.join(dir, "node_modules", pkg, "bin", "node");
  if (!existsSync(binary)) {
    execFileSync(
      "npm",
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, `${pkg}@${version}`],
      {
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 300_000,
      },
    );
  }
  return binary;
}
