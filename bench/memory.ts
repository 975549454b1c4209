/**
 * Heap retained after many requests: through the policy against the same without it, and after
 * failures, each measured after full garbage collections once the requests are done.
 */
import { benchClient, drive, type BenchServer } from "./loopback.js";

/** The figures of the memory benchmark, in bytes. */
export interface MemoryFigures {
  requests: number;
  /** Heap growth over the baseline after the requests without the policy. */
  bareGrowth: number;
  /**
   * Heap after the same requests with the policy, against the heap after those without it: what the
   * policy keeps.
   */
  policyGrowth: number;
  /** Heap growth over the previous step after as many failures through the policy (503, diagnosed). */
  failureGrowth: number;
}

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Measures retained heap.
 *
 * @param server - the benchmark service.
 * @param requests - requests per step.
 * @param concurrency - requests in flight at once.
 */
export async function measureMemory(
  server: BenchServer,
  requests = 100_000,
  concurrency = 8,
): Promise<MemoryFigures> {
  const bare = benchClient(server.endpoint, "bare");
  const policy = benchClient(server.endpoint, "policy");
  const failing = benchClient(server.endpoint, "policy", "throttled");
  const count = (client: typeof bare) => () => client.getDocumentsCount();

  // Warm every path first, so that compiled code and agents' sockets are not counted as growth.
  await drive(2000, concurrency, count(bare));
  await drive(2000, concurrency, count(policy));
  await drive(2000, concurrency, count(failing));

  const baseline = await settledHeap();
  if ((await drive(requests, concurrency, count(bare))) !== 0)
    throw new Error("a request without the policy failed");
  const afterBare = await settledHeap();
  if ((await drive(requests, concurrency, count(policy))) !== 0)
    throw new Error("a request with the policy failed");
  const afterPolicy = await settledHeap();
  if ((await drive(requests, concurrency, count(failing))) !== requests)
    throw new Error("a throttled request succeeded");
  const afterFailures = await settledHeap();

  return {
    requests,
    bareGrowth: afterBare - baseline,
    policyGrowth: afterPolicy - afterBare,
    failureGrowth: afterFailures - afterPolicy,
  };
}
