/**
 * Starts the benchmark's HTTPS service in a worker thread, with a certificate from a root this
 * process trusts (as NODE_EXTRA_CA_CERTS would), and builds the SearchClients measured against it.
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnosisPolicy, type DiagnosisPolicyOptions } from "../src/index.js";
import { createAuthority } from "../standin/certs.js";
import { trustInProcess } from "../standin/servers.js";

/** What the service counted since the last reset. */
export interface ServerStats {
  handshakes: number;
  /** TLS handshakes whose connection carried no HTTP request (closed or still open). */
  handshakesWithoutRequest: number;
  requests: number;
}

/** A running benchmark service. */
export interface BenchServer {
  /** https://localhost:PORT */
  endpoint: string;
  stats(): Promise<ServerStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the service; the process trusts its root until `close`. */
export async function startBenchServer(): Promise<BenchServer> {
  const authority = createAuthority("Benchmark Test Root");
  const leaf = authority.issue({ hosts: ["localhost", "127.0.0.1"] });
  const untrust = trustInProcess(authority.cert);
  const worker = new Worker(new URL("./serverWorker.ts", import.meta.url), {
    workerData: { cert: leaf.fullChain, key: leaf.key },
  });
  const ask = async <T>(type: string): Promise<T> => {
    const reply = new Promise<T>((resolve) => {
      const onMessage = (message: { type: string } & T): void => {
        if (message.type !== type && !(type === "close" && message.type === "closed")) return;
        worker.off("message", onMessage);
        resolve(message);
      };
      worker.on("message", onMessage);
    });
    worker.postMessage({ type });
    return reply;
  };
  const [listening] = (await once(worker, "message")) as [{ port: number }];
  return {
    endpoint: `https://localhost:${listening.port}`,
    stats: () => ask<ServerStats>("stats"),
    reset: async () => {
      await ask("reset");
    },
    close: async () => {
      await ask("close");
      await worker.terminate();
      untrust();
    },
  };
}

/** How a measured client is set up. */
export type Variant = "bare" | "policy" | "preflight";

/**
 * A SearchClient for the "hotels" index (or another), with no retries so that a failure costs one
 * request, and with the policy as a user installs it, or without it.
 *
 * @param endpoint - the service URL.
 * @param variant - without the policy, with it, or with it and its preflight.
 * @param indexName - the index, which picks the answer.
 * @param cold - give the client its own HttpClient, so that it opens its own connections: SDK clients
 * otherwise share one, and a new client's first request reuses a connection another client opened.
 */
export function benchClient(
  endpoint: string,
  variant: Variant,
  indexName = "hotels",
  cold = false,
): SearchClient<Record<string, unknown>> {
  const options: DiagnosisPolicyOptions = variant === "preflight" ? { preflight: true } : {};
  return new SearchClient<Record<string, unknown>>(
    endpoint,
    indexName,
    new AzureKeyCredential("bench-admin-key-0123456789"),
    {
      retryOptions: { maxRetries: 0 },
      ...(cold ? { httpClient: createDefaultHttpClient() } : {}),
      additionalPolicies:
        variant === "bare" ? [] : [{ policy: diagnosisPolicy(options), position: "perCall" }],
    },
  );
}

/**
 * Runs `total` calls with at most `concurrency` in flight.
 *
 * @param total - how many calls.
 * @param concurrency - how many at once.
 * @param call - one call; a rejection counts as a done call.
 */
export async function drive(
  total: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  let started = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      try {
        await call();
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return failed;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * A quantile of a list of numbers, by the nearest rank.
 *
 * @param values - the sample.
 * @param q - between 0 and 1.
 */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
