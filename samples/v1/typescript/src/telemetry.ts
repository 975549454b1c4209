/**
 * @summary Counts failures by cause with OpenTelemetry: with an SDK registered, the policy adds each
 * diagnosed failure to the `azure_sdk_doctor.client.errors` counter (and puts `error.type` and the
 * `azure_sdk_doctor.*` attributes on the client method's span). An in-memory exporter stands in here
 * for Azure Monitor or Prometheus; in your service, `useAzureMonitor()` or NodeSDK registers one.
 */
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnosisPolicy } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

async function main(): Promise<void> {
  const { endpoint, credential, indexName, close } = await searchService();

  // What an application does once at start-up; the package itself registers nothing.
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

  const withPolicy = (index: string, key = credential) =>
    new SearchClient(endpoint, index, key, {
      additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
    });
  const calls = [
    () => withPolicy(indexName).getDocumentsCount(),
    () => withPolicy("missing-index").getDocumentsCount(),
    () => withPolicy("missing-index").getDocumentsCount(),
    () => withPolicy(indexName, new AzureKeyCredential("not-a-key-of-this-service")).getDocumentsCount(),
  ];
  for (const call of calls) {
    try {
      await call();
    } catch {
      // Counted by the policy; a real application would handle the error here.
    }
  }

  // An exporter does this on its own schedule; the sample asks now.
  await reader.forceFlush();
  console.log("azure_sdk_doctor.client.errors by cause:");
  for (const { scopeMetrics } of exporter.getMetrics()) {
    for (const { metrics: list } of scopeMetrics) {
      for (const metric of list.filter((m) => m.descriptor.name === "azure_sdk_doctor.client.errors")) {
        for (const point of metric.dataPoints) {
          const a = point.attributes;
          console.log(
            `  ${String(a["azure_sdk_doctor.cause"]).padEnd(16)} ${String(point.value).padStart(3)}  ` +
              `(${a["azure_sdk_doctor.category"]}, ${a["azure_sdk_doctor.service"]}, HTTP ${a["http.response.status_code"]})`,
          );
        }
      }
    }
  }

  await reader.shutdown();
  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
