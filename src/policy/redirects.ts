import { RestError, type PipelineRequest } from "@azure/core-rest-pipeline";
import { PREFLIGHT_FAILED } from "../codes.js";
import { originKey, originOf } from "../net/hosts.js";
import type { PreflightReport } from "../preflight/types.js";
import type { LeaveCheck } from "./guard.js";

/** The gate's answer for a request: a kept passing report at once, a run, or nothing for a URL without an origin. */
export type Gate = (request: PipelineRequest) => PreflightReport | Promise<PreflightReport> | undefined;

/** The refusals of an origin whose preflight had not passed, with the preflight they started. */
const pending = new WeakMap<object, Promise<PreflightReport>>();

/**
 * The preflight a refusal started, when the error is one: the policy waits for it, then sends the
 * request there if it passed or tells why it failed.
 *
 * @param error - anything thrown.
 */
export function pendingPreflight(error: unknown): Promise<PreflightReport> | undefined {
  return typeof error === "object" && error !== null ? pending.get(error) : undefined;
}

/**
 * The check that keeps a request from an origin the preflight has not passed, as it leaves: the
 * origin it started at was checked before the request went on, so only another one, which a redirect
 * led to, is looked up. A getter cannot wait, so an origin without a kept passing result is refused
 * for this attempt while its preflight starts; the policy waits for that run.
 *
 * @param gate - the policy's preflight gate.
 * @param entry - the URL the request had when the policy checked it.
 * @param next - the check to run as well.
 */
export function refuseUnchecked(gate: Gate, entry: string, next: LeaveCheck | undefined): LeaveCheck {
  const checked = originKey(entry);
  return (request, url) => {
    next?.(request, url);
    if (originKey(url) === checked) return;
    const result = gate(request);
    if (result === undefined || !(result instanceof Promise)) return;
    // Awaited by the policy; a rejection before then must not go unhandled.
    result.catch(() => undefined);
    const origin = originOf(url) ?? "the redirect's target";
    const refusal = new RestError(
      `No preflight of ${origin} has passed yet (a redirect led the request there), so the request was not sent there; its preflight has started.`,
      { code: PREFLIGHT_FAILED, request },
    );
    pending.set(refusal, result);
    throw refusal;
  };
}
