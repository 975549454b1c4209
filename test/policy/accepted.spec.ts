import assert from "node:assert/strict";
import {
  AzureKeyCredential,
  SearchClient,
  SearchIndexClient,
  SearchIndexerClient,
  SearchIndexingBufferedSender,
} from "@azure/search-documents";
import nock from "nock";
import { useNock } from "../support/nock.js";
import { diagnose, diagnosisPolicy } from "../../src/index.js";
import { failure, installations, type Installation } from "../support/clients.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "accepted-secret-key-4e8a17";
const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "request-id": "3b6f2a1c-0000-4000-8000-000000000001",
};

/** No policy, or the policy installed one of the two ways: the same answers must give the same results. */
type Setup = "none" | Installation;
const setups: readonly Setup[] = ["none", ...installations];

function options(setup: Setup) {
  return {
    retryOptions: { maxRetries: 0 },
    additionalPolicies:
      setup === "additionalPolicies" ? [{ policy: diagnosisPolicy(), position: "perCall" as const }] : [],
  };
}

function install<T extends { pipeline: { addPolicy(policy: ReturnType<typeof diagnosisPolicy>): void } }>(
  client: T,
  setup: Setup,
): T {
  if (setup === "addPolicy") client.pipeline.addPolicy(diagnosisPolicy());
  return client;
}

const credential = new AzureKeyCredential(API_KEY);
const search = (setup: Setup) =>
  install(new SearchClient<Record<string, unknown>>(ENDPOINT, "hotels", credential, options(setup)), setup);
const indexes = (setup: Setup) => install(new SearchIndexClient(ENDPOINT, credential, options(setup)), setup);
const indexers = (setup: Setup) =>
  install(new SearchIndexerClient(ENDPOINT, credential, options(setup)), setup);

const SEARCH_PAGE = {
  "@odata.count": 2,
  value: [
    { "@search.score": 1.5, id: "1", name: "Fancy Stay" },
    { "@search.score": 0.7, id: "2", name: "Roach Motel" },
  ],
};
const PARTIAL_INDEXING = {
  value: [
    { key: "1", status: true, errorMessage: null, statusCode: 201 },
    { key: "2", status: false, errorMessage: "Document is missing a key field.", statusCode: 400 },
  ],
};

/** Calls that succeed, with the answer the service gives them. */
const successes: {
  name: string;
  method: string;
  status: number;
  body: unknown;
  run: (setup: Setup) => Promise<unknown>;
}[] = [
  {
    name: "getDocumentsCount",
    method: "GET",
    status: 200,
    body: "42",
    run: (s) => search(s).getDocumentsCount(),
  },
  {
    name: "search",
    method: "POST",
    status: 200,
    body: SEARCH_PAGE,
    run: async (s) => {
      const found = await search(s).search("stay", { includeTotalCount: true });
      const results: unknown[] = [];
      for await (const result of found.results) results.push(result);
      return { count: found.count, results };
    },
  },
  {
    name: "search answered 206 (partial results)",
    method: "POST",
    status: 206,
    body: SEARCH_PAGE,
    run: async (s) => {
      const results: unknown[] = [];
      for await (const result of (await search(s).search("stay")).results) results.push(result);
      return results;
    },
  },
  {
    name: "getDocument",
    method: "GET",
    status: 200,
    body: { id: "1", name: "Fancy Stay" },
    run: (s) => search(s).getDocument("1"),
  },
  {
    name: "uploadDocuments answered 207 (partial indexing)",
    method: "POST",
    status: 207,
    body: PARTIAL_INDEXING,
    run: (s) => search(s).uploadDocuments([{ id: "1" }, { name: "no key" }]),
  },
  {
    name: "getIndex",
    method: "GET",
    status: 200,
    body: { name: "hotels", "@odata.etag": '"0x1"', fields: [{ name: "id", type: "Edm.String", key: true }] },
    run: (s) => indexes(s).getIndex("hotels"),
  },
];

/** Every delete operation takes 404 as success: deleting what is already gone. */
const deletes: { name: string; run: (setup: Setup) => Promise<unknown> }[] = [
  { name: "deleteIndex", run: (s) => indexes(s).deleteIndex("gone") },
  { name: "deleteSynonymMap", run: (s) => indexes(s).deleteSynonymMap("gone") },
  { name: "deleteAlias", run: (s) => indexes(s).deleteAlias("gone") },
  { name: "deleteKnowledgeBase", run: (s) => indexes(s).deleteKnowledgeBase("gone") },
  { name: "deleteKnowledgeSource", run: (s) => indexes(s).deleteKnowledgeSource("gone") },
  { name: "deleteIndexer", run: (s) => indexers(s).deleteIndexer("gone") },
  { name: "deleteDataSourceConnection", run: (s) => indexers(s).deleteDataSourceConnection("gone") },
  { name: "deleteSkillset", run: (s) => indexers(s).deleteSkillset("gone") },
];

describe("diagnosisPolicy: answers the clients accept stay untouched", () => {
  useNock();

  for (const call of successes) {
    it(`${call.name}: the same result with the policy as without it`, async () => {
      const results: unknown[] = [];
      for (const setup of setups) {
        const scope = nock(ENDPOINT)
          .intercept(/.*/, call.method)
          .reply(call.status, typeof call.body === "string" ? call.body : JSON.stringify(call.body), {
            ...JSON_HEADERS,
            ...(typeof call.body === "string" ? { "content-type": "text/plain" } : {}),
          });
        results.push(await call.run(setup));
        assert.ok(scope.isDone());
      }
      assert.notEqual(results[0], undefined);
      assert.deepEqual(results[1], results[0], "additionalPolicies");
      assert.deepEqual(results[2], results[0], "addPolicy");
    });
  }

  for (const call of deletes) {
    it(`${call.name} of something already gone (404) resolves, with the policy both ways`, async () => {
      for (const setup of setups) {
        const scope = nock(ENDPOINT)
          .delete(/.*/)
          .reply(
            404,
            JSON.stringify({ error: { code: "", message: "No resource named 'gone' was found." } }),
            JSON_HEADERS,
          );
        assert.equal(await call.run(setup), undefined, setup);
        assert.ok(scope.isDone());
      }
    });
  }

  it("uploadDocuments with throwOnAnyFailure throws the SDK's own IndexDocumentsResult, unchanged", async () => {
    const thrown: unknown[] = [];
    for (const setup of setups) {
      nock(ENDPOINT).post(/.*/).reply(207, JSON.stringify(PARTIAL_INDEXING), JSON_HEADERS);
      thrown.push(
        await failure(() =>
          search(setup).uploadDocuments([{ id: "1" }, { name: "no key" }], { throwOnAnyFailure: true }),
        ),
      );
    }
    assert.ok(!(thrown[0] instanceof Error), "the SDK throws the result object itself");
    for (const value of thrown) {
      assert.deepEqual(value, thrown[0]);
      assert.ok(!Object.prototype.hasOwnProperty.call(value, "diagnosis"), "nothing attached");
      assert.equal(diagnose(value), undefined, "a partial success has no failure cause");
    }
  });

  describe("SearchIndexingBufferedSender", () => {
    const documents = [{ id: "1" }, { id: "2" }, { id: "3" }, { id: "4" }];

    /** Flushes four documents and returns the batch sizes the service saw and the error, if any. */
    async function flush(
      setup: Setup,
      answers: [number, string][],
    ): Promise<{ batches: number[]; error?: unknown }> {
      const batches: number[] = [];
      for (const [status, body] of answers) {
        nock(ENDPOINT)
          .post(/search\.index/)
          .reply(
            status,
            (_uri, requestBody) => {
              batches.push((requestBody as { value: unknown[] }).value.length);
              return body;
            },
            JSON_HEADERS,
          );
      }
      const sender = new SearchIndexingBufferedSender(search(setup), (d) => String(d.id), {
        autoFlush: false,
        throttlingDelayInMs: 1,
        maxThrottlingDelayInMs: 2,
        maxRetriesPerAction: 2,
      });
      let error: unknown;
      try {
        await sender.uploadDocuments(documents);
        await sender.flush();
      } catch (caught) {
        error = caught;
      } finally {
        await sender.dispose().catch(() => undefined);
      }
      return { batches, error };
    }

    const ok = (n: number): string =>
      JSON.stringify({
        value: Array.from({ length: n }, (_, i) => ({ key: String(i), status: true, statusCode: 201 })),
      });
    const tooLarge = JSON.stringify({ error: { code: "", message: "The request is too large." } });
    const busy = JSON.stringify({ error: { code: "", message: "Service is busy." } });

    it("still splits a batch on 413, as without the policy", async () => {
      const seen = [];
      for (const setup of setups)
        seen.push(
          await flush(setup, [
            [413, tooLarge],
            [200, ok(2)],
            [200, ok(2)],
          ]),
        );
      assert.deepEqual(seen[0], { batches: [4, 2, 2], error: undefined });
      assert.deepEqual(seen[1], seen[0]);
      assert.deepEqual(seen[2], seen[0]);
    });

    it("still retries 503 itself and then fails with statusCode 503, as without the policy", async () => {
      const seen = [];
      for (const setup of setups)
        seen.push(
          await flush(setup, [
            [503, busy],
            [503, busy],
            [503, busy],
          ]),
        );
      for (const { batches, error } of seen) {
        assert.deepEqual(batches, [4, 4, 4], "first try and two retries");
        assert.equal((error as { statusCode?: number }).statusCode, 503);
      }
    });

    it("splits on an empty-bodied 413 too, which 13.0.0 alone turns into a TypeError", async () => {
      const withPolicy = await flush("additionalPolicies", [
        [413, ""],
        [200, ok(2)],
        [200, ok(2)],
      ]);
      assert.deepEqual(withPolicy, { batches: [4, 2, 2], error: undefined });
    });
  });
});
