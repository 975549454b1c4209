/**
 * What a user sees when one call goes to a real endpoint or through a real proxy: the real SearchClient
 * without the policy, with `diagnosisPolicy()`, with the policy's preflight on, and `preflight()` alone.
 * Each call is bounded, so a client that hangs is recorded as hung instead of hanging the spec.
 */
import util from "node:util";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy, preflight, type DiagnosisPolicyOptions } from "../../../src/index.js";
import { forgetPreflights } from "../../../src/policy/gate.js";

/** Where a probe sends its call. */
export interface ProbeTarget {
  /** The Search endpoint, such as https://localhost:8443. */
  endpoint: string;
  /** The api-key. Defaults to a made-up one: the stand-in refuses it, nothing else reads it. */
  apiKey?: string;
  /** The SDK's `proxyOptions`; without it the SDK reads HTTPS_PROXY and NO_PROXY. */
  proxyOptions?: { host: string; port: number; username?: string; password?: string };
  /** The longest a call may take before it counts as hung. Defaults to 8000 ms. */
  timeoutMs?: number;
}

/** How one call ended. */
export interface CallOutcome {
  /** True when the call returned. */
  ok: boolean;
  /** True when the bound ran out before the call ended. */
  hung?: boolean;
  /** For a hung call: true when aborting its signal did not end it either (within a second). */
  abortIgnored?: boolean;
  /** `error.name`, such as RestError or TypeError. */
  name?: string;
  /** `error.code`. */
  code?: string;
  /** `error.statusCode`. */
  statusCode?: number;
  /** The error's own message, first line, before any text the policy added. */
  message?: string;
  /** `diagnose(error)`'s cause: attached by the policy, or classified from the bare error. */
  cause?: string;
  /** That diagnosis's category, confidence, summary and detail (what the failure itself showed). */
  category?: string;
  confidence?: string;
  summary?: string;
  detail?: string;
  /** For an HTTP answer: what answered, from `error.response`. */
  answer?: Answer;
  /** For an HTTP answer: its body, up to 500 characters. */
  body?: string;
  /**
   * Which secrets (the api-key, the proxy's password from proxyOptions or HTTPS_PROXY) show in the
   * error's message, its `util.inspect` or its diagnosis.
   */
  leaks?: string[];
}

/** The facts of an HTTP answer that tell who sent it. */
export interface Answer {
  server?: string;
  via?: string;
  contentType?: string;
  /** Squid's `X-Squid-Error`. */
  squidError?: string;
  /** The challenge: `Proxy-Authenticate`, or `WWW-Authenticate`. */
  challenge?: string;
  /** Azure's request id header, which only the service sends. */
  requestId?: string;
  /** The HTML page's title, or else the body's first line, up to 120 characters. */
  excerpt?: string;
}

function answerOf(response: unknown): Answer | undefined {
  const { headers, bodyAsText } = (response ?? {}) as {
    headers?: { get(name: string): string | undefined };
    bodyAsText?: string | null;
  };
  if (!headers) return undefined;
  const body = bodyAsText ?? "";
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  const line = (title ?? body.split("\n").find((text) => text.trim()) ?? "").trim().slice(0, 120);
  return {
    server: headers.get("server"),
    via: headers.get("via"),
    contentType: headers.get("content-type"),
    squidError: headers.get("x-squid-error"),
    challenge: headers.get("proxy-authenticate") ?? headers.get("www-authenticate"),
    requestId: headers.get("request-id") ?? headers.get("x-ms-request-id"),
    excerpt: line || undefined,
  };
}

/** How `preflight()` judged the endpoint. */
export interface PreflightOutcome {
  ok: boolean;
  /** The first failed (or else warned) check: its id, cause and summary. */
  check?: string;
  cause?: string;
  category?: string;
  confidence?: string;
  detail?: string;
  summary?: string;
  /** The certificate check's summary, when it ran. */
  certificate?: string;
  /** Which of the probe's secrets show anywhere in the report. */
  leaks?: string[];
}

/** Everything one probe records. */
export interface Probe {
  bare: CallOutcome;
  policy: CallOutcome;
  gated: CallOutcome;
  preflight: PreflightOutcome;
}

/** Starts the text the policy adds to a message. */
const MARKER = "[azure-sdk-doctor]";

/** The secrets a probe's calls carry, by name. */
function secretsOf(target: ProbeTarget): Record<string, string> {
  const secrets: Record<string, string> = { apiKey: target.apiKey ?? DEFAULT_KEY };
  const fromEnv = process.env.HTTPS_PROXY ?? process.env.https_proxy;
  const password =
    target.proxyOptions?.password ?? (fromEnv ? decodeURIComponent(new URL(fromEnv).password) : "");
  if (password) secrets.proxyPassword = password;
  return secrets;
}

const DEFAULT_KEY = "probe-key-not-a-real-one-0123456789";

function outcomeOf(error: unknown, secrets: Record<string, string>): CallOutcome {
  const record = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const message = typeof record.message === "string" ? record.message : String(error);
  const diagnosis = diagnose(error);
  return {
    ok: false,
    name: typeof record.name === "string" ? record.name : undefined,
    code: typeof record.code === "string" ? record.code : undefined,
    statusCode: typeof record.statusCode === "number" ? record.statusCode : undefined,
    message: message.split(MARKER)[0]?.split("\n")[0]?.trim(),
    cause: diagnosis?.cause,
    category: diagnosis?.category,
    confidence: diagnosis?.confidence,
    summary: diagnosis?.summary,
    detail: diagnosis?.detail,
    answer: answerOf(record.response),
    body: bodyOf(record.response),
    leaks: leaksOf([message, util.inspect(error), JSON.stringify(diagnosis ?? {})].join("\n"), secrets),
  };
}

function bodyOf(response: unknown): string | undefined {
  const text = (response as { bodyAsText?: string | null } | undefined)?.bodyAsText;
  return text ? text.slice(0, 500) : undefined;
}

function leaksOf(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

async function call(target: ProbeTarget, policy: DiagnosisPolicyOptions | undefined): Promise<CallOutcome> {
  const timeoutMs = target.timeoutMs ?? 8000;
  const client = new SearchClient<Record<string, unknown>>(
    target.endpoint,
    "hotels",
    new AzureKeyCredential(target.apiKey ?? DEFAULT_KEY),
    {
      retryOptions: { maxRetries: 0 },
      proxyOptions: target.proxyOptions,
      additionalPolicies: policy ? [{ policy: diagnosisPolicy(policy), position: "perCall" }] : [],
    },
  );
  const abort = new AbortController();
  const settled = client.getDocumentsCount({ abortSignal: abort.signal }).then(
    (): CallOutcome => ({ ok: true }),
    (error: unknown): CallOutcome =>
      abort.signal.aborted ? { ok: false, hung: true } : outcomeOf(error, secretsOf(target)),
  );
  const first = await Promise.race([settled, pause(timeoutMs)]);
  if (first) return first;
  abort.abort();
  // The SDK's proxy agent can ignore the signal: give it a second, then leave the call pending.
  return (await Promise.race([settled, pause(1000)])) ?? { ok: false, hung: true, abortIgnored: true };
}

const pause = (ms: number): Promise<undefined> =>
  new Promise((resolve) => setTimeout(() => resolve(undefined), ms));

async function preflightOutcome(target: ProbeTarget): Promise<PreflightOutcome> {
  const report = await preflight(target.endpoint, {
    timeoutMs: target.timeoutMs ?? 8000,
    ...(target.proxyOptions ? { proxyOptions: target.proxyOptions } : {}),
  });
  const worst =
    report.checks.find((check) => check.status === "fail") ??
    report.checks.find((check) => check.status === "warn");
  return {
    ok: report.ok,
    check: worst?.id,
    cause: worst?.diagnosis?.cause,
    category: worst?.diagnosis?.category,
    confidence: worst?.diagnosis?.confidence,
    detail: worst?.diagnosis?.detail,
    summary: worst?.summary,
    certificate: report.checks.find((check) => check.id === "certificate")?.summary,
    leaks: leaksOf(JSON.stringify(report), secretsOf(target)),
  };
}

/**
 * Makes the same call four ways: bare client, with the policy, with the policy's preflight, and
 * `preflight()` alone.
 *
 * @param target - the endpoint, key, proxy and bound.
 */
export async function probe(target: ProbeTarget): Promise<Probe> {
  const timeoutMs = target.timeoutMs ?? 8000;
  // Each probe is a user's first call, as in a new process: no preflight passed before it counts.
  forgetPreflights();
  return {
    bare: await call(target, undefined),
    policy: await call(target, {}),
    gated: await call(target, { preflight: { timeoutMs } }),
    preflight: await preflightOutcome(target),
  };
}

/**
 * The SDK's `proxyOptions` for a proxy URL.
 *
 * @param url - such as http://127.0.0.1:3128.
 * @param username - for basic auth.
 * @param password - for basic auth.
 */
export function proxyOptionsOf(
  url: string,
  username?: string,
  password?: string,
): ProbeTarget["proxyOptions"] {
  const parsed = new URL(url);
  return { host: `${parsed.protocol}//${parsed.hostname}`, port: Number(parsed.port), username, password };
}

/** Categories that blame the path to the service, never the service or the caller's Azure setup. */
export const PATH_CATEGORIES = ["gateway", "network"];
