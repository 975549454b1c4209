/**
 * The `azure-sdk-doctor` command as the network specs run it: its JSON report parsed, many runs a few
 * at a time.
 */
import { spawnDoctor, type CommandRun } from "../../support/doctor.js";

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
export interface DoctorRun extends CommandRun {
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
export async function doctor(args: string[], options: DoctorOptions = {}): Promise<DoctorRun> {
  const run: DoctorRun = await spawnDoctor(args, { ...options, timeoutMs: 90_000 });
  if (args.includes("--json")) run.report = JSON.parse(run.stdout) as DoctorRun["report"];
  return run;
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
