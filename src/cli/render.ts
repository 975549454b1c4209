import { styleText } from "node:util";
import type { CauseId } from "../catalog/index.js";
import type { Diagnosis } from "../types.js";
import type { PreflightCheck, PreflightReport, PreflightStatus } from "../preflight/types.js";
import type { CallResult } from "./call.js";
import { factLines } from "./service/lines.js";
import type { ServiceSection } from "./service/types.js";

/** What the command found: the preflight's report, what Resource Manager said, and the call's result. */
export interface DoctorReport extends PreflightReport {
  /** What was read about the service through Resource Manager, present with `--entra`. */
  service?: ServiceSection;
  /** The real call, or why none was made. */
  call?: CallResult;
}

const MARKS: Record<PreflightStatus, string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" };
const MARK_STYLES: Record<PreflightStatus, Parameters<typeof styleText>[0]> = {
  pass: "green",
  warn: "yellow",
  fail: "red",
  skip: "gray",
};

/** The width of the check name column. */
const NAME_WIDTH = 12;

/**
 * Whether to colour the output: only on a terminal, never with NO_COLOR; FORCE_COLOR turns it on
 * where NO_COLOR is unset.
 *
 * @param isTTY - whether stdout is a terminal.
 * @param env - the environment.
 */
export function wantsColour(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTTY === true;
}

/**
 * The report as text in the manner of `flutter doctor`: a line per check, the remediation under each
 * warning and failure, the call's line, and a closing summary.
 *
 * @param report - what the command found.
 * @param colour - whether to add ANSI colours.
 * @param heading - the first line, naming the tool, endpoint and runtime.
 */
export function renderText(report: DoctorReport, colour: boolean, heading: string): string {
  const style = (format: Parameters<typeof styleText>[0], text: string): string =>
    colour ? styleText(format, text, { validateStream: false }) : text;
  const lines = [style("bold", heading), ""];
  const explained = new Set<string>();
  const lineOf = (
    name: string,
    status: PreflightStatus,
    summary: string,
    diagnosis: Diagnosis<CauseId> | undefined,
    call?: CallResult,
  ): void => {
    const cause =
      diagnosis && (status === "warn" || status === "fail")
        ? ` ${style("bold", `[${call?.between?.join(" or ") ?? causeLabel(diagnosis)}]`)}`
        : "";
    lines.push(`${style(MARK_STYLES[status], MARKS[status])} ${name.padEnd(NAME_WIDTH)}${summary}${cause}`);
    // The credential's own text, which the first step of its cause refers to.
    for (const line of call?.error?.split("\n") ?? []) lines.push(`    ${style("dim", "│")} ${line}`);
    if (call?.basis && diagnosis && (status === "warn" || status === "fail")) {
      lines.push(`    Exact: ${call.basis}.`);
    }
    if (!diagnosis || (status !== "warn" && status !== "fail")) return;
    // What this failure itself showed: the product and page that answered, the cipher, the issuer.
    if (diagnosis.detail && !explained.has(diagnosis.cause)) lines.push(`    Seen: ${diagnosis.detail}`);
    // Two checks often fail for one cause (tls and certificate): its steps are worth reading once.
    if (explained.has(diagnosis.cause)) {
      lines.push(`    • The steps for ${diagnosis.cause} are above.`);
      return;
    }
    explained.add(diagnosis.cause);
    // "Run azure-sdk-doctor" is advice for the application's log, not for this report.
    for (const step of diagnosis.remediation.filter((text) => !text.includes("azure-sdk-doctor"))) {
      lines.push(`    • ${step}`);
    }
    for (const link of diagnosis.docs) lines.push(`    ${style("dim", "See")} ${link}`);
  };
  for (const check of report.checks) lineOf(check.id, check.status, check.summary, check.diagnosis);
  const facts = factLines(report.service, report.call);
  for (const fact of facts) lineOf(fact.name, fact.status, fact.summary, undefined);
  if (report.call)
    lineOf("call", report.call.status, report.call.summary, report.call.diagnosis, report.call);

  const outcomes: { status: PreflightStatus }[] = [
    ...report.checks,
    ...facts,
    ...(report.call ? [report.call] : []),
  ];
  const failures = outcomes.filter((o) => o.status === "fail").length;
  const warnings = outcomes.filter((o) => o.status === "warn").length;
  const problems = failures + warnings;
  lines.push("");
  lines.push(
    problems === 0
      ? style(
          ["bold", "green"],
          report.call?.credential === "none"
            ? "No issues found in the preflight; no call was made."
            : "No issues found.",
        )
      : style(
          ["bold", failures > 0 ? "red" : "yellow"],
          `${problems} ${problems === 1 ? "problem" : "problems"}: ${plural(failures, "failure")}, ${plural(warnings, "warning")}.`,
        ),
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The report as JSON: `{ endpoint, ok, checks, tls, service?, call? }`.
 *
 * @param report - what the command found.
 * @param ok - whether the command succeeds.
 */
export function renderJson(report: DoctorReport, ok: boolean): string {
  const { endpoint, checks, tls, service, call } = report;
  return `${JSON.stringify({ endpoint, ok, checks, tls, service, call }, null, 2)}\n`;
}

/**
 * Whether a report passes: no check failed, no fact read about the service or the token failed, and
 * the call, if made, did not fail.
 *
 * @param report - what the command found.
 */
export function passes(report: DoctorReport): boolean {
  return (
    report.ok &&
    !report.checks.some((check: PreflightCheck) => check.status === "fail") &&
    !factLines(report.service, report.call).some((fact) => fact.status === "fail") &&
    report.call?.status !== "fail"
  );
}

function causeLabel(diagnosis: Diagnosis<CauseId>): string {
  return diagnosis.confidence === "inferred" ? `${diagnosis.cause}, likely` : diagnosis.cause;
}

function plural(count: number, word: string): string {
  return `${count} ${count === 1 ? word : `${word}s`}`;
}
