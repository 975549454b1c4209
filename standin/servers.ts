/**
 * Loopback servers for transport failures: HTTPS with any certificate and protocol range, plain
 * HTTP, a server that resets the handshake, a closed port, and a CONNECT proxy.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

/** A running loopback server. */
export interface TestServer {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Requests it received (method and URL) with their headers, to prove what was, or was not, sent. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** Raw bytes it received, for servers that never parse HTTP. */
  received: Buffer[];
  /** Stops it and ends open connections. */
  close(): Promise<void>;
}

/** Answers every request with a Search-like document count, unless a handler says otherwise. */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const countHandler: Handler = (_req, res) => {
  res.writeHead(200, {
    "content-type": "text/plain; charset=utf-8",
    "request-id": "00000000-0000-0000-0000-000000000001",
  });
  res.end("42");
};

function track(server: net.Server, requests: TestServer["requests"], received: Buffer[]): TestServer {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}

/** What a TLS test server presents and accepts. */
export interface TlsServerOptions {
  /** The leaf certificate, followed by any intermediates to send. */
  cert: string;
  key: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** OpenSSL cipher list; TLS 1.0/1.1 servers need `DEFAULT:@SECLEVEL=0`. */
  ciphers?: string;
  /** Diffie-Hellman parameters (PEM) for DHE cipher suites. */
  dhparam?: string;
  /** Roots a client certificate must chain to: the server then requires one (mutual TLS). */
  clientCa?: string;
  handler?: Handler;
}

/** A running HTTPS test server, which also tells preflight handshakes (no request) from requests. */
export interface TlsTestServer extends TestServer {
  /** TLS connections that completed a handshake and carried no HTTP request. */
  handshakesWithoutRequest(): number;
  /** Presents another certificate to new connections, as a fixed or renewed server would. */
  setCertificate(pem: { cert: string; key: string }): void;
}

/**
 * Starts an HTTPS server on 127.0.0.1.
 *
 * @param options - certificate, protocol range and request handler.
 */
export async function startTlsServer(options: TlsServerOptions): Promise<TlsTestServer> {
  const requests: TestServer["requests"] = [];
  const handler = options.handler ?? countHandler;
  const unused = new Set<tls.TLSSocket>();
  let idle = 0;
  const server = https.createServer(
    {
      cert: options.cert,
      key: options.key,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers,
      dhparam: options.dhparam,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      unused.delete(req.socket as tls.TLSSocket);
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      handler(req, res);
    },
  );
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    unused.add(socket);
    socket.on("close", () => {
      if (unused.delete(socket)) idle += 1;
    });
  });
  server.on("tlsClientError", () => undefined);
  await listen(server);
  return {
    ...track(server, requests, []),
    handshakesWithoutRequest: () => idle + unused.size,
    setCertificate: (pem) => server.setSecureContext({ cert: pem.cert, key: pem.key }),
  };
}

/**
 * Starts an HTTPS server that speaks only TLS 1.0 and 1.1, as an old proxy or appliance would.
 *
 * @param cert - a certificate the client trusts, so that only the version can fail.
 */
export function startLegacyTlsServer(cert: { cert: string; key: string }): Promise<TlsTestServer> {
  return startTlsServer({
    ...cert,
    minVersion: "TLSv1",
    maxVersion: "TLSv1.1",
    ciphers: "DEFAULT:@SECLEVEL=0",
  });
}

/**
 * Starts a plain-HTTP server, to stand behind an https:// URL (wrong version number) or answer an
 * http:// endpoint.
 *
 * @param handler - what it answers.
 */
export async function startHttpServer(handler: Handler = countHandler): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await listen(server);
  return track(server, requests, []);
}

/** Starts a server that accepts the connection and destroys it at the first byte (a firewall or DPI box mid-handshake). */
export async function startResetServer(): Promise<TestServer> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.once("data", (chunk: Buffer) => {
      received.push(chunk);
      socket.resetAndDestroy();
    });
  });
  await listen(server);
  return track(server, [], received);
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await listen(server);
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What a CONNECT proxy does. */
export interface ProxyOptions {
  /** Answer every CONNECT with 407 unless it carries this `Proxy-Authorization` value. */
  requireAuthorization?: string;
}

/** A running proxy, with the CONNECT targets it was asked for. */
export interface TestProxy extends TestServer {
  connects: string[];
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that tunnels CONNECT to loopback targets only.
 *
 * @param options - whether it wants credentials.
 */
export async function startConnectProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const connects: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? "");
    if (options.requireAuthorization && req.headers["proxy-authorization"] !== options.requireAuthorization) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [host = "", port = "443"] = (req.url ?? "").split(/:(?=\d+$)/);
    if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = net.connect(Number(port), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await listen(server);
  return { ...track(server, [], []), connects };
}

/**
 * Makes this process trust an authority, as NODE_EXTRA_CA_CERTS would at start-up; returns a
 * function that restores the previous roots.
 *
 * @param pems - certificates to add to the default roots.
 */
export function trustInProcess(...pems: string[]): () => void {
  const before = tls.getCACertificates("default");
  tls.setDefaultCACertificates([...before, ...pems]);
  return () => tls.setDefaultCACertificates(before);
}

/** Starts a server that accepts connections and never answers, to make a handshake time out. */
export async function startSilentServer(): Promise<TestServer> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on("data", (chunk: Buffer) => received.push(chunk));
  });
  await listen(server);
  return track(server, [], received);
}
