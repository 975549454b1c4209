/**
 * The `azure-sdk-doctor` command, spawned from source as a user runs it: a process of its own with the
 * environment it is given (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, the api-key's variable) and nothing else
 * of this one's but what a process needs to start, on the Node that runs the specs or another release.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What the command printed and how it exited. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How {@link spawnDoctor} runs the command. */
export interface SpawnOptions {
  /** Variables to set; the parent's proxy and credential variables are never passed on. */
  env?: Record<string, string>;
  /** The Node binary. Defaults to the one running the specs. */
  node?: string;
  /** Node options before the command's script (`--use-system-ca`). */
  nodeArgs?: string[];
  /** How long the command may run. */
  timeoutMs?: number;
}

/** What a process needs from this one's environment to start, and nothing that changes its network. */
const PASSED_ON = ["PATH", "HOME", "TMPDIR", "SYSTEMROOT"];

/**
 * Runs the command from source with tsx and resolves with what it printed and its exit code; rejects
 * only when it did not exit (killed by the timeout).
 *
 * @param args - the command's arguments.
 * @param options - its environment, Node and time.
 */
export function spawnDoctor(args: readonly string[], options: SpawnOptions = {}): Promise<CommandRun> {
  const env: Record<string, string> = { ...options.env };
  for (const name of PASSED_ON) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      options.node ?? process.execPath,
      ["--import", "tsx", ...(options.nodeArgs ?? []), path.join("src", "cli", "main.ts"), ...args],
      { cwd: ROOT, env, timeout: options.timeoutMs ?? 100_000, killSignal: "SIGKILL", maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : undefined) : 0;
        if (code === undefined)
          reject(new Error(`azure-sdk-doctor did not exit: ${String(error)}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
