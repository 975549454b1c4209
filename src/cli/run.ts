import { preflight } from "../preflight/preflight.js";
import { redact } from "../redaction/index.js";
import { parseCommandLine, USAGE, UsageError, type DoctorOptions } from "./args.js";
import { cloudOf } from "./cloud.js";
import { callNotMade, examine } from "./examine.js";
import { passes, renderJson, renderText, wantsColour, type DoctorReport } from "./render.js";
import { packageVersion } from "./version.js";

/** Where the command writes. */
export interface OutputStream {
  write(text: string): unknown;
  /** Whether it is a terminal; colour is used only there. */
  isTTY?: boolean;
}

/** The command's surroundings: its output streams and its environment. */
export interface CommandIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
}

/** Exit statuses of the command. */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

/**
 * Runs the `azure-sdk-doctor` command: preflight, then with credentials one real call, then the report.
 *
 * @param argv - the arguments after the command name.
 * @param io - output streams and environment.
 * @returns the exit status: 0 when no check failed, 1 when one did, 2 for a usage error.
 */
export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const secrets: string[] = [];
  // Every byte leaves through here, so a key the service echoed back is removed like any other.
  const print = (stream: OutputStream, text: string): void => void stream.write(redact(text, secrets));
  try {
    return await runWith(argv, io, secrets, print);
  } catch (error) {
    print(
      io.stderr,
      `azure-sdk-doctor: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.problem;
  }
}

async function runWith(
  argv: readonly string[],
  io: CommandIo,
  secrets: string[],
  print: (stream: OutputStream, text: string) => void,
): Promise<number> {
  const usageError = (message: string): number => {
    print(io.stderr, `azure-sdk-doctor: ${message}\n\n${USAGE}`);
    return EXIT.usage;
  };

  let options: DoctorOptions;
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.kind === "help") return (print(io.stdout, USAGE), EXIT.ok);
    if (commandLine.kind === "version") return (print(io.stdout, `${packageVersion()}\n`), EXIT.ok);
    options = commandLine.options;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }

  let key: string | undefined;
  if (options.apiKeyEnv !== undefined) {
    key = io.env[options.apiKeyEnv];
    if (!key) return usageError("the environment variable named by --api-key-env is not set or is empty");
    secrets.push(key, encodeURIComponent(key));
  }

  let report: DoctorReport;
  try {
    report = await preflight(options.endpoint, { timeoutMs: options.timeoutMs });
  } catch (error) {
    if (error instanceof TypeError) return usageError(error.message);
    print(
      io.stderr,
      `azure-sdk-doctor: the preflight could not run: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.problem;
  }

  if (io.env.AZURE_CLIENT_SECRET) secrets.push(io.env.AZURE_CLIENT_SECRET);
  const credentialGiven = key !== undefined || options.entra;
  if (credentialGiven && report.ok) {
    const cloud = cloudOf(options.endpoint, options.cloud);
    report = { ...report, ...(await examine(options, cloud, key, io.env, (token) => secrets.push(token))) };
  } else {
    report = { ...report, call: callNotMade(options, key !== undefined, io.env) };
  }

  const ok = passes(report);
  if (options.json) {
    print(io.stdout, renderJson(report, ok));
  } else {
    const heading = `azure-sdk-doctor ${packageVersion()} · ${report.endpoint} · Node.js ${process.version}`;
    print(io.stdout, renderText(report, wantsColour(io.stdout.isTTY, io.env), heading));
  }
  return ok ? EXIT.ok : EXIT.problem;
}
