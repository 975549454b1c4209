/**
 * What every Azure service stand-in shares: an HTTPS server on 127.0.0.1 with a certificate made at
 * start-up and trusted in this process, a body-reading request loop, and the record of what it received.
 */
import type http from "node:http";
import { createAuthority, type Authority } from "./certs.js";
import { startTlsServer, trustInProcess } from "./servers.js";

/** A request as a stand-in received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A request handed to a stand-in's responder, with its body read. */
export interface ServiceRequest extends ReceivedRequest {
  url: URL;
  body: Buffer;
}

/** What a stand-in answers: status, headers and body. */
export interface ServiceReply {
  status: number;
  headers?: Record<string, string>;
  /** Not sent for HEAD, as HTTP wants; the headers still are. */
  body?: string | Buffer;
}

/** Options every stand-in takes. */
export interface LoopbackOptions {
  /** An authority to sign the certificate with. Defaults to a new root named after the service. */
  authority?: Authority;
  /** Make this process trust the authority (as NODE_EXTRA_CA_CERTS would). Defaults to true. */
  trust?: boolean;
}

/** A running stand-in service. */
export interface LoopbackService {
  /** https://localhost:PORT */
  endpoint: string;
  port: number;
  /** The root that signed its certificate, PEM. */
  ca: string;
  authority: Authority;
  /** Every request received, in order: tests compare them to prove the same requests went on the wire. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTPS service on 127.0.0.1 that answers each request with what `respond` returns.
 *
 * @param name - the service, for the root certificate's name.
 * @param respond - the service's answer to one request.
 * @param options - certificate authority and trust.
 */
export async function startLoopbackService(
  name: string,
  respond: (request: ServiceRequest) => ServiceReply,
  options: LoopbackOptions = {},
): Promise<LoopbackService> {
  const authority = options.authority ?? createAuthority(`${name} Stand-in Root`);
  const leaf = authority.issue({ hosts: ["localhost", "127.0.0.1"] });
  const requests: ReceivedRequest[] = [];
  const server = await startTlsServer({
    cert: leaf.fullChain,
    key: leaf.key,
    handler: (req, res) => {
      const path = req.url ?? "/";
      const received = { method: req.method ?? "", path, headers: req.headers };
      requests.push(received);
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const reply = respond({
          ...received, // Concatenated, not resolved: a path such as //subscriptions/… is a path, not a host.
          url: new URL(`https://localhost${path}`),
          body: Buffer.concat(chunks),
        });
        // A length, not chunks, as the services send; for HEAD, the length GET would have had.
        const lengthOf = { "content-length": String(Buffer.byteLength(reply.body ?? "")) };
        res.writeHead(reply.status, { ...lengthOf, ...reply.headers });
        res.end(received.method === "HEAD" ? undefined : reply.body);
      });
    },
  });
  const untrust = options.trust === false ? () => undefined : trustInProcess(authority.cert);
  return {
    endpoint: `https://localhost:${server.port}`,
    port: server.port,
    ca: authority.cert,
    authority,
    requests,
    close: async () => {
      untrust();
      await server.close();
    },
  };
}
