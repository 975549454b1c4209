import assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { SpanKind, trace, type Span } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline } from "@azure/storage-blob";
import { diagnose, diagnosisPolicy, type Diagnosis } from "../../src/index.js";
import { failure, searchClient } from "../support/clients.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";
import { useTrustedRoot } from "../support/trust.js";
import {
  ENTRA,
  startEntra,
  startKeyVault,
  startStorage,
  useOpenTelemetry,
  type ErrorCount,
  type OpenTelemetryHarness,
  type StandInServer,
} from "./support.js";

const STORAGE_KEY = Buffer.from("storage-account-key-for-the-telemetry-spec").toString("base64");
const OUR_SPAN_KEYS = [
  "error.type",
  "azure_sdk_doctor.cause",
  "azure_sdk_doctor.category",
  "azure_sdk_doctor.confidence",
  "azure_sdk_doctor.retryable",
];

/** The one client method span of the call, and the HTTP spans under it. */
function spansOf(otel: OpenTelemetryHarness, name: string): { method: ReadableSpan; http: ReadableSpan[] } {
  const methods = otel.spans().filter((span) => span.name === name);
  assert.equal(
    methods.length,
    1,
    `one ${name} span among ${otel
      .spans()
      .map((s) => s.name)
      .join(", ")}`,
  );
  const method = methods[0]!;
  assert.equal(method.kind, SpanKind.INTERNAL);
  const http = otel
    .spans()
    .filter(
      (span) =>
        span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === method.spanContext().spanId,
    );
  assert.ok(http.length > 0, "the HTTP spans are the method span's children");
  return { method, http };
}

/** The method span carries the diagnosis, and the HTTP spans none of it. */
function assertSpanCarries(
  spans: { method: ReadableSpan; http: ReadableSpan[] },
  diagnosis: Diagnosis,
): void {
  assert.deepEqual(Object.fromEntries(OUR_SPAN_KEYS.map((key) => [key, spans.method.attributes[key]])), {
    "error.type": diagnosis.cause,
    "azure_sdk_doctor.cause": diagnosis.cause,
    "azure_sdk_doctor.category": diagnosis.category,
    "azure_sdk_doctor.confidence": diagnosis.confidence,
    "azure_sdk_doctor.retryable": diagnosis.retryable,
  });
  assert.equal(spans.method.status.code, 2, "the client's own instrumentation marks the call failed");
  for (const span of spans.http)
    for (const key of OUR_SPAN_KEYS) assert.equal(span.attributes[key], undefined, `${key} on ${span.name}`);
}

/** One count of the diagnosis, with exactly the documented attributes and nothing that identifies a request. */
function assertCountedOnce(
  points: ErrorCount[],
  diagnosis: Diagnosis,
  service: string,
  status: number,
): void {
  assert.deepEqual(points, [
    {
      attributes: {
        "azure_sdk_doctor.cause": diagnosis.cause,
        "azure_sdk_doctor.category": diagnosis.category,
        "azure_sdk_doctor.service": service,
        "error.type": diagnosis.cause,
        "http.response.status_code": status,
      },
      value: 1,
    },
  ]);
}

for (const contextManager of [true, false]) {
  describe(`telemetry on the real client method span, ${contextManager ? "with" : "without"} a context manager`, () => {
    const otel = useOpenTelemetry({ contextManager });
    let standIn: SearchStandIn;
    before(async () => {
      standIn = await startSearchStandIn();
    });
    after(() => standIn.close());

    it("SearchClient: the 404's cause on SearchClient-getDocumentsCount and one count", async () => {
      let active: Span | undefined;
      const client = searchClient({
        endpoint: standIn.endpoint,
        apiKey: standIn.adminKey,
        indexName: "missing-index",
        policy: { onDiagnosis: () => (active = trace.getActiveSpan()) },
      });
      const diagnosis = diagnose(await failure(() => client.getDocumentsCount()));
      assert.equal(diagnosis?.cause, "indexNotFound");

      const spans = spansOf(otel, "SearchClient-getDocumentsCount");
      assertSpanCarries(spans, diagnosis);
      // The request's tracing context finds the method span where the active span, without a
      // context manager, is none.
      assert.equal(
        active?.spanContext().spanId,
        contextManager ? spans.method.spanContext().spanId : undefined,
      );
      const { points, scope } = await otel.errorCounts();
      assertCountedOnce(points, diagnosis, "search", 404);
      assert.deepEqual(scope, { name: "azure-sdk-doctor", version: "0.1.0", schemaUrl: undefined });
      const requestId = diagnosis.evidence.requestId;
      assert.ok(requestId, "the evidence has a request id, which the metric must not carry");
      for (const value of Object.values(points[0]!.attributes)) {
        assert.ok(!String(value).includes(requestId) && !String(value).includes("localhost"));
      }
      for (const span of otel.spans())
        for (const value of Object.values(span.attributes))
          assert.ok(!String(value).includes(standIn.adminKey), `no api-key on ${span.name}`);
    });

    it("SearchClient: a success leaves the span and the counter alone", async () => {
      const client = searchClient({ endpoint: standIn.endpoint, apiKey: standIn.adminKey });
      assert.equal(await client.getDocumentsCount(), 42);
      const { method } = spansOf(otel, "SearchClient-getDocumentsCount");
      for (const key of OUR_SPAN_KEYS) assert.equal(method.attributes[key], undefined);
      assert.deepEqual((await otel.errorCounts()).points, []);
    });

    it("telemetry: false records nothing, and the error is still diagnosed", async () => {
      const client = searchClient({
        endpoint: standIn.endpoint,
        apiKey: standIn.adminKey,
        indexName: "missing-index",
        policy: { telemetry: false },
      });
      assert.equal(diagnose(await failure(() => client.getDocumentsCount()))?.cause, "indexNotFound");
      const { method } = spansOf(otel, "SearchClient-getDocumentsCount");
      for (const key of OUR_SPAN_KEYS) assert.equal(method.attributes[key], undefined);
      assert.deepEqual((await otel.errorCounts()).points, []);
    });
  });
}

describe("telemetry through Key Vault and Storage clients, on their method spans", () => {
  const otel = useOpenTelemetry({ contextManager: true });
  const root = useTrustedRoot("Telemetry Stand-in Root");
  let entra: StandInServer;
  let vault: StandInServer;
  let storage: StandInServer;
  const savedEnv: Record<string, string | undefined> = {};
  before(async () => {
    entra = root.keep(await startEntra(root.ca));
    vault = root.keep(await startKeyVault(root.ca));
    storage = root.keep(await startStorage(root.ca));
    // The credential must see no AZURE_* settings of the machine running the tests.
    for (const name of Object.keys(process.env).filter((n) => n.startsWith("AZURE_"))) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
  });
  after(() => {
    Object.assign(process.env, savedEnv);
  });

  // Key Vault's 403 passes the policy as a response and SecretClient builds its own error from it; the
  // policy records the diagnosis on the method span all the same, and diagnose() finds it by the request.
  it("SecretClient.getSecret: the 403 is recorded once; the 401 challenge before it is not", async () => {
    const credential = new ClientSecretCredential(ENTRA.tenant, ENTRA.clientId, ENTRA.clientSecret, {
      authorityHost: entra.url,
      disableInstanceDiscovery: true,
    });
    const client = new SecretClient(vault.url, credential, {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
    });
    const error = await failure(() => client.getSecret("db-password"));
    assert.equal((error as { statusCode?: number }).statusCode, 403);
    assert.deepEqual(
      vault.server.requests.map((request) => Boolean(request.headers.authorization)),
      [false, true],
      "the challenge was answered: one request without a token, one with it",
    );
    const diagnosis = diagnose(error);
    assert.ok(diagnosis);
    assert.equal(diagnosis.cause, "keyVaultRbacDenied");

    assertSpanCarries(spansOf(otel, "SecretClient.getSecret"), diagnosis);
    assertCountedOnce((await otel.errorCounts()).points, diagnosis, "keyVault", 403);
    for (const span of otel.spans())
      for (const value of Object.values(span.attributes))
        assert.ok(!String(value).includes(ENTRA.accessToken) && !String(value).includes(ENTRA.clientSecret));
  });

  it("BlobServiceClient.getProperties: the XML 403 is recorded on BlobServiceClient-getProperties", async () => {
    const pipeline = newPipeline(new StorageSharedKeyCredential("devstoreaccount1", STORAGE_KEY), {
      retryOptions: { maxTries: 1 },
    });
    // Storage's option types lack additionalPolicies, which its core pipeline honours at run time.
    Object.assign(pipeline.options, {
      additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
    });
    const client = new BlobServiceClient(storage.url, pipeline);
    const error = await failure(() => client.getProperties());
    assert.equal((error as { statusCode?: number }).statusCode, 403);
    assert.equal(
      (error as { details?: { errorCode?: string } }).details?.errorCode,
      "AuthorizationPermissionMismatch",
    );
    const diagnosis = diagnose(error);
    assert.ok(diagnosis);
    assert.equal(diagnosis.cause, "storagePermissionMismatch");

    assertSpanCarries(spansOf(otel, "BlobServiceClient-getProperties"), diagnosis);
    assertCountedOnce((await otel.errorCounts()).points, diagnosis, "storage", 403);
    for (const span of otel.spans())
      for (const value of Object.values(span.attributes)) assert.ok(!String(value).includes(STORAGE_KEY));
  });
});
