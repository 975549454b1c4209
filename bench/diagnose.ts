/**
 * diagnose() throughput over the mixed corpus, and the cost of the slowest kind of failure in it.
 */
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
}

/**
 * Measures diagnose().
 *
 * @param rounds - how many throughput rounds.
 * @param callsPerEntry - how many single timed calls per corpus entry.
 */
export function measureDiagnose(rounds = 9, callsPerEntry = 2000): DiagnoseFigures {
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

  let slowest = { name: "", medianUs: 0, p99Us: 0 };
  let maxSingleCallUs = 0;
  for (const entry of corpus) {
    const times: number[] = [];
    for (let i = 0; i < callsPerEntry; i++) {
      const start = process.hrtime.bigint();
      sink += diagnose(entry.error) ? 1 : 0;
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    const medianUs = median(times);
    maxSingleCallUs = Math.max(maxSingleCallUs, ...times);
    if (medianUs > slowest.medianUs) slowest = { name: entry.name, medianUs, p99Us: quantile(times, 0.99) };
  }
  if (sink < 0) throw new Error("unreachable: keeps the calls from being optimised away");

  return {
    corpusSize: corpus.length,
    misclassified,
    perSecond: median(rates),
    slowestEntry: slowest.name,
    slowestMedianUs: slowest.medianUs,
    slowestP99Us: slowest.p99Us,
    maxSingleCallUs,
  };
}
