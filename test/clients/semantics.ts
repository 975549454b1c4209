/**
 * What a client call did, in a form two runs can be compared by: the value it returned, or the error it
 * threw (class, name, status, code, message and the fields the client's own code reads); and what the
 * policy logged. The specs run the same calls with no policy and with the policy at each position, and
 * require the same outcomes and the same requests on the wire.
 */
import assert from "node:assert/strict";
import util from "node:util";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { diagnose } from "../../src/index.js";
import { MARKER } from "../../src/report/enrich.js";

/** The facts of a thrown value that a caller, or the client's own code, reads. */
export interface ThrownFacts {
  class: string;
  name: unknown;
  statusCode: unknown;
  code: unknown;
  /** The message without the lines the policy adds, and with request ids and times made equal. */
  message: string;
  /** Fields each client family reads, picked by the spec. */
  fields: Record<string, unknown>;
}

/** What one call did. */
export type Outcome = { value: unknown } | { thrown: ThrownFacts };

/** Request ids, GUIDs, times and the names a run makes its own (`-r3`), which differ from run to run. */
const VARYING = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>"],
  [/-r\d+\b/g, "-r"],
  // ISO times, and Microsoft Entra ID's "Timestamp: 2026-11-29 09:01:02Z" (a space for the T).
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>"],
] as const;

/**
 * A message as a caller would compare it: without the policy's lines, and with what varies by run made equal.
 *
 * @param message - the error's message.
 */
export function plainMessage(message: unknown): string {
  let text = typeof message === "string" ? message : "";
  const marker = text.indexOf(MARKER);
  if (marker >= 0) text = text.slice(0, marker).replace(/\n$/, "");
  for (const [pattern, replacement] of VARYING) text = text.replace(pattern, replacement);
  return text;
}

/**
 * Runs a call and records what it did.
 *
 * @param call - the client call.
 * @param fields - the fields of a thrown value to compare.
 * @returns the outcome, and the thrown value itself.
 */
export async function outcomeOf(
  call: () => Promise<unknown>,
  fields: (thrown: Record<string, unknown>) => Record<string, unknown> = () => ({}),
): Promise<{ outcome: Outcome; thrown?: unknown }> {
  try {
    return { outcome: { value: normalised(await call()) } };
  } catch (thrown) {
    const error = thrown as Record<string, unknown>;
    return {
      thrown,
      outcome: {
        thrown: {
          class: (thrown as object).constructor?.name ?? typeof thrown,
          name: error.name,
          statusCode: error.statusCode,
          code: error.code,
          message: plainMessage(error.message),
          fields: normalised(fields(error)) as Record<string, unknown>,
        },
      },
    };
  }
}

function normalised(value: unknown): unknown {
  if (value === undefined) return undefined;
  let text = JSON.stringify(value) ?? "undefined";
  for (const [pattern, replacement] of VARYING) text = text.replace(pattern, replacement);
  return JSON.parse(text) as unknown;
}

/** What went on the wire, one line per request: method, path (api-version and run suffixes made equal), whether it carried Authorization. */
export function wireOf(
  requests: readonly { method: string; path: string; headers: Record<string, unknown> }[],
): string[] {
  return requests.map(
    (r) =>
      `${r.method} ${r.path.replace(/api(?:-|%2D)version=[^&]+/i, "api-version").replace(/-r\d+\b/g, "-r")} ${r.headers.authorization ? "auth" : "anonymous"}`,
  );
}

/** One call of a client family's spec: its name, the call, and the cause its failure must get, if it fails. */
export interface Step<Client> {
  name: string;
  call(client: Client, suffix: string): Promise<unknown>;
  cause?: string;
}

/** What a run of a spec's steps did: each step's outcome and thrown value, and the requests on the wire. */
export interface StepsRun {
  outcomes: Outcome[];
  thrown: unknown[];
  wire: string[];
}

/**
 * Runs a spec's steps in order on one client, and records what each did and what went on the wire.
 *
 * @param steps - the steps.
 * @param client - the client (or clients) the steps call.
 * @param suffix - what makes this run's names its own (`r3`).
 * @param fields - the fields of a thrown value to compare.
 * @param logs - the request logs of the stand-ins the steps reach; only what this run adds is read.
 */
export async function runSteps<Client>(
  steps: readonly Step<Client>[],
  client: Client,
  suffix: string,
  fields: (thrown: Record<string, unknown>) => Record<string, unknown>,
  logs: readonly (readonly { method: string; path: string; headers: Record<string, unknown> }[])[],
): Promise<StepsRun> {
  const before = logs.map((log) => log.length);
  const outcomes: Outcome[] = [];
  const thrown: unknown[] = [];
  for (const step of steps) {
    const result = await outcomeOf(() => step.call(client, suffix), fields);
    outcomes.push(result.outcome);
    thrown.push(result.thrown);
  }
  return { outcomes, thrown, wire: logs.flatMap((log, i) => wireOf(log.slice(before[i]))) };
}

/**
 * Asserts that the steps that threw are exactly those that name a cause.
 *
 * @param steps - the steps.
 * @param run - what a run of them did.
 */
export function assertFailedAsExpected(steps: readonly Step<never>[], run: StepsRun): void {
  assert.deepEqual(
    steps.filter((_step, i) => "thrown" in run.outcomes[i]!).map((step) => step.name),
    steps.filter((step) => step.cause).map((step) => step.name),
  );
}

/**
 * Asserts that `diagnose()` gives each failed step the cause it names.
 *
 * @param steps - the steps.
 * @param run - what a run of them did.
 */
export function assertCausesDiagnosed(steps: readonly Step<never>[], run: StepsRun): void {
  steps.forEach((step, i) => {
    if (step.cause) assert.equal(diagnose(run.thrown[i])?.cause, step.cause, step.name);
  });
}

/** The log lines of azure-sdk-doctor, while a block runs, at the level given. */
export interface LogCapture {
  /** Every line written, by any Azure SDK logger. */
  readonly all: string[];
  /** azure-sdk-doctor's warnings. */
  warnings(): string[];
  /** azure-sdk-doctor's verbose lines. */
  verbose(): string[];
}

/**
 * Captures `@azure/logger` output for each test of the calling block, at the verbose level.
 */
export function useLogCapture(): LogCapture {
  const all: string[] = [];
  let previousLog: typeof AzureLogger.log;
  let previousLevel: AzureLogLevel | undefined;
  beforeEach(() => {
    all.length = 0;
    previousLog = AzureLogger.log;
    previousLevel = getLogLevel();
    AzureLogger.log = (...args: unknown[]) => all.push(util.format(...args));
    setLogLevel("verbose");
  });
  afterEach(() => {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
  });
  return {
    all,
    warnings: () => all.filter((line) => line.startsWith("azure:azure-sdk-doctor:warning")),
    verbose: () => all.filter((line) => line.startsWith("azure:azure-sdk-doctor:verbose")),
  };
}

/**
 * Fails when any of the texts holds any of the secrets.
 *
 * @param texts - what was written: messages, logs, diagnoses.
 * @param secrets - the values that must not appear.
 */
export function assertNoSecretIn(texts: readonly string[], secrets: readonly string[]): void {
  for (const text of texts) {
    for (const secret of secrets) {
      if (secret.length >= 4 && text.includes(secret)) {
        throw new Error(`a secret appears in: ${text.slice(0, 200)}`);
      }
    }
  }
}

/**
 * What the policy may have written on a thrown value, and the diagnosis: its message, its stack and the
 * diagnosis. (The rest of a client's error is the client's own: Storage's `details` keep what the
 * service echoed, the policy or not.)
 *
 * @param thrown - the value.
 * @param diagnosis - its diagnosis.
 */
export function textsOf(thrown: unknown, diagnosis: unknown): string[] {
  const error = thrown as { message?: unknown; stack?: unknown; diagnosis?: unknown };
  return [
    String(error?.message),
    String(error?.stack),
    JSON.stringify(diagnosis) ?? "",
    JSON.stringify(error?.diagnosis) ?? "",
  ];
}
