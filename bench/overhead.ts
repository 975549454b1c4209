/**
 * Success-path overhead: the same getDocumentsCount() loop with and without the policy (and with its
 * preflight on), interleaved request by request in rounds in one process, so that drift in the machine
 * hits every variant alike.
 */
import { benchClient, median, quantile, type BenchServer, type Variant } from "./loopback.js";

/** Microseconds per request of one variant, over every request it made. */
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
  /** The median over rounds of the ratio of mean µs/request in each round. */
  medianOfRoundRatios: number;
  preflightRatioOfMedians?: number;
}

/**
 * Measures the success path.
 *
 * @param server - the benchmark service.
 * @param variants - which clients to compare; "bare" must be among them.
 * @param rounds - how many interleaved rounds.
 * @param requestsPerRound - requests per variant per round, one of each variant in turn.
 */
export async function measureOverhead(
  server: BenchServer,
  variants: readonly Variant[],
  rounds = 40,
  requestsPerRound = 250,
): Promise<OverheadFigures> {
  const clients = new Map(variants.map((variant) => [variant, benchClient(server.endpoint, variant)]));
  const perRound = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
  const perRequest = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));

  const once = async (variant: Variant): Promise<number> => {
    const start = process.hrtime.bigint();
    if ((await clients.get(variant)!.getDocumentsCount()) !== 42) throw new Error(`${variant}: wrong count`);
    return Number(process.hrtime.bigint() - start) / 1000;
  };

  for (let i = 0; i < 500; i++) for (const variant of variants) await once(variant);
  for (let round = 0; round < rounds; round++) {
    const sums = new Map<Variant, number>(variants.map((variant) => [variant, 0]));
    for (let i = 0; i < requestsPerRound; i++) {
      // Alternate request by request, rotating who goes first, so that load from elsewhere on the
      // machine falls on every variant alike.
      for (let j = 0; j < variants.length; j++) {
        const variant = variants[(i + j) % variants.length]!;
        const us = await once(variant);
        perRequest.get(variant)!.push(us);
        sums.set(variant, sums.get(variant)! + us);
      }
    }
    for (const variant of variants) perRound.get(variant)!.push(sums.get(variant)! / requestsPerRound);
  }

  const figures: OverheadFigures["variants"] = {};
  for (const [variant, samples] of perRequest) {
    figures[variant] = {
      medianUs: median(samples),
      p25Us: quantile(samples, 0.25),
      p75Us: quantile(samples, 0.75),
    };
  }
  const bare = perRound.get("bare")!;
  const ratios = (variant: Variant): number[] => perRound.get(variant)!.map((us, i) => us / bare[i]!);
  return {
    rounds,
    requestsPerRound,
    variants: figures,
    ratioOfMedians: figures.policy!.medianUs / figures.bare!.medianUs,
    medianOfRoundRatios: median(ratios("policy")),
    preflightRatioOfMedians: figures.preflight
      ? figures.preflight.medianUs / figures.bare!.medianUs
      : undefined,
  };
}
