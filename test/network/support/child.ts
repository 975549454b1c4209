/**
 * Runs a {@link probe} in a child Node process, with the environment it is given and nothing else
 * from this one's proxy settings: the way to test HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS, which
 * a process reads once, and to run the same probe on another Node release.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Probe, ProbeTarget } from "./probe.js";

const MAIN = fileURLToPath(new URL("./probeMain.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const PROXY_VARIABLES = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"].flatMap((name) => [
  name,
  name.toLowerCase(),
]);

/** How {@link probeInChild} starts the child. */
export interface ChildOptions {
  /** Variables to set; the parent's proxy variables are never passed on. */
  env?: Record<string, string>;
  /** The Node binary. Defaults to the one running the specs. */
  node?: string;
}

/**
 * Probes a target from a child process and returns what it recorded.
 *
 * @param target - the endpoint, key, proxy and bound.
 * @param options - the child's environment and Node.
 */
export function probeInChild(target: ProbeTarget, options: ChildOptions = {}): Promise<Probe> {
  return runChild(target, 1, options) as Promise<Probe>;
}

/**
 * Probes several targets one after another from one child process.
 *
 * @param targets - the endpoints, keys, proxies and bounds.
 * @param options - the child's environment and Node.
 */
export function probeAllInChild(targets: ProbeTarget[], options: ChildOptions = {}): Promise<Probe[]> {
  return runChild(targets, targets.length, options) as Promise<Probe[]>;
}

function runChild(
  input: ProbeTarget | ProbeTarget[],
  count: number,
  options: ChildOptions,
): Promise<unknown> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PROXY_VARIABLES) delete env[name];
  Object.assign(env, options.env);
  // Four bounded calls per target, plus start-up: more than that is a hang of its own.
  const bound = Math.max(...[input].flat().map((target) => target.timeoutMs ?? 8000));
  const limit = count * 4 * (bound + 1000) + 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      options.node ?? process.execPath,
      ["--import", "tsx", MAIN, JSON.stringify(input)],
      { cwd: ROOT, env, timeout: limit, killSignal: "SIGKILL", maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`probe child failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
