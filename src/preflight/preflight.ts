import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { CauseId } from "../catalog/index.js";
import { diagnosisOf } from "../diagnose.js";
import { bare } from "../net/hosts.js";
import { prepareSecrets, proxyCredentials, redact, type PreparedSecrets } from "../redaction/index.js";
import type { Diagnosis } from "../types.js";
import { checkTrustedCertificate, presentedByPeer } from "./checks/certificate.js";
import { describeAddresses } from "./checks/dns.js";
import { checkEndpoint, checkScheme, parseEndpoint, type CheckResult } from "./checks/endpoint.js";
import { checkEnvironment } from "./checks/environment.js";
import { judgeRefusedHandshake } from "./checks/refused.js";
import { proxyDiagnosis } from "./checks/proxy.js";
import { codeOf, diagnosisOfError, reasonOf } from "./findings.js";
import { abortError, isAbortError, type StepLimits } from "./limits.js";
import {
  connect,
  handshake,
  readingHandshake,
  RefusedAfterHandshake,
  resolve,
  tunnel,
  type Target,
} from "./network.js";
import { proxyFor, proxyLabel, type ProxyChoice, type ProxyRoute } from "../net/proxy.js";
import type {
  PreflightCheck,
  PreflightCheckId,
  PreflightOptions,
  PreflightReport,
  PreflightTls,
} from "./types.js";

/** The default bound of each network step, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Checks an endpoint before credentials are sent to it: scheme, endpoint shape, environment, DNS,
 * proxy, TCP, a TLS handshake that requires TLS 1.2+ and full certificate verification whatever this
 * process allows, and the certificate. Sends no HTTP request and no credential to the endpoint; a
 * healthy endpoint costs one TLS handshake. Never rejects for what it finds: failures are checks
 * with a diagnosis, and `ok` is false when any check failed.
 *
 * @param endpoint - the service URL, such as `https://<service>.search.windows.net`.
 * @param options - the timeout of each network step, the client's roots and proxy, and an abort signal.
 * @returns the report of every check, in order, and what the handshake negotiated.
 * @throws TypeError when the endpoint is not an http(s) URL or a configured proxy is not a URL;
 * RangeError for a timeout that is not a positive number; an `AbortError` when aborted.
 */
export function preflight(endpoint: string, options: PreflightOptions = {}): Promise<PreflightReport> {
  return preflightThrough(endpoint, options, undefined);
}

/**
 * {@link preflight} along a path already chosen: through the given proxy, named by where it came
 * from, or direct (`null`); `undefined` chooses from the options and the environment as
 * {@link preflight} does. The policy's gate follows the path the SDK chose for the request.
 *
 * @param endpoint - the service URL.
 * @param options - as for {@link preflight}; its proxy options are ignored when a path is given.
 * @param route - the proxy, `null` for none, or `undefined` to choose.
 */
export async function preflightThrough(
  endpoint: string,
  options: PreflightOptions,
  route: ProxyRoute | null | undefined,
): Promise<PreflightReport> {
  const url = parseEndpoint(endpoint);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(
      `preflight: timeoutMs must be a positive number of milliseconds, not ${String(timeoutMs)}.`,
    );
  }
  const choice: ProxyChoice =
    route === undefined
      ? proxyFor(url, options.proxyOptions, options.useEnvironmentProxy === false ? {} : process.env)
      : route === null
        ? {}
        : { proxy: route };
  if (options.abortSignal?.aborted) throw abortError();
  const limits: StepLimits = { timeoutMs, abortSignal: options.abortSignal };
  const secure = url.protocol === "https:";
  const target: Target = { host: bare(url.hostname), port: Number(url.port) || (secure ? 443 : 80) };

  const checks: PreflightCheck[] = [];
  // A proxy may echo its credentials (a 407's status line, a page): no check's words carry them.
  const secrets = prepareSecrets(choice.proxy ? proxyCredentials(choice.proxy.url) : []);
  const record = async (
    id: PreflightCheckId,
    check: () => CheckResult | Promise<CheckResult>,
  ): Promise<PreflightCheck> => {
    const start = performance.now();
    const result = redactResult(await check(), secrets);
    const done: PreflightCheck = { id, ...result, durationMs: Math.round(performance.now() - start) };
    checks.push(done);
    return done;
  };
  const report = (tlsFacts?: PreflightTls): PreflightReport => ({
    endpoint: url.origin,
    ok: checks.every((check) => check.status !== "fail"),
    checks,
    ...(tlsFacts ? { tls: tlsFacts } : {}),
  });

  await record("scheme", () => checkScheme(url, options.allowLoopbackHttp ?? true));
  await record("endpoint", () => checkEndpoint(url));
  await record("environment", () => checkEnvironment(target.host, choice, options.ca));

  let addresses: string[] = [];
  await record("dns", async () => {
    if (choice.proxy) return { status: "skip", summary: `The proxy resolves ${target.host}.` };
    if (isIP(target.host)) {
      addresses = [target.host];
      return { status: "pass", summary: describeAddresses(target.host, [target.host]) };
    }
    try {
      addresses = (await resolve(target.host, limits)).map((answer) => answer.address);
      return { status: "pass", summary: describeAddresses(target.host, addresses) };
    } catch (error) {
      rethrowAbort(error);
      // A resolver that does not answer in time is the temporary failure getaddrinfo reports as EAI_AGAIN.
      const code = codeOf(error) === "ETIMEDOUT" ? "EAI_AGAIN" : codeOf(error);
      return failed(
        `${target.host} did not resolve: ${reasonOf(error)}`,
        diagnosisOf(code === "EAI_AGAIN" ? "dnsTemporaryFailure" : "dnsNotFound", {
          nodeCode: code,
          host: target.host,
        }),
      );
    }
  });

  const open = async (): Promise<Socket> =>
    choice.proxy ? tunnel(choice.proxy, target, limits) : connect(addresses, target.port, limits);

  let socket: Socket | undefined;
  try {
    await record("proxy", async () => {
      if (!choice.proxy)
        return {
          status: "skip",
          summary: noProxyReason(choice, target.host, options.useEnvironmentProxy !== false),
        };
      try {
        socket = await open();
        return {
          status: "pass",
          summary: `The proxy ${proxyLabel(choice.proxy)} (${choice.proxy.source}) opened a tunnel to ${target.host}:${target.port}.`,
        };
      } catch (error) {
        rethrowAbort(error);
        return failed(
          `The proxy ${proxyLabel(choice.proxy)} (${choice.proxy.source}) did not open a tunnel: ${reasonOf(error)}`,
          proxyDiagnosis(error, choice.proxy, target.host),
        );
      }
    });

    await record("tcp", async () => {
      if (choice.proxy) {
        return socket
          ? { status: "pass", summary: `Reached ${target.host}:${target.port} through the proxy's tunnel.` }
          : { status: "skip", summary: "Not tried: the proxy did not open a tunnel." };
      }
      if (addresses.length === 0) {
        return { status: "skip", summary: "Not tried: the host name did not resolve." };
      }
      try {
        socket = await open();
        return {
          status: "pass",
          summary: `Connected to ${socket.remoteAddress ?? target.host}:${target.port}.`,
        };
      } catch (error) {
        rethrowAbort(error);
        return failed(
          `Could not connect to ${addresses.join(" or ")} port ${target.port}: ${reasonOf(error)}`,
          diagnosisOfError(error, target.host),
        );
      }
    });

    if (!secure) {
      await record("tls", () => ({ status: "skip", summary: "Not tried: the endpoint is not https." }));
      await record("certificate", () => ({
        status: "skip",
        summary: "Not tried: the endpoint is not https.",
      }));
      return report();
    }
    const connected = socket;
    if (!connected) {
      await record("tls", () => ({ status: "skip", summary: "Not tried: no connection." }));
      await record("certificate", () => ({ status: "skip", summary: "Not tried: no connection." }));
      return report();
    }
    socket = undefined;
    return await verify(connected, target, options.ca, limits, record, open, report);
  } finally {
    socket?.destroy();
  }
}

/**
 * The TLS and certificate checks: one verifying handshake and, when it fails for whatever reason, a
 * second that verifies nothing to read what the endpoint presents and tell the causes apart.
 */
async function verify(
  socket: Socket,
  target: Target,
  ca: string | string[] | undefined,
  limits: StepLimits,
  record: (id: PreflightCheckId, check: () => Promise<CheckResult> | CheckResult) => Promise<PreflightCheck>,
  open: () => Promise<Socket>,
  report: (tlsFacts?: PreflightTls) => PreflightReport,
): Promise<PreflightReport> {
  let tlsFacts: PreflightTls | undefined;
  let certificate: CheckResult = {
    status: "skip",
    summary: "Not read: the preflight timed out on the handshake, so it was not tried again.",
  };
  await record("tls", async () => {
    try {
      const shaken = await handshake(socket, target, true, ca, limits);
      const presented = presentedByPeer(shaken.peer, true);
      tlsFacts = { protocol: shaken.protocol, cipher: shaken.cipher, certificate: presented.certificate };
      certificate = checkTrustedCertificate(presented, target.host);
      return {
        status: "pass",
        summary: `${shaken.protocol ?? "TLS"} with ${shaken.cipher ?? "an unnamed cipher"}; the certificate chain and the host name verified.`,
      };
    } catch (error) {
      rethrowAbort(error);
      const code = codeOf(error) ?? "";
      let diagnosis = diagnosisOfError(error, target.host);
      if (error instanceof RefusedAfterHandshake) {
        // The certificate was verified before the server refused the client.
        const presented = presentedByPeer(error.handshake.peer, true);
        tlsFacts = {
          protocol: error.handshake.protocol,
          cipher: error.handshake.cipher,
          certificate: presented.certificate,
        };
        certificate = checkTrustedCertificate(presented, target.host);
      } else if (code !== "ETIMEDOUT") {
        // Its own timeout says nothing a second wait would change.
        const reading = await readingHandshakeOver(open, target, ca, limits);
        const judged = judgeRefusedHandshake(diagnosis, code, reading, target.host);
        diagnosis = judged.diagnosis;
        certificate = judged.certificate;
        if (judged.presented) {
          const shaken = reading.handshake;
          tlsFacts = {
            ...(shaken ? { protocol: shaken.protocol, cipher: shaken.cipher } : {}),
            certificate: judged.presented.certificate,
          };
        }
      }
      return failed(
        `The handshake with TLS 1.2+ and full verification failed: ${reasonOf(error)}`,
        diagnosis,
      );
    }
  });
  await record("certificate", () => certificate);
  return report(tlsFacts);
}

/** The reading handshake over a new connection, or what stopped the connection. */
async function readingHandshakeOver(
  open: () => Promise<Socket>,
  target: Target,
  ca: string | string[] | undefined,
  limits: StepLimits,
): ReturnType<typeof readingHandshake> {
  try {
    return await readingHandshake(await open(), target, ca, limits);
  } catch (error) {
    rethrowAbort(error);
    return { error, flight: { messages: [], certificates: [], encrypted: false } };
  }
}

/** A check's summary and its diagnosis's detail, redacted. */
function redactResult(result: CheckResult, secrets: PreparedSecrets): CheckResult {
  const summary = redact(result.summary, secrets);
  const detail = result.diagnosis?.detail;
  const diagnosis =
    detail === undefined ? result.diagnosis : { ...result.diagnosis!, detail: redact(detail, secrets) };
  return summary === result.summary && diagnosis === result.diagnosis
    ? result
    : { ...result, summary, diagnosis };
}

function failed(summary: string, diagnosis: Diagnosis<CauseId> | undefined): CheckResult {
  return { status: "fail", summary, diagnosis };
}

function rethrowAbort(error: unknown): void {
  if (isAbortError(error)) throw error;
}

function noProxyReason(choice: ProxyChoice, host: string, fromEnvironment: boolean): string {
  if (choice.bypassedBy) return `No proxy: NO_PROXY (${choice.bypassedBy}) excludes ${host}.`;
  return fromEnvironment
    ? "No proxy: neither proxyOptions nor HTTPS_PROXY, ALL_PROXY or HTTP_PROXY is set."
    : "No proxy: the client connects directly.";
}
