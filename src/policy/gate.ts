import { RestError, type PipelineRequest } from "@azure/core-rest-pipeline";
import { PREFLIGHT_FAILED } from "../codes.js";
import { originKey, originOf } from "../net/hosts.js";
import { proxyFor, requestProxy, type ProxyRoute } from "../net/proxy.js";
import { abortError } from "../preflight/limits.js";
import { preflightThrough } from "../preflight/preflight.js";
import type { PreflightOptions, PreflightReport } from "../preflight/types.js";

/** How long a passing preflight is kept, in milliseconds: after that the next request checks again. */
export const PREFLIGHT_PASS_KEPT_MS = 10 * 60 * 1000;

/** The most passing results kept at once; past it the oldest is dropped. */
const MOST_KEPT = 512;

/** A passing preflight and when it stops counting. */
interface Kept {
  report: PreflightReport;
  until: number;
}

/** A key of its own for each path: its proxy's URL and the gate's options. */
interface Path {
  route: ProxyRoute | null | undefined;
  key: string;
}

/**
 * Passing preflights of this process, by origin, then path (proxy and options), then the roots
 * trusted: shared by every policy, so that an app making a client per request (a serverless handler)
 * pays one handshake per origin, not one per client.
 */
const passed = new Map<string, Map<string, Map<string, Kept>>>();

/** Runs under way, by the same keys joined: racing first requests, from any client, share one. */
const runs = new Map<string, Promise<PreflightReport>>();

/** The roots a client passed as an array or a Buffer, as the run's option and a key. */
interface Roots {
  ca: string[];
  key: string;
}

/** The roots of each `ca` value clients passed, read once per value. */
const rootsOf = new WeakMap<object, Roots | null>();

/**
 * Runs the preflight once per origin and TLS setting before the first request to it, for the whole
 * process. Racing first requests share one run; a passing report is kept for
 * {@link PREFLIGHT_PASS_KEPT_MS}, a failing one is not, so that a fixed network recovers without a
 * restart. Unless the options say otherwise, the run trusts the roots the client trusts (its
 * `tlsSettings` or agent `ca`) and takes the path the SDK chose: through the proxy its proxyPolicy put
 * on the request, named by where it came from, or direct.
 *
 * @param options - the preflight's options.
 * @returns a function that gives the report for the request's origin: a kept passing one at once
 * (no promise, no await, on every request after the first), or a fresh run, or undefined for a URL
 * without an origin.
 */
export function createPreflightGate(
  options: PreflightOptions,
): (request: PipelineRequest) => PreflightReport | Promise<PreflightReport> | undefined {
  const setting = `${options.allowLoopbackHttp === false ? "strict" : "loopback"} ${options.useEnvironmentProxy === true ? "environment" : "client"}`;
  const direct: Path = { route: null, key: `\n${setting}` };
  // Proxy options of the preflight's own name one proxy for every request; NO_PROXY does not apply to them.
  const fixed = options.proxyOptions
    ? pathOf(proxyFor(new URL("https://localhost"), options.proxyOptions, {}).proxy ?? null, setting)
    : options.useEnvironmentProxy === true
      ? { route: undefined, key: `environment\n${setting}` }
      : undefined;
  const paths = new WeakMap<object, Path>();
  const pathFor = (request: PipelineRequest): Path => {
    if (fixed) return fixed;
    const agent = request.agent as object | undefined;
    if (!agent) return direct;
    let path = paths.get(agent);
    if (!path) {
      // The SDK's proxyPolicy has already chosen (it reads NO_PROXY once per process): follow its choice.
      path = pathOf(requestProxy(request) ?? null, setting);
      paths.set(agent, path);
    }
    return path;
  };

  return (request) => {
    const path = pathFor(request);
    const origin = originKey(request.url);
    const ca: unknown = options.ca ?? clientCa(request);
    const roots = typeof ca === "string" ? ca : (rootsFrom(ca)?.key ?? "");
    const known = passed.get(origin)?.get(path.key)?.get(roots);
    if (known && known.until > Date.now()) return known.report;
    const endpoint = originOf(request.url);
    if (endpoint === undefined) return undefined;

    const key = `${origin}\n${path.key}\n${roots}`;
    let run = runs.get(key);
    if (!run) {
      // Shared by racing requests, so no single caller's abort signal may end it: the timeouts bound it.
      const runOptions: PreflightOptions = { ...options, abortSignal: undefined };
      if (roots !== "") runOptions.ca = typeof ca === "string" ? ca : rootsFrom(ca)?.ca;
      run = preflightThrough(endpoint, runOptions, path.route);
      runs.set(key, run);
      run.then(
        (report) => {
          runs.delete(key);
          if (report.ok) keep(origin, path.key, roots, report);
        },
        () => runs.delete(key),
      );
    }
    return request.abortSignal ? untilAborted(run, request.abortSignal) : run;
  };
}

/** Forgets every kept preflight of this process, as a new process would start. */
export function forgetPreflights(): void {
  passed.clear();
}

function pathOf(route: ProxyRoute | null, setting: string): Path {
  return { route, key: `${route?.url.href ?? ""}\n${setting}` };
}

function keep(origin: string, path: string, roots: string, report: PreflightReport): void {
  let byPath = passed.get(origin);
  if (!byPath) {
    if (passed.size >= MOST_KEPT) passed.delete(passed.keys().next().value as string);
    byPath = new Map();
    passed.set(origin, byPath);
  }
  let byRoots = byPath.get(path);
  if (!byRoots) {
    byRoots = new Map();
    byPath.set(path, byRoots);
  }
  byRoots.set(roots, { report, until: Date.now() + PREFLIGHT_PASS_KEPT_MS });
}

/** The roots the client's own connection trusts, as the SDK set them on the request. */
function clientCa(request: PipelineRequest): unknown {
  const agent = request.agent as { options?: { ca?: unknown } } | undefined;
  return request.tlsSettings?.ca ?? agent?.options?.ca;
}

/** An array or Buffer of roots as PEM strings and a key, read once per value. */
function rootsFrom(value: unknown): Roots | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  let roots = rootsOf.get(value);
  if (roots === undefined) {
    const list = (Array.isArray(value) ? value : [value])
      .filter((item): item is string | Buffer => typeof item === "string" || Buffer.isBuffer(item))
      .map(String);
    roots = list.length > 0 ? { ca: list, key: list.join("\n") } : null;
    rootsOf.set(value, roots);
  }
  return roots ?? undefined;
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
