/**
 * diagnose() throughput over the mixed corpus, and the cost of the slowest kind of failure in it.
 */
import { PerformanceObserver, performance, type PerformanceEntry } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { diagnose } from "../src/index.js";
import { buildCorpus } from "./corpus.js";
import { median, quantile } from "./loopback.js";

/** The figures of the diagnose() benchmark. */
export interface DiagnoseFigures {
  corpusSize: number;
  /** Corpus entries whose diagnosis differs from the expected cause. */
  misclassified: string[];
  /** Median over rounds of classifications per second on the whole mix. */
  perSecond: number;
  /** The corpus entry with the highest median time per call. */
  slowestEntry: string;
  slowestMedianUs: number;
  /** The 99th percentile of the single calls on that entry. */
  slowestP99Us: number;
  /** The longest single call seen on any entry, garbage collection and scheduling included. */
  maxSingleCallUs: number;
  /** How many single calls were timed, over all entries. */
  singleCalls: number;
  /** The single calls that took longer than the threshold. */
  callsOverThreshold: number;
  /** Of those, the ones during which the garbage collector ran. */
  callsOverThresholdDuringGc: number;
}

/**
 * Measures diagnose().
 *
 * @param rounds - how many throughput rounds.
 * @param callsPerEntry - how many single timed calls per corpus entry.
 * @param thresholdUs - single calls longer than this are counted, and checked against GC pauses.
 */
export async function measureDiagnose(
  rounds = 9,
  callsPerEntry = 2000,
  thresholdUs = 50,
): Promise<DiagnoseFigures> {
  const corpus = buildCorpus();
  const misclassified = corpus
    .filter((entry) => diagnose(entry.error)?.cause !== entry.expected)
    .map((entry) => entry.name);
  let sink = 0;

  for (let i = 0; i < 20_000; i++) sink += diagnose(corpus[i % corpus.length]!.error) ? 1 : 0;

  const rates: number[] = [];
  const perRound = corpus.length * 2000;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) sink += diagnose(corpus[i % corpus.length]!.error) ? 1 : 0;
    rates.push(perRound / (Number(process.hrtime.bigint() - start) / 1e9));
  }

  // A slow single call is either work or a pause of the process: the garbage collector's show here.
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  const slowCalls: { startMs: number; endMs: number }[] = [];
  let slowest = { name: "", medianUs: 0, p99Us: 0 };
  let maxSingleCallUs = 0;
  for (const entry of corpus) {
    const times: number[] = [];
    for (let i = 0; i < callsPerEntry; i++) {
      const start = performance.now();
      sink += diagnose(entry.error) ? 1 : 0;
      const end = performance.now();
      const us = (end - start) * 1000;
      times.push(us);
      if (us > thresholdUs) slowCalls.push({ startMs: start, endMs: end });
    }
    const medianUs = median(times);
    maxSingleCallUs = Math.max(maxSingleCallUs, ...times);
    if (medianUs > slowest.medianUs) slowest = { name: entry.name, medianUs, p99Us: quantile(times, 0.99) };
  }
  if (sink < 0) throw new Error("unreachable: keeps the calls from being optimised away");
  // GC entries arrive on the event loop, after the synchronous calls above.
  await sleep(50);
  observer.disconnect();
  const duringGc = slowCalls.filter((call) =>
    pauses.some((pause) => pause.startTime < call.endMs && pause.startTime + pause.duration > call.startMs),
  );

  return {
    corpusSize: corpus.length,
    misclassified,
    perSecond: median(rates),
    slowestEntry: slowest.name,
    slowestMedianUs: slowest.medianUs,
    slowestP99Us: slowest.p99Us,
    maxSingleCallUs,
    singleCalls: corpus.length * callsPerEntry,
    callsOverThreshold: slowCalls.length,
    callsOverThresholdDuringGc: duringGc.length,
  };
}
