import type { PipelineRequest } from "@azure/core-rest-pipeline";
import type { PreflightOptions, PreflightReport } from "./types.js";
import { preflight } from "./preflight.js";

/**
 * Runs the preflight once per origin before the first request to it. Racing first requests share
 * one run; a passing report is kept for the life of the policy, a failing one is dropped so that a
 * fixed network recovers without a restart.
 *
 * @param options - the preflight's options.
 * @returns a function that resolves to the report for the request's origin (a kept passing one, or
 * a fresh run), or to undefined for a URL without an origin.
 */
export function createPreflightGate(
  options: PreflightOptions,
): (request: PipelineRequest) => Promise<PreflightReport | undefined> {
  const runs = new Map<string, Promise<PreflightReport>>();
  const passed = new Map<string, PreflightReport>();

  return async (request) => {
    const origin = originOf(request.url);
    if (origin === undefined) return undefined;
    const known = passed.get(origin);
    if (known) return known;

    let run = runs.get(origin);
    if (!run) {
      // Shared by racing requests, so no single caller's abort signal may end it: the timeouts bound it.
      run = preflight(origin, options);
      runs.set(origin, run);
      run.then(
        (report) => {
          runs.delete(origin);
          if (report.ok) passed.set(origin, report);
        },
        () => runs.delete(origin),
      );
    }
    return run;
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
