/**
 * The `azure-sdk-doctor` command, spawned from source as a user runs it: a process of its own with the
 * environment it is given (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, the api-key's variable) and nothing else
 * from this one's proxy settings, on the Node that runs the specs or another release.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One check or the call, as the command's JSON report writes it. */
export interface ReportLine {
  id?: string;
  status: string;
  summary: string;
  diagnosis?: {
    cause: string;
    confidence: string;
    detail?: string;
    remediation: string[];
  };
}

/** What one run printed and how it exited. */
export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
  /** With `--json`: the report. */
  report?: { ok: boolean; checks: ReportLine[]; call?: ReportLine };
}

/** What {@link doctor} runs. */
export interface DoctorOptions {
  /** Variables to set; the parent's proxy variables are never passed on. */
  env?: Record<string, string>;
  /** The Node binary. Defaults to the one running the specs. */
  node?: string;
}

/**
 * Runs the command and returns what it printed, parsed when `--json` is among the arguments.
 *
 * @param args - the command's arguments.
 * @param options - its environment and Node.
 */
export function doctor(args: string[], options: DoctorOptions = {}): Promise<DoctorRun> {
  const env: Record<string, string> = { ...options.env };
  for (const name of ["PATH", "HOME", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      options.node ?? process.execPath,
      ["--import", "tsx", path.join("src", "cli", "main.ts"), ...args],
      { cwd: ROOT, env, timeout: 90_000, killSignal: "SIGKILL", maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : undefined) : 0;
        if (code === undefined) {
          reject(new Error(`azure-sdk-doctor did not exit: ${String(error)}\n${stderr}`));
          return;
        }
        const run: DoctorRun = { code, stdout, stderr };
        if (args.includes("--json")) run.report = JSON.parse(stdout) as DoctorRun["report"];
        resolve(run);
      },
    );
  });
}

/**
 * Runs many commands, a few at a time: each starts a Node process with tsx.
 *
 * @param runs - the arguments and options of each.
 * @param parallel - how many run at once.
 */
export async function doctorAll(
  runs: readonly { args: string[]; options?: DoctorOptions }[],
  parallel = 4,
): Promise<DoctorRun[]> {
  const results: DoctorRun[] = new Array(runs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const index = next++;
      const run = runs[index]!;
      results[index] = await doctor(run.args, run.options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, runs.length) }, worker));
  return results;
}

/**
 * A check of a JSON report by id.
 *
 * @param run - the command's run, with `--json`.
 * @param id - the check's id.
 */
export function checkOf(run: DoctorRun, id: string): ReportLine | undefined {
  return run.report?.checks.find((check) => check.id === id);
}
