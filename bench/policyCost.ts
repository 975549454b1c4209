/**
 * The policy's own cost, apart from any network: its `sendRequest` over a `next` that answers at once,
 * against a pass-through policy over the same `next`, with telemetry on and off. On the success path
 * telemetry runs no code, so on and off must match. On the failure path the counter is a real
 * OpenTelemetry SDK meter, registered for that measure only.
 */
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineResponse,
  type SendRequest,
} from "@azure/core-rest-pipeline";
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { diagnosisPolicy } from "../src/index.js";
import { median } from "./loopback.js";

/** Nanoseconds per call, medians over rounds. */
export interface PolicyCostFigures {
  rounds: number;
  successCallsPerRound: number;
  failureCallsPerRound: number;
  /** A policy that only calls `next`. */
  passThroughNs: number;
  /** The policy minus the pass-through, per successful call. */
  successOwnNs: { telemetryOn: number; telemetryOff: number };
  /** The policy per diagnosed 404 (diagnosis, enriched error, log line; and the span and count when on). */
  failureNs: { telemetryOn: number; telemetryOff: number };
}

const passThrough: PipelinePolicy = { name: "passThrough", sendRequest: (request, next) => next(request) };

/** Mean ns per call of `calls` sequential calls; a rejection is expected when `fails`. */
async function time(
  policy: PipelinePolicy,
  next: SendRequest,
  calls: number,
  fails: boolean,
): Promise<number> {
  const request = createPipelineRequest({
    url: "https://localhost/indexes('hotels')/docs/$count?api-version=2026-04-01",
    headers: createHttpHeaders({
      "api-key": "bench-admin-key-0123456789",
      "user-agent": "azsdk-js-search-documents/13.0.0",
    }),
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    try {
      await policy.sendRequest(request, next);
    } catch (error) {
      if (!fails) throw error;
    }
  }
  return Number(process.hrtime.bigint() - start) / calls;
}

/**
 * Rounds of each variant in turn, the order rotating, so that drift hits all alike.
 *
 * @param variants - the policies to time.
 * @param next - what they call.
 * @param rounds - how many rounds.
 * @param calls - calls per variant per round.
 * @param fails - whether `next`'s answer makes the policy throw.
 */
async function rounds(
  variants: readonly PipelinePolicy[],
  next: SendRequest,
  rounds: number,
  calls: number,
  fails: boolean,
): Promise<number[][]> {
  for (const policy of variants) await time(policy, next, calls, fails);
  const samples = variants.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < variants.length; j++) {
      const index = (round + j) % variants.length;
      samples[index]!.push(await time(variants[index]!, next, calls, fails));
    }
  }
  return samples;
}

/**
 * Measures the policy's own cost.
 *
 * @param roundCount - rounds per measure.
 * @param successCalls - successful calls per variant per round.
 * @param failureCalls - failed calls per variant per round.
 */
export async function measurePolicyCost(
  roundCount = 30,
  successCalls = 20_000,
  failureCalls = 1_000,
): Promise<PolicyCostFigures> {
  const on = diagnosisPolicy();
  const off = diagnosisPolicy({ telemetry: false });

  const ok: PipelineResponse = {
    request: createPipelineRequest({ url: "https://localhost/" }),
    status: 200,
    headers: createHttpHeaders({ "content-type": "text/plain" }),
    bodyAsText: "42",
  };
  const [bare, successOn, successOff] = await rounds(
    [passThrough, on, off],
    async () => ok,
    roundCount,
    successCalls,
    false,
  );
  const ownCost = (samples: number[]): number => median(samples.map((ns, i) => ns - bare![i]!));

  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  const missing: SendRequest = async (request) => ({
    request,
    status: 404,
    headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8", "request-id": "bench" }),
    bodyAsText: JSON.stringify({ error: { code: "", message: "The index 'hotels' was not found." } }),
  });
  let failures: number[][];
  try {
    failures = await rounds([on, off], missing, Math.ceil(roundCount / 2), failureCalls, true);
  } finally {
    await reader.shutdown();
    metrics.disable();
  }

  return {
    rounds: roundCount,
    successCallsPerRound: successCalls,
    failureCallsPerRound: failureCalls,
    passThroughNs: median(bare!),
    successOwnNs: { telemetryOn: ownCost(successOn!), telemetryOff: ownCost(successOff!) },
    failureNs: { telemetryOn: median(failures[0]!), telemetryOff: median(failures[1]!) },
  };
}
