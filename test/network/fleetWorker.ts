/**
 * One instance of the fleet in test/network/fleet.spec.ts: an application process with a SearchClient
 * carrying the diagnosis policy, and the OpenTelemetry SDK with the Prometheus exporter on its own
 * loopback port, as an operator would run it. It makes the calls it is given, prints the causes
 * diagnose() named, then serves its metrics until it is stopped.
 *
 * Argument: JSON {@link FleetWorkerPlan}. NODE_EXTRA_CA_CERTS must name the stand-in's root.
 */
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy } from "../../src/index.js";

/** What one worker does. */
export interface FleetWorkerPlan {
  /** The instance's name, for messages; Prometheus labels it by its scrape target. */
  instance: string;
  /** The Search stand-in's endpoint. */
  endpoint: string;
  adminKey: string;
  /** The port of its /metrics, on 127.0.0.1. */
  port: number;
  /** Calls to make: the index (which picks the stand-in's answer), how often, and with which key. */
  calls: { index: string; times: number; key?: "admin" | "unknown" }[];
}

const plan = JSON.parse(process.argv[2] ?? "{}") as FleetWorkerPlan;

const exporter = new PrometheusExporter({ host: "127.0.0.1", port: plan.port });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));

const causes: Record<string, number> = {};
for (const call of plan.calls) {
  const key = call.key === "unknown" ? "not-a-key-of-this-service" : plan.adminKey;
  const client = new SearchClient(plan.endpoint, call.index, new AzureKeyCredential(key), {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
  });
  for (let i = 0; i < call.times; i++) {
    try {
      await client.getDocumentsCount();
    } catch (error) {
      const cause = diagnose(error)?.cause ?? "undiagnosed";
      causes[cause] = (causes[cause] ?? 0) + 1;
    }
  }
}
console.log(JSON.stringify({ instance: plan.instance, causes }));
// The exporter's server does not hold the process open: this does, so it serves /metrics until stopped.
setInterval(() => undefined, 60_000);
