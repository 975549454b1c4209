/**
 * What the preflight option costs: the latency it adds to the first request of the process (one TLS
 * handshake is the floor), what a client made per request pays once a pass is kept for the process,
 * and how many preflight handshakes racing first requests cause.
 */
import tls from "node:tls";
import { forgetPreflights } from "../src/policy/gate.js";
import { benchClient, median, type BenchServer } from "./loopback.js";

/** The figures of the preflight benchmark. */
export interface PreflightFigures {
  samples: number;
  /** Median first request of a new client (with its own connections) without the preflight, in ms. */
  firstRequestBareMs: number;
  /** Median first request of a new client with the preflight, nothing kept in the process, in ms. */
  firstRequestPreflightMs: number;
  /** The difference of the two medians, in ms. */
  addedMs: number;
  /**
   * Median first request of a new client with the preflight, a pass of another client kept for the
   * process: what a handler that makes a client per request pays, in ms.
   */
  firstRequestKeptMs: number;
  /** Median request of one kept client with the preflight (connection kept alive), in ms. */
  keptClientMs: number;
  /** Fresh clients, each with a policy of its own, sending their first request at once. */
  racingClients: number;
  /** Preflight handshakes those clients caused: one for the process. */
  racingClientsHandshakes: number;
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

type FirstRequest = "bare" | "preflight" | "kept";

/** A new client's first request: without the preflight, with it cold, or with a pass kept for the process. */
async function firstRequest(server: BenchServer, variant: FirstRequest): Promise<number> {
  if (variant === "preflight") forgetPreflights();
  const client = benchClient(server.endpoint, variant === "bare" ? "bare" : "preflight", "hotels", true);
  return timed(() => client.getDocumentsCount());
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await call();
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
  racingClients = 100,
): Promise<PreflightFigures> {
  const port = Number(new URL(server.endpoint).port);
  const kept = benchClient(server.endpoint, "preflight", "hotels", true);
  const order: FirstRequest[] = ["bare", "preflight", "kept"];
  for (let i = 0; i < 5; i++) {
    for (const variant of order) await firstRequest(server, variant);
    await kept.getDocumentsCount();
    await handshake(port);
  }
  const times: Record<FirstRequest | "keptClient", number[]> = {
    bare: [],
    preflight: [],
    kept: [],
    keptClient: [],
  };
  const handshakes: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Rotate the order so that no variant always runs after the same one.
    for (let j = 0; j < order.length; j++) {
      const variant = order[(i + j) % order.length] as FirstRequest;
      // A kept pass needs one run first: the cold variant's, or this one.
      times[variant].push(await firstRequest(server, variant));
    }
    times.keptClient.push(await timed(() => kept.getDocumentsCount()));
    handshakes.push(await handshake(port));
  }

  // Let the server see the measuring handshakes close before it starts counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.reset();
  forgetPreflights();
  const client = benchClient(server.endpoint, "preflight", "hotels", true);
  const counts = await Promise.all(Array.from({ length: racing }, () => client.getDocumentsCount()));
  if (counts.some((count) => count !== 42)) throw new Error("a racing request failed");
  const stats = await server.stats();

  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.reset();
  forgetPreflights();
  const fresh = Array.from({ length: racingClients }, () =>
    benchClient(server.endpoint, "preflight", "hotels", true),
  );
  const freshCounts = await Promise.all(fresh.map((each) => each.getDocumentsCount()));
  if (freshCounts.some((count) => count !== 42)) throw new Error("a racing client failed");
  const freshStats = await server.stats();

  return {
    samples,
    firstRequestBareMs: median(times.bare),
    firstRequestPreflightMs: median(times.preflight),
    addedMs: median(times.preflight) - median(times.bare),
    firstRequestKeptMs: median(times.kept),
    keptClientMs: median(times.keptClient),
    handshakeMs: median(handshakes),
    racingRequests: racing,
    preflightHandshakes: stats.handshakesWithoutRequest,
    racingClients,
    racingClientsHandshakes: freshStats.handshakesWithoutRequest,
  };
}
