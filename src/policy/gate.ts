import { RestError, type PipelineRequest } from "@azure/core-rest-pipeline";
import { PREFLIGHT_FAILED } from "../codes.js";
import { originKey, originOf } from "../net/hosts.js";
import { abortError } from "../preflight/limits.js";
import { preflight } from "../preflight/preflight.js";
import type { PreflightOptions, PreflightReport } from "../preflight/types.js";

/**
 * Runs the preflight once per origin before the first request to it. Racing first requests share
 * one run; a passing report is kept for the life of the policy, a failing one is dropped so that a
 * fixed network recovers without a restart. Unless the options say otherwise, the run trusts the
 * roots the client trusts (its `tlsSettings` or agent `ca`) and takes the path the SDK chose: through
 * the proxy its proxyPolicy put on the request, or direct.
 *
 * @param options - the preflight's options.
 * @returns a function that gives the report for the request's origin: a kept passing one at once
 * (no promise, no await, on every request after the first), or a fresh run, or undefined for a URL
 * without an origin.
 */
export function createPreflightGate(
  options: PreflightOptions,
): (request: PipelineRequest) => PreflightReport | Promise<PreflightReport> | undefined {
  const runs = new Map<string, Promise<PreflightReport>>();
  const passed = new Map<string, PreflightReport>();

  return (request) => {
    const known = passed.get(originKey(request.url));
    if (known) return known;
    const origin = originOf(request.url);
    if (origin === undefined) return undefined;

    let run = runs.get(origin);
    if (!run) {
      // Shared by racing requests, so no single caller's abort signal may end it: the timeouts bound it.
      run = preflight(origin, { ...clientOptions(request), ...options, abortSignal: undefined });
      runs.set(origin, run);
      run.then(
        (report) => {
          runs.delete(origin);
          if (report.ok) passed.set(originKey(request.url), report);
        },
        () => runs.delete(origin),
      );
    }
    return request.abortSignal ? untilAborted(run, request.abortSignal) : run;
  };
}

/** The trust and proxy the client's own connection will use, read from what the SDK set on the request. */
function clientOptions(request: PipelineRequest): PreflightOptions {
  const agent = request.agent as { options?: { ca?: unknown }; proxy?: unknown } | undefined;
  // The SDK's proxyPolicy has already chosen (it reads NO_PROXY once per process): follow its choice.
  const found: PreflightOptions = { useEnvironmentProxy: false };
  const ca = pems(request.tlsSettings?.ca ?? agent?.options?.ca);
  if (ca) found.ca = ca;
  // When it chose a proxy, its agent on the request holds the proxy's URL.
  if (agent?.proxy instanceof URL) {
    const proxy = agent.proxy;
    found.proxyOptions = {
      host: `${proxy.protocol}//${proxy.hostname}`,
      port: Number(proxy.port) || (proxy.protocol === "https:" ? 443 : 80),
      username: proxy.username ? decodeURIComponent(proxy.username) : undefined,
      password: proxy.password ? decodeURIComponent(proxy.password) : undefined,
    };
  }
  return found;
}

function pems(value: unknown): string[] | undefined {
  const list = (Array.isArray(value) ? value : [value]).filter(
    (item): item is string | Buffer => typeof item === "string" || Buffer.isBuffer(item),
  );
  return list.length > 0 ? list.map(String) : undefined;
}

function untilAborted<T>(run: Promise<T>, signal: NonNullable<PipelineRequest["abortSignal"]>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The error thrown instead of sending a request whose origin failed the preflight: every failed
 * check is told, and the report is attached as `preflight`.
 *
 * @param report - the failed preflight.
 * @param request - the request that was not sent.
 */
export function preflightRefusal(report: PreflightReport, request: PipelineRequest): RestError {
  const failures = report.checks.filter((check) => check.status === "fail");
  // The certificate check names the issuer the tls check could only refuse, so every failure is told.
  const detail = failures.map((check) => check.summary).join(" ") || "no detail";
  const error = new RestError(
    `Preflight of ${report.endpoint} failed at the ${failures[0]?.id ?? "unknown"} check, so the request was not sent: ${detail}`,
    { code: PREFLIGHT_FAILED, request },
  );
  return Object.assign(error, { preflight: report });
}
