import { lookup } from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import { isAbortError, withinLimits, type StepLimits } from "./limits.js";
import { bare } from "../net/hosts.js";
import { proxyCredentials, redact } from "../redaction/index.js";
import type { ProxyRoute } from "./proxy.js";

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

/** A proxy's answer to CONNECT that was not 2xx. */
export class ProxyTunnelError extends Error {
  /** The status the proxy answered with. */
  readonly statusCode: number;
  constructor(statusCode: number, statusText: string) {
    super(`The proxy answered CONNECT with ${statusCode} ${statusText}`.trim());
    this.name = "ProxyTunnelError";
    this.statusCode = statusCode;
  }
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
        const onData = (chunk: Buffer): void => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) {
            if (head.length > PROXY_HEAD_LIMIT)
              fail(new ProxyTunnelError(0, "(an answer too long to be HTTP)"));
            return;
          }
          socket.off("data", onData);
          const status = /^HTTP\/\d(?:\.\d)? (\d{3}) ?([^\r\n]*)/.exec(
            head.subarray(0, end).toString("latin1"),
          );
          const code = Number(status?.[1] ?? 0);
          if (code < 200 || code > 299) {
            // A proxy may echo the credentials it was sent: they never reach the error's message.
            const said = redact(status?.[2] ?? "(not an HTTP answer)", proxyCredentials(route.url));
            fail(new ProxyTunnelError(code, said));
            return;
          }
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
          rejectUnauthorized: verify,
          ...(ca === undefined ? {} : { ca }),
        });
        const close = (): void => {
          secure.destroy();
          socket.destroy();
        };
        signal.addEventListener("abort", close, { once: true });
        secure.on("error", (error) => {
          close();
          reject(error);
        });
        secure.once("secureConnect", () => {
          const result: Handshake = {
            protocol: secure.getProtocol() ?? undefined,
            cipher: secure.getCipher()?.name,
            peer: secure.getPeerCertificate(true),
            authorizationError: secure.authorized ? undefined : String(secure.authorizationError),
          };
          // A graceful close lets the last handshake message and close_notify reach the server, which
          // then sees a completed handshake rather than a reset; the timer bounds a server that lingers.
          secure.end();
          setTimeout(close, limits.timeoutMs).unref();
          secure.once("close", close);
          resolve(result);
        });
      }),
  );
}
