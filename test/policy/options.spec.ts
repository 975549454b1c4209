import assert from "node:assert/strict";
import util from "node:util";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createPipelineRequest,
  isRestError,
  RestError,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import nock from "nock";
import { useNock } from "../support/nock.js";
import {
  diagnose,
  diagnosisPolicy,
  type Diagnosis,
  type DiagnosisRule,
  type FailureSignals,
} from "../../src/index.js";
import { enrichError } from "../../src/report/enrich.js";
import { failure, installations, searchClient } from "../support/clients.js";
import { closedPort } from "../../standin/servers.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "options-secret-key-8f1b6d";
const REQUEST_ID = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const MARKER = "[azure-sdk-doctor]";

const ownRule = (match: DiagnosisRule["match"]): DiagnosisRule => ({
  cause: "contosoFirewallChange",
  category: "network",
  signal: "403 from the Contoso search service",
  summary: "Contoso's network team moved the search service behind the new firewall.",
  remediation: ["Ask the network team to add this machine to the allow list."],
  docs: ["https://wiki.contoso.example/search-firewall"],
  match,
});

describe("diagnosisPolicy: options, enrichment and what an error keeps", () => {
  useNock();

  for (const installation of installations) {
    describe(`installed with ${installation}`, () => {
      it("turns the 13.0.0 TypeError for an empty-bodied error into a RestError with the status", async () => {
        nock(ENDPOINT).get(/.*/).times(2).reply(404, "", { "request-id": REQUEST_ID });
        const plain = new SearchClient(ENDPOINT, "hotels", new AzureKeyCredential(API_KEY), {
          retryOptions: { maxRetries: 0 },
        });
        const without = await failure(() => plain.getDocumentsCount());
        assert.ok(without instanceof TypeError, "13.0.0 alone throws a TypeError");

        const error = await failure(() =>
          searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }).getDocumentsCount(),
        );
        assert.ok(isRestError(error));
        assert.equal(error.statusCode, 404);
        assert.equal(error.response?.headers.get("request-id"), REQUEST_ID);
        assert.match(error.message, /^Unexpected status code: 404\n/);
        assert.equal(diagnose(error)?.cause, "resourceNotFound");
      });

      it("keeps the service's code and details of a JSON error", async () => {
        const body = {
          error: {
            code: "InvalidRequestParameter",
            message: "Unknown semantic configuration 'deafult'.",
            details: [{ code: "x", message: "y" }],
          },
        };
        nock(ENDPOINT)
          .post(/.*/)
          .reply(400, JSON.stringify(body), { "content-type": "application/json", "request-id": REQUEST_ID });
        const client = searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation });
        const error = await failure(() =>
          client
            .search("x", { queryType: "semantic", semanticSearchOptions: { configurationName: "deafult" } })
            .then((r) => r.results.next()),
        );
        assert.ok(isRestError(error));
        assert.equal(error.code, "InvalidRequestParameter");
        assert.deepEqual(error.details, body);
        assert.equal(error.request?.method, "POST");
        assert.equal(diagnose(error)?.cause, "semanticConfigurationNotFound");
        assert.equal(diagnose(error)?.evidence.serviceCode, "InvalidRequestParameter");
      });

      it("calls onDiagnosis once with the diagnosis and the error thrown", async () => {
        nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
        const calls: [Diagnosis, unknown][] = [];
        const client = searchClient({
          endpoint: ENDPOINT,
          apiKey: API_KEY,
          installation,
          policy: { onDiagnosis: (d, e) => calls.push([d, e]) },
        });
        const error = await failure(() => client.getDocumentsCount());
        assert.equal(calls.length, 1);
        assert.equal(calls[0]?.[1], error, "the error the caller catches");
        assert.deepEqual(calls[0]?.[0], diagnose(error));
      });

      it("ignores what onDiagnosis throws: the caller still gets the diagnosed error", async () => {
        const client = searchClient({
          endpoint: `https://localhost:${await closedPort()}`,
          apiKey: API_KEY,
          installation,
          policy: {
            onDiagnosis: () => {
              throw new Error("metrics backend down");
            },
          },
        });
        const error = await failure(() => client.getDocumentsCount());
        assert.ok(isRestError(error));
        assert.equal(error.code, "ECONNREFUSED");
        assert.equal(diagnose(error)?.cause, "connectionRefused");
        assert.doesNotMatch(error.message, /metrics backend down/);
      });

      it("tries custom rules before the catalog, with redacted signals", async () => {
        nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
        const seen: FailureSignals[] = [];
        const rule = ownRule((s) => {
          seen.push(s);
          return s.status === 403 && s.host === "contoso-search.search.windows.net";
        });
        const client = searchClient({
          endpoint: ENDPOINT,
          apiKey: API_KEY,
          installation,
          policy: { rules: [rule] },
        });
        const error = await failure(() => client.getDocumentsCount());

        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "contosoFirewallChange", "the own rule wins over invalidApiKey");
        assert.equal(diagnosis?.confidence, "exact");
        assert.deepEqual(diagnosis?.docs, ["https://wiki.contoso.example/search-firewall"]);
        assert.match(
          (error as Error).message,
          /\[azure-sdk-doctor\] contosoFirewallChange: Contoso's network team/,
        );
        assert.equal(seen.length, 1);
        assert.ok(!JSON.stringify(seen[0]).includes(API_KEY), "a rule never sees the key");
      });

      it("skips a custom rule that throws and falls back to the catalog", async () => {
        nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
        const broken = ownRule(() => {
          throw new Error("bug in the rule");
        });
        const client = searchClient({
          endpoint: ENDPOINT,
          apiKey: API_KEY,
          installation,
          policy: { rules: [broken] },
        });
        const error = await failure(() => client.getDocumentsCount());
        assert.equal(diagnose(error)?.cause, "invalidApiKey");
        assert.equal((error as { statusCode?: number }).statusCode, 403);
      });
    });
  }

  it("a SAS signature in the URL, echoed by the service, appears nowhere the policy writes", async () => {
    const sig = "Zk9vQmFyU2VjcmV0U2lnbmF0dXJlVmFsdWU=";
    const body = `<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code><Message>Signature did not match. sig=${sig}</Message><AuthenticationErrorDetail>Signature did not match. String to sign used was r\n\nsig:${sig}</AuthenticationErrorDetail></Error>`;
    nock("https://acct.blob.core.windows.net").get(/.*/).reply(403, body, {
      "content-type": "application/xml",
      "x-ms-request-id": REQUEST_ID,
      "x-ms-error-code": "AuthenticationFailed",
    });
    const pipeline = createEmptyPipeline();
    const seen: unknown[] = [];
    pipeline.addPolicy(diagnosisPolicy({ onDiagnosis: (diagnosis) => seen.push(diagnosis) }));
    const url = `https://acct.blob.core.windows.net/c/b.txt?sv=2024-11-04&sr=b&sp=r&sig=${encodeURIComponent(sig)}`;
    const request = createPipelineRequest({ url });
    // Storage's failing response goes on to the client untouched, which builds its own error from it.
    const response = await pipeline.sendRequest(createDefaultHttpClient(), request);
    assert.equal(response.status, 403);
    assert.equal(response.bodyAsText, body);
    const error = new RestError("Signature did not match.", { statusCode: 403, request, response });

    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "storageAuthenticationFailed");
    assert.equal(diagnosis?.evidence.credential, "sas");
    assert.deepEqual(seen, [diagnosis]);
    const text = JSON.stringify(diagnosis);
    assert.ok(
      !text.includes(sig) && !text.includes(encodeURIComponent(sig)),
      "the signature appears nowhere",
    );
  });

  describe("an error passed through two diagnosis policies is enriched once", () => {
    /** A second copy under another name: a library and its app may each add one. */
    const second = (onDiagnosis: () => void): PipelinePolicy => ({
      ...diagnosisPolicy({ onDiagnosis }),
      name: "appDiagnosisPolicy",
    });

    function twice(
      endpoint: string,
      counts: { inner: number; outer: number },
    ): SearchClient<Record<string, unknown>> {
      const client = searchClient({
        endpoint,
        apiKey: API_KEY,
        policy: { onDiagnosis: () => counts.outer++ },
      });
      client.pipeline.addPolicy(
        second(() => counts.inner++),
        { phase: "Retry" },
      );
      return client;
    }

    it("a thrown transport error", async () => {
      const counts = { inner: 0, outer: 0 };
      const client = twice(`https://localhost:${await closedPort()}`, counts);
      const error = await failure(() => client.getDocumentsCount());
      assert.equal((error as Error).message.split(MARKER).length, 2);
      assert.equal(String((error as Error).stack).split(MARKER).length, 2);
      assert.deepEqual(counts, { inner: 1, outer: 0 }, "one callback, from the policy that diagnosed it");
    });

    it("an error response", async () => {
      nock(ENDPOINT).get(/.*/).reply(503, "", { "request-id": REQUEST_ID });
      const counts = { inner: 0, outer: 0 };
      const error = await failure(() => twice(ENDPOINT, counts).getDocumentsCount());
      assert.equal((error as Error).message.split(MARKER).length, 2);
      assert.equal(diagnose(error)?.cause, "throttled");
      assert.deepEqual(counts, { inner: 1, outer: 0 });
      assert.ok(!util.inspect(error).includes(API_KEY));
    });

    it("enriching an error twice keeps the first diagnosis and its text once", () => {
      const error = new Error("connect ECONNREFUSED 127.0.0.1:443");
      const first = diagnose(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
      );
      const other = diagnose(Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }));
      assert.ok(first && other);
      assert.equal(enrichError(error, first), true);
      assert.equal(enrichError(error, other), false);
      assert.equal(diagnose(error)?.cause, "connectionRefused");
      assert.equal(error.message.split(MARKER).length, 2);
      assert.equal(String(error.stack).split(MARKER).length, 2);
      assert.ok(error.message.startsWith("connect ECONNREFUSED 127.0.0.1:443\n"));
    });
  });
});
