/**
 * The benchmark's HTTPS service, run in a worker thread so that its work stays off the thread the
 * client is measured on. It answers a document count for any index, except "throttled" (503 with the
 * service's JSON envelope), and counts TLS handshakes and how many of them carried no HTTP request
 * (what a preflight handshake looks like from the server).
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { parentPort, workerData } from "node:worker_threads";

const { cert, key } = workerData as { cert: string; key: string };

let handshakes = 0;
let handshakesWithoutRequest = 0;
let requests = 0;
const served = new WeakSet<TLSSocket>();
const handshaken = new Set<TLSSocket>();
const throttled = JSON.stringify({
  error: {
    code: "",
    message:
      "Failed to execute query because not enough resources were available to cover 100% of the index.",
  },
});

const server = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, (req, res) => {
  requests++;
  served.add(req.socket as TLSSocket);
  req.resume();
  req.on("end", () => {
    if ((req.url ?? "").includes("'throttled'")) {
      res.writeHead(503, {
        "content-type": "application/json; charset=utf-8",
        "request-id": "00000000-0000-0000-0000-000000000503",
      });
      res.end(throttled);
      return;
    }
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "request-id": "00000000-0000-0000-0000-000000000001",
    });
    res.end("42");
  });
});
// Key material is logged once the server has processed a ClientHello: a handshake took place, even
// when the client closes before the server sees its Finished message.
server.on("keylog", (_line: Buffer, socket: TLSSocket) => {
  if (handshaken.has(socket)) return;
  handshaken.add(socket);
  handshakes++;
  socket.on("close", () => {
    handshaken.delete(socket);
    if (!served.has(socket)) handshakesWithoutRequest++;
  });
});
server.on("tlsClientError", () => undefined);

server.listen(0, "127.0.0.1", () => {
  parentPort?.postMessage({ type: "listening", port: (server.address() as AddressInfo).port });
});

parentPort?.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    const openWithoutRequest = [...handshaken].filter((socket) => !served.has(socket)).length;
    parentPort?.postMessage({
      type: "stats",
      handshakes,
      handshakesWithoutRequest: handshakesWithoutRequest + openWithoutRequest,
      requests,
    });
  } else if (message.type === "reset") {
    handshakes = 0;
    handshakesWithoutRequest = 0;
    requests = 0;
    parentPort?.postMessage({ type: "reset" });
  } else if (message.type === "close") {
    server.closeAllConnections();
    server.close(() => parentPort?.postMessage({ type: "closed" }));
  }
});
