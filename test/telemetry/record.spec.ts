import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { metrics, trace } from "@opentelemetry/api";
import { catalog, diagnose, diagnosisPolicy, recordDiagnosis } from "../../src/index.js";
import { isErrorStatus, serviceOf } from "../../src/telemetry/attributes.js";
import { PACKAGE_VERSION } from "../../src/telemetry/version.js";
import { failure } from "../support/clients.js";
import { useOpenTelemetry } from "./support.js";

const ROOT = new URL("../../", import.meta.url);
const expired = () => Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" });

/** A Search request as the SDK builds it, answered at once with the service's 404. */
function sendMissingIndex(policy: PipelinePolicy): Promise<unknown> {
  const request = createPipelineRequest({
    url: "https://localhost:1/indexes('missing')/docs/$count?api-version=2026-04-01",
    headers: createHttpHeaders({
      "user-agent": "azsdk-js-search-documents/13.0.0 core-rest-pipeline/1.24.0",
    }),
  });
  return failure(() =>
    policy.sendRequest(request, async (sent: PipelineRequest) => ({
      request: sent,
      status: 404,
      headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8", "request-id": "1" }),
      bodyAsText: JSON.stringify({ error: { code: "", message: "The index 'missing' was not found." } }),
    })),
  );
}

describe("telemetry: what is recorded, where, and its bounds", () => {
  const otel = useOpenTelemetry({ contextManager: true });

  it("reports the meter with the version in package.json", () => {
    const manifest = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { version: string };
    assert.equal(PACKAGE_VERSION, manifest.version);
  });

  it("recordDiagnosis sets the attributes on the span it is given and counts, as the policy does", async () => {
    const diagnosis = diagnose(expired());
    assert.ok(diagnosis);
    const span = trace.getTracer("app").startSpan("openai.chat");
    recordDiagnosis(span, diagnosis);
    span.end();
    assert.deepEqual(otel.spans()[0]?.attributes, {
      "error.type": "tlsCertificateExpired",
      "azure_sdk_doctor.cause": "tlsCertificateExpired",
      "azure_sdk_doctor.category": "tls",
      "azure_sdk_doctor.confidence": "exact",
      "azure_sdk_doctor.retryable": false,
    });
    recordDiagnosis(undefined, diagnosis);
    assert.deepEqual((await otel.errorCounts()).points, [
      {
        attributes: {
          "azure_sdk_doctor.cause": "tlsCertificateExpired",
          "azure_sdk_doctor.category": "tls",
          "azure_sdk_doctor.service": "other",
          "error.type": "tlsCertificateExpired",
        },
        value: 2,
      },
    ]);
  });

  it("diagnose() alone records nothing", async () => {
    assert.ok(diagnose(expired()));
    assert.deepEqual((await otel.errorCounts()).points, []);
  });

  it("counts a failure after a meter provider is registered later in the life of the policy", async () => {
    const policy = diagnosisPolicy();
    metrics.disable();
    await sendMissingIndex(policy);
    const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } =
      await import("@opentelemetry/sdk-metrics");
    const reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    await sendMissingIndex(policy);
    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((m) =>
        m.dataPoints.map((point) => [point.attributes["azure_sdk_doctor.service"], point.value]),
      ),
    );
    assert.deepEqual(points, [["search", 1]]);
    await reader.shutdown();
  });

  it("takes the service from the evidence, and says 'other' for anything it does not know", () => {
    assert.equal(serviceOf({ service: "keyVault" }), "keyVault");
    assert.equal(serviceOf({ host: "contoso.vault.azure.net" }), "other", "the engine reads hosts, not this");
    assert.equal(serviceOf({ service: "contoso-internal" } as object), "other", "only known services");
    assert.equal(serviceOf({ service: "constructor" } as object), "other", "not Object's own keys");
  });

  it("puts on the metric only the error statuses Node.js names", () => {
    assert.ok(isErrorStatus(404) && isErrorStatus(503) && isErrorStatus(451));
    for (const status of [200, 304, 399, 499, 599, 600, 403.5, Number.NaN]) assert.ok(!isErrorStatus(status));
  });

  it("states in the README the bound on the counter's series that the built-in catalog gives", () => {
    const errorStatuses = Object.keys(STATUS_CODES).map(Number).filter(isErrorStatus).length;
    // A cause's category is its own and error.type repeats it: a cause's series are the services it may
    // meet (its own, or all six and "other") times the statuses it may explain (a rule without declared
    // statuses: any named error status, or none; a finding named by id: none).
    const statusesOf = (rule: (typeof catalog)[number]): number =>
      !rule.match
        ? 1
        : rule.statuses
          ? rule.statuses.filter((s) => s === null || isErrorStatus(s)).length
          : errorStatuses + 1;
    const bound = catalog.reduce((sum, rule) => sum + (rule.services?.length ?? 7) * statusesOf(rule), 0);
    assert.ok(bound < 2000, "under the OpenTelemetry JS SDK's default limit of 2,000 series per metric");
    const readme = readFileSync(new URL("README.md", ROOT), "utf8").replace(/\s+/g, " ");
    assert.ok(
      readme.includes(`at most ${bound.toLocaleString("en-US")} series for the built-in catalog`),
      `README states the bound: ${bound}`,
    );
    assert.ok(readme.includes(`${7 * (errorStatuses + 1)} more for each rule of your own`));
  });
});

describe("telemetry with an @opentelemetry/api newer than the application's", function () {
  this.timeout(60_000);
  const run = promisify(execFile);
  const src = pathToFileURL(new URL("../../src/index.ts", import.meta.url).pathname).href;
  const here = createRequire(import.meta.url);
  /** The directory of the copy of @opentelemetry/api that a module at `from` loads. */
  const apiDirectory = (from: string): string =>
    /^(.*[\\/]@opentelemetry[\\/]api)[\\/]/.exec(here.resolve("@opentelemetry/api", { paths: [from] }))![1]!;
  const ownApi = apiDirectory(new URL(".", ROOT).pathname);
  // The Azure SDK instrumentation brings its own, older copy of the API; an app may register through it.
  const olderApi = apiDirectory(here.resolve("@azure/opentelemetry-instrumentation-azure-sdk"));

  /** Registers a meter provider through the given API copy in a fresh process, then counts one failure. */
  async function countWith(api: string): Promise<{ registeredBy: string; points: number[] }> {
    const program = `
      import { createRequire } from "node:module";
      const require = createRequire(${JSON.stringify(new URL("package.json", ROOT).href)});
      const api = require(${JSON.stringify(api)});
      const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter } = require("@opentelemetry/sdk-metrics");
      const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(1), exportIntervalMillis: 3600000 });
      api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
      const { diagnose, recordDiagnosis } = await import(${JSON.stringify(src)});
      recordDiagnosis(undefined, diagnose(Object.assign(new Error("x"), { code: "CERT_HAS_EXPIRED" })));
      const { resourceMetrics } = await reader.collect();
      const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => m.dataPoints.map((p) => p.value)));
      console.log(JSON.stringify({ registeredBy: require(${JSON.stringify(`${api}/package.json`)}).version, points }));
    `;
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", program],
      {
        cwd: new URL(".", ROOT).pathname,
      },
    );
    return JSON.parse(stdout) as { registeredBy: string; points: number[] };
  }

  it("counts through the app's own copy, and gets no-ops when the app registered with an older one", async () => {
    const own = await countWith(ownApi);
    assert.deepEqual(own, { registeredBy: "1.10.0", points: [1] });
    const older = await countWith(olderApi);
    assert.match(older.registeredBy, /^1\.9\./, "the instrumentation's nested API is an older minor");
    assert.deepEqual(older.points, [], "a newer API copy than the registered one records nothing");
  });
});
