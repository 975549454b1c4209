/**
 * What the preflight option costs: the latency it adds to the first request (one TLS handshake is
 * the floor), and how many preflight handshakes racing first requests cause.
 */
import tls from "node:tls";
import { benchClient, median, type BenchServer } from "./loopback.js";

/** The figures of the preflight benchmark. */
export interface PreflightFigures {
  samples: number;
  /** Median first request of a new client (with its own connections) without the preflight, in ms. */
  firstRequestBareMs: number;
  /** Median first request of a new client with the preflight, in ms. */
  firstRequestPreflightMs: number;
  /** The difference of the two medians, in ms. */
  addedMs: number;
  /** Median time of one bare TLS handshake to the same server, in ms: the floor of the added latency. */
  handshakeMs: number;
  /** Racing first requests sent at once through one new client with the preflight. */
  racingRequests: number;
  /** TLS connections the server saw that carried no request: the preflight's handshakes. */
  preflightHandshakes: number;
}

function handshake(port: number): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost" }, () => {
      socket.destroy();
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
    socket.once("error", reject);
  });
}

async function firstRequest(server: BenchServer, variant: "bare" | "preflight"): Promise<number> {
  const client = benchClient(server.endpoint, variant, "hotels", true);
  const start = process.hrtime.bigint();
  await client.getDocumentsCount();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Measures the preflight.
 *
 * @param server - the benchmark service.
 * @param samples - new clients per variant, interleaved.
 * @param racing - first requests sent at once.
 */
export async function measurePreflight(
  server: BenchServer,
  samples = 40,
  racing = 1000,
): Promise<PreflightFigures> {
  const port = Number(new URL(server.endpoint).port);
  for (let i = 0; i < 5; i++) {
    await firstRequest(server, "bare");
    await firstRequest(server, "preflight");
    await handshake(port);
  }
  const bare: number[] = [];
  const withPreflight: number[] = [];
  const handshakes: number[] = [];
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? (["bare", "preflight"] as const) : (["preflight", "bare"] as const);
    for (const variant of order)
      (variant === "bare" ? bare : withPreflight).push(await firstRequest(server, variant));
    handshakes.push(await handshake(port));
  }

  // Let the server see the measuring handshakes close before it starts counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.reset();
  const client = benchClient(server.endpoint, "preflight", "hotels", true);
  const counts = await Promise.all(Array.from({ length: racing }, () => client.getDocumentsCount()));
  if (counts.some((count) => count !== 42)) throw new Error("a racing request failed");
  const stats = await server.stats();

  return {
    samples,
    firstRequestBareMs: median(bare),
    firstRequestPreflightMs: median(withPreflight),
    addedMs: median(withPreflight) - median(bare),
    handshakeMs: median(handshakes),
    racingRequests: racing,
    preflightHandshakes: stats.handshakesWithoutRequest,
  };
}
