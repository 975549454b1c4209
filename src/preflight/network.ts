import { lookup } from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { isAbortError, withinLimits, type StepLimits } from "./limits.js";
import { tapServerFlight, type ServerFlight } from "./tap.js";
import { bare } from "../net/hosts.js";
import type { ProxyRoute } from "../net/proxy.js";
import { prepareSecrets, proxyCredentials, redact, type PreparedSecrets } from "../redaction/index.js";

/** Where the preflight connects: the endpoint's host and port, and whether it speaks TLS. */
export interface Target {
  /** The host name without IPv6 brackets. */
  host: string;
  port: number;
}

/** The largest CONNECT answer head read from a proxy. */
const PROXY_HEAD_LIMIT = 16 * 1024;

/**
 * Resolves a host name as the HTTP client would (getaddrinfo), within the limits.
 *
 * @param host - the host name.
 * @param limits - timeout and abort signal.
 */
export function resolve(host: string, limits: StepLimits): Promise<{ address: string; family: number }[]> {
  return withinLimits(limits, `resolving ${host}`, () => lookup(host, { all: true }));
}

/**
 * Opens a TCP connection to the first address that accepts it, trying them in the resolver's order
 * as Node's HTTP client does (localhost may answer ::1 first and listen on 127.0.0.1 only). Each
 * attempt is bounded by the limits.
 *
 * @param addresses - the IP addresses (or a host name) to try, at least one.
 * @param port - the port.
 * @param limits - timeout and abort signal.
 * @returns the connected socket; rejects with the last attempt's error.
 */
export async function connect(
  addresses: readonly string[],
  port: number,
  limits: StepLimits,
): Promise<net.Socket> {
  let lastError: unknown;
  for (const address of addresses) {
    try {
      return await connectOnce(address, port, limits);
    } catch (error) {
      if (isAbortError(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function connectOnce(address: string, port: number, limits: StepLimits): Promise<net.Socket> {
  return withinLimits(
    limits,
    `connecting to ${address}:${port}`,
    (signal) =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect({ host: address, port });
        signal.addEventListener("abort", () => socket.destroy(), { once: true });
        socket.once("connect", () => {
          socket.removeAllListeners("error");
          resolve(socket);
        });
        socket.once("error", reject);
      }),
  );
}

/** A proxy's answer to CONNECT, as far as the preflight read it: the status line, headers and body start. */
export interface ProxyAnswer {
  status: number;
  statusText: string;
  /** Header names lower-cased; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The start of the body, up to {@link PROXY_BODY_LIMIT} bytes, as far as it arrived. */
  body: string;
}

/** A proxy's answer to CONNECT that was not 2xx. */
export class ProxyTunnelError extends Error {
  /** The status the proxy answered with. */
  readonly statusCode: number;
  /** What the proxy answered. */
  readonly answer: ProxyAnswer;
  constructor(answer: ProxyAnswer) {
    super(`The proxy answered CONNECT with ${answer.status} ${answer.statusText}`.trim());
    this.name = "ProxyTunnelError";
    this.statusCode = answer.status;
    this.answer = answer;
  }
}

/**
 * A proxy's answer with its status text, header values and body redacted.
 *
 * @param answer - what the proxy answered.
 * @param secrets - the proxy's credentials.
 */
function redactedAnswer(answer: ProxyAnswer, secrets: PreparedSecrets): ProxyAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) headers[name] = redact(value, secrets);
  return {
    status: answer.status,
    statusText: redact(answer.statusText, secrets),
    headers,
    body: redact(answer.body, secrets),
  };
}

/** The most of a refusal's body the preflight waits for: enough for a page's title or first line. */
export const PROXY_BODY_LIMIT = 4096;

/** How long the preflight waits for the rest of a refusal's body once its head arrived. */
const PROXY_BODY_WAIT_MS = 500;

/** A CONNECT answer's status line and headers. */
function parseHead(head: string): Omit<ProxyAnswer, "body"> {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/\d(?:\.\d)? (\d{3}) ?(.*)$/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return {
    status: Number(status?.[1] ?? 0),
    statusText: status ? (status[2] ?? "") : "(not an HTTP answer)",
    headers,
  };
}

/**
 * Opens a tunnel to the target through an HTTP(S) proxy with CONNECT, as the SDK's proxy agent
 * does, within the limits. Nothing but the CONNECT request (and its Basic credentials) is sent.
 *
 * @param route - the proxy.
 * @param target - the endpoint's host and port.
 * @param limits - timeout and abort signal.
 * @returns the socket, ready for the TLS handshake with the endpoint.
 */
export function tunnel(route: ProxyRoute, target: Target, limits: StepLimits): Promise<net.Socket> {
  const proxyHost = bare(route.url.hostname);
  const proxyPort = Number(route.url.port) || (route.url.protocol === "https:" ? 443 : 80);
  return withinLimits(
    limits,
    `opening a tunnel through the proxy ${route.url.host}`,
    (signal) =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket: net.Socket =
          route.url.protocol === "https:"
            ? tls.connect({
                host: proxyHost,
                port: proxyPort,
                servername: net.isIP(proxyHost) ? undefined : proxyHost,
              })
            : net.connect({ host: proxyHost, port: proxyPort });
        signal.addEventListener("abort", () => socket.destroy(), { once: true });
        const fail = (error: Error): void => {
          socket.destroy();
          reject(error);
        };
        socket.once("error", fail);
        socket.once(route.url.protocol === "https:" ? "secureConnect" : "connect", () => {
          const authority = `${net.isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
          const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
          if (route.url.username) {
            const user = decodeURIComponent(route.url.username);
            const password = decodeURIComponent(route.url.password);
            lines.push(`Proxy-Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`);
          }
          socket.write(`${lines.join("\r\n")}\r\n\r\n`);
        });
        let head = Buffer.alloc(0);
        let refusal: Omit<ProxyAnswer, "body"> | undefined;
        let body = Buffer.alloc(0);
        let bodyTimer: NodeJS.Timeout | undefined;
        const refuse = (): void => {
          clearTimeout(bodyTimer);
          if (!refusal) return;
          const answer = { ...refusal, body: body.subarray(0, PROXY_BODY_LIMIT).toString("utf8") };
          // A proxy may echo the credentials it was sent: they never reach what the preflight reports.
          fail(new ProxyTunnelError(redactedAnswer(answer, prepareSecrets(proxyCredentials(route.url)))));
        };
        const onData = (chunk: Buffer): void => {
          if (refusal) {
            body = Buffer.concat([body, chunk]);
            if (
              body.length >=
              Math.min(Number(refusal.headers["content-length"] ?? PROXY_BODY_LIMIT), PROXY_BODY_LIMIT)
            )
              refuse();
            return;
          }
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) {
            if (head.length > PROXY_HEAD_LIMIT)
              fail(
                new ProxyTunnelError({
                  status: 0,
                  statusText: "(an answer too long to be HTTP)",
                  headers: {},
                  body: "",
                }),
              );
            return;
          }
          const answer = parseHead(head.subarray(0, end).toString("latin1"));
          if (answer.status < 200 || answer.status > 299) {
            // The page says why; it may come in a later segment, or never: wait a moment for it.
            refusal = answer;
            body = head.subarray(end + 4);
            socket.removeListener("end", onEnd);
            socket.once("end", refuse);
            bodyTimer = setTimeout(refuse, PROXY_BODY_WAIT_MS).unref();
            onData(Buffer.alloc(0));
            return;
          }
          socket.off("data", onData);
          socket.removeListener("error", fail);
          socket.removeListener("end", onEnd);
          // Bytes after the head belong to the tunnel; a proxy sends none before the client speaks.
          if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
          resolve(socket);
        };
        const onEnd = (): void =>
          fail(
            Object.assign(new Error("The proxy closed the connection before answering CONNECT"), {
              code: "ECONNRESET",
            }),
          );
        socket.on("data", onData);
        socket.once("end", onEnd);
      }),
  );
}

/** How long a TLS 1.3 handshake waits for the server's first message after its own Finished. */
const POST_HANDSHAKE_WAIT_MS = 250;

/** What one handshake negotiated and was shown. */
export interface Handshake {
  protocol?: string;
  cipher?: string;
  /** The presented chain, leaf first. */
  peer: tls.DetailedPeerCertificate;
  /** Why the chain is not trusted, when verification was off. */
  authorizationError?: string;
}

/**
 * Runs one TLS handshake over an open socket, requiring TLS 1.2 or newer, then closes the connection
 * without sending a byte of application data.
 *
 * @param socket - a connected socket (direct or tunnelled); it is consumed.
 * @param target - the endpoint's host (for SNI and the name check) and port.
 * @param verify - whether to verify the chain and the host name (`rejectUnauthorized`), whatever
 * NODE_TLS_REJECT_UNAUTHORIZED says.
 * @param ca - roots replacing the defaults, or undefined for the process's own.
 * @param limits - timeout and abort signal.
 */
export function handshake(
  socket: net.Socket,
  target: Target,
  verify: boolean,
  ca: string | string[] | undefined,
  limits: StepLimits,
): Promise<Handshake> {
  return shake(socket, target, { rejectUnauthorized: verify, ...(ca === undefined ? {} : { ca }) }, limits);
}

/**
 * A server's alert after the client's side of a handshake completed (TLS 1.3's certificate_required):
 * the alert's error, as `cause`, with what the handshake had negotiated and been shown.
 */
export class RefusedAfterHandshake extends Error {
  /** The alert's error code, such as `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`. */
  readonly code: string | undefined;
  /** What the handshake negotiated and was shown before the alert. */
  readonly handshake: Handshake;
  constructor(cause: Error, handshake: Handshake) {
    super(cause.message, { cause });
    this.name = cause.name;
    this.code = (cause as { code?: string }).code;
    this.handshake = handshake;
  }
}

/** What the reading handshake found: its result or its error, and what the server sent in the clear. */
export interface Reading {
  handshake?: Handshake;
  error?: unknown;
  flight: ServerFlight;
}

/**
 * Every cipher suite OpenSSL has, NULL and anonymous ones included, at security level 0: what a server
 * insists on is then negotiated, or shown by the alert it still sends.
 */
const ANY_CIPHER = "ALL:eNULL:@SECLEVEL=0";

/**
 * A handshake that verifies nothing and offers every cipher and key size, to read what a server
 * presents after a verifying handshake failed: it succeeds where only the server's weak cipher, key,
 * signature or chain stopped that one, and records the server's clear messages when it fails too.
 * Sends no application data. Never rejects, except with an `AbortError`.
 *
 * @param socket - a connected socket (direct or tunnelled); it is consumed.
 * @param target - the endpoint's host and port.
 * @param ca - roots replacing the defaults, or undefined for the process's own.
 * @param limits - timeout and abort signal.
 */
export async function readingHandshake(
  socket: net.Socket,
  target: Target,
  ca: string | string[] | undefined,
  limits: StepLimits,
): Promise<Reading> {
  const { stream, flight } = tapServerFlight(socket);
  const options = { rejectUnauthorized: false, ciphers: ANY_CIPHER, ...(ca === undefined ? {} : { ca }) };
  try {
    return { handshake: await shake(stream, target, options, limits), flight };
  } catch (error) {
    if (isAbortError(error)) throw error;
    return { error, flight };
  }
}

function shake(
  socket: Duplex,
  target: Target,
  options: tls.ConnectionOptions,
  limits: StepLimits,
): Promise<Handshake> {
  return withinLimits(
    limits,
    `the TLS handshake with ${target.host}:${target.port}`,
    (signal) =>
      new Promise<Handshake>((resolve, reject) => {
        const secure = tls.connect({
          socket,
          host: target.host,
          servername: net.isIP(target.host) ? undefined : target.host,
          minVersion: "TLSv1.2",
          ...options,
        });
        const close = (): void => {
          secure.destroy();
          socket.destroy();
        };
        signal.addEventListener("abort", close, { once: true });
        let completed: Handshake | undefined;
        secure.on("error", (error) => {
          close();
          reject(completed ? new RefusedAfterHandshake(error, completed) : error);
        });
        secure.once("secureConnect", () => {
          const result: Handshake = (completed = {
            protocol: secure.getProtocol() ?? undefined,
            cipher: secure.getCipher()?.name,
            peer: secure.getPeerCertificate(true),
            authorizationError: secure.authorized ? undefined : String(secure.authorizationError),
          });
          const finish = (): void => {
            clearTimeout(grace);
            if (secure.destroyed) return;
            // A graceful close lets the last handshake message and close_notify reach the server, which
            // then sees a completed handshake rather than a reset; the timer bounds a server that lingers.
            secure.end();
            setTimeout(close, limits.timeoutMs).unref();
            secure.once("close", close);
            resolve(result);
          };
          // A TLS 1.3 server judges the client's certificate after the client's side of the handshake
          // is done: its first word, a session ticket or the certificate_required alert, tells.
          const grace =
            result.protocol === "TLSv1.3"
              ? setTimeout(finish, Math.min(limits.timeoutMs, POST_HANDSHAKE_WAIT_MS))
              : undefined;
          if (!grace) return finish();
          secure.once("session", finish);
          secure.once("end", finish);
          secure.once("error", () => clearTimeout(grace));
        });
      }),
  );
}
