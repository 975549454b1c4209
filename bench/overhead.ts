/**
 * Success-path overhead: the same getDocumentsCount() loop with and without the policy (and with its
 * preflight on), interleaved in rounds in one process so that drift in the machine hits every variant
 * alike.
 */
import { benchClient, median, quantile, type BenchServer, type Variant } from "./loopback.js";

/** Microseconds per request of one variant over the rounds. */
export interface VariantFigures {
  medianUs: number;
  p25Us: number;
  p75Us: number;
}

/** The figures of the success-path benchmark. */
export interface OverheadFigures {
  rounds: number;
  requestsPerRound: number;
  variants: Partial<Record<Variant, VariantFigures>>;
  /** Median µs/request with the policy over the same without it. */
  ratioOfMedians: number;
  /** The median over rounds of the per-round ratio, which cancels drift between rounds. */
  medianOfRoundRatios: number;
  preflightRatioOfMedians?: number;
}

/**
 * Measures the success path.
 *
 * @param server - the benchmark service.
 * @param variants - which clients to compare; "bare" must be among them.
 * @param rounds - how many interleaved rounds.
 * @param requestsPerRound - sequential requests per variant per round.
 */
export async function measureOverhead(
  server: BenchServer,
  variants: readonly Variant[],
  rounds = 40,
  requestsPerRound = 250,
): Promise<OverheadFigures> {
  const clients = new Map(variants.map((variant) => [variant, benchClient(server.endpoint, variant)]));
  const perRound = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));

  const loop = async (variant: Variant, count: number): Promise<number> => {
    const client = clients.get(variant)!;
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      if ((await client.getDocumentsCount()) !== 42) throw new Error(`${variant}: wrong count`);
    }
    return Number(process.hrtime.bigint() - start) / 1000 / count;
  };

  for (const variant of variants) await loop(variant, 500);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so that no variant always runs first (or last) in a round.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length]!;
      perRound.get(variant)!.push(await loop(variant, requestsPerRound));
    }
  }

  const figures: OverheadFigures["variants"] = {};
  for (const [variant, samples] of perRound) {
    figures[variant] = { medianUs: median(samples), p25Us: quantile(samples, 0.25), p75Us: quantile(samples, 0.75) };
  }
  const bare = perRound.get("bare")!;
  const ratios = (variant: Variant): number[] => perRound.get(variant)!.map((us, i) => us / bare[i]!);
  return {
    rounds,
    requestsPerRound,
    variants: figures,
    ratioOfMedians: figures.policy!.medianUs / figures.bare!.medianUs,
    medianOfRoundRatios: median(ratios("policy")),
    preflightRatioOfMedians: figures.preflight ? figures.preflight.medianUs / figures.bare!.medianUs : undefined,
  };
}
