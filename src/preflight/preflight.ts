import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { DetailedPeerCertificate } from "node:tls";
import type { CauseId } from "../catalog/index.js";
import { diagnosisOf } from "../diagnose.js";
import { bare } from "../net/hosts.js";
import { prepareSecrets, proxyCredentials, redact, type PreparedSecrets } from "../redaction/index.js";
import type { Diagnosis } from "../types.js";
import {
  checkRefusedCertificate,
  checkTrustedCertificate,
  describeCertificate,
  isCertificateError,
} from "./checks/certificate.js";
import { describeAddresses } from "./checks/dns.js";
import { checkEndpoint, checkScheme, parseEndpoint, type CheckResult } from "./checks/endpoint.js";
import { checkEnvironment } from "./checks/environment.js";
import { diagnosisOfError } from "./findings.js";
import { abortError, isAbortError, type StepLimits } from "./limits.js";
import { connect, handshake, ProxyTunnelError, resolve, tunnel, type Target } from "./network.js";
import { proxyFor, proxyLabel, type ProxyChoice } from "./proxy.js";
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
export async function preflight(endpoint: string, options: PreflightOptions = {}): Promise<PreflightReport> {
  const url = parseEndpoint(endpoint);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(
      `preflight: timeoutMs must be a positive number of milliseconds, not ${String(timeoutMs)}.`,
    );
  }
  const choice = proxyFor(
    url,
    options.proxyOptions,
    options.useEnvironmentProxy === false ? {} : process.env,
  );
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
          proxyDiagnosis(error, target.host),
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

/** The TLS and certificate checks: one verifying handshake, and an unverified one to read a refused chain. */
async function verify(
  socket: Socket,
  target: Target,
  ca: string | string[] | undefined,
  limits: StepLimits,
  record: (id: PreflightCheckId, check: () => Promise<CheckResult> | CheckResult) => Promise<PreflightCheck>,
  open: () => Promise<Socket>,
  report: (tlsFacts?: PreflightTls) => PreflightReport,
): Promise<PreflightReport> {
  let refusal: { code: string; diagnosis?: Diagnosis<CauseId> } | undefined;
  let tlsFacts: PreflightTls | undefined;
  let trustedPeer: DetailedPeerCertificate | undefined;
  const tlsCheck = await record("tls", async () => {
    try {
      const shaken = await handshake(socket, target, true, ca, limits);
      trustedPeer = shaken.peer;
      tlsFacts = {
        protocol: shaken.protocol,
        cipher: shaken.cipher,
        certificate: describeCertificate(shaken.peer, true),
      };
      return {
        status: "pass",
        summary: `${shaken.protocol ?? "TLS"} with ${shaken.cipher ?? "an unnamed cipher"}; the certificate chain and the host name verified.`,
      };
    } catch (error) {
      rethrowAbort(error);
      const diagnosis = diagnosisOfError(error, target.host);
      refusal = { code: codeOf(error) ?? "", diagnosis };
      return failed(
        `The handshake with TLS 1.2+ and full verification failed: ${reasonOf(error)}`,
        diagnosis,
      );
    }
  });

  await record("certificate", async () => {
    if (tlsCheck.status === "pass" && trustedPeer && tlsFacts?.certificate) {
      return checkTrustedCertificate(tlsFacts.certificate, trustedPeer, target.host);
    }
    if (!refusal || !isCertificateError(refusal.code)) {
      return { status: "skip", summary: "Not read: the handshake did not get as far as the certificate." };
    }
    try {
      // Verifies nothing and sends nothing: it only reads what the endpoint presents.
      const shaken = await handshake(await open(), target, false, ca, limits);
      const certificate = describeCertificate(shaken.peer, false);
      tlsFacts = { protocol: shaken.protocol, cipher: shaken.cipher, certificate };
      return checkRefusedCertificate(certificate, shaken.peer, refusal.code, refusal.diagnosis);
    } catch (error) {
      rethrowAbort(error);
      return failed(
        `Not accepted (${refusal.code}); the presented chain could not be read: ${reasonOf(error)}`,
        refusal.diagnosis,
      );
    }
  });
  return report(tlsFacts);
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

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** An error's reason in a few words: OpenSSL's reason rather than its whole error line. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
  const reason = (openssl ?? message.split("\n")[0] ?? "").trim();
  const code = codeOf(error);
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

function noProxyReason(choice: ProxyChoice, host: string, fromEnvironment: boolean): string {
  if (choice.bypassedBy) return `No proxy: NO_PROXY (${choice.bypassedBy}) excludes ${host}.`;
  return fromEnvironment
    ? "No proxy: neither proxyOptions nor HTTPS_PROXY, ALL_PROXY or HTTP_PROXY is set."
    : "No proxy: the client connects directly.";
}

function proxyDiagnosis(error: unknown, host: string): Diagnosis<CauseId> | undefined {
  if (!(error instanceof ProxyTunnelError)) return diagnosisOfError(error, host);
  if (error.statusCode === 407) return diagnosisOf("proxyAuthenticationRequired", { status: 407, host });
  return diagnosisOf("proxyTunnelRefused", { host });
}
