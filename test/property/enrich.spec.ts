import assert from "node:assert/strict";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { catalog, diagnose, diagnosisPolicy, type Diagnosis } from "../../src/index.js";
import { diagnosisOf } from "../../src/diagnose.js";
import { enrichError, MARKER } from "../../src/report/enrich.js";

/** A diagnosis of every cause in the catalog. */
const diagnosis = fc
  .nat({ max: catalog.length - 1 })
  .map((index): Diagnosis => diagnosisOf(catalog[index]!.cause, {}));
const message = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constant(""),
  fc.string().map((text) => `${text} ${MARKER} ${text}`),
);

const NODE_CODES = [
  "ECONNRESET",
  "ECONNREFUSED",
  "CERT_HAS_EXPIRED",
  "EPROTO",
  "ENOTFOUND",
  "SOMETHING_ELSE",
];

describe("property: enriching an error any number of times yields the same message", () => {
  it("enrichError, with the same or other diagnoses and secrets", () => {
    fc.assert(
      fc.property(
        message,
        fc.array(diagnosis, { minLength: 1, maxLength: 6 }),
        fc.array(fc.string({ minLength: 4 }), { maxLength: 3 }),
        (text, diagnoses, secrets) => {
          const error = new Error(text);
          assert.equal(enrichError(error, diagnoses[0]!, secrets), true, "the first call attaches");
          const once = { message: error.message, stack: error.stack };
          for (const other of diagnoses.slice(1)) {
            assert.equal(enrichError(error, other, secrets), false, "later calls attach nothing");
          }
          assert.equal(error.message, once.message);
          assert.equal(error.stack, once.stack);
          assert.equal(diagnose(error), diagnoses[0], "the first diagnosis stays attached");
          assert.ok(
            error.message.split(MARKER).length <= text.split(MARKER).length + 1,
            "one block of text added at most",
          );

          // A new error made from an enriched message (a wrapper's rethrow) is not extended again.
          const copy = new Error(error.message);
          enrichError(copy, diagnoses.at(-1)!, secrets);
          assert.equal(copy.message, error.message);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("through the policy twice in one pipeline, thrown errors and error responses alike", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            kind: fc.constant("thrown" as const),
            code: fc.constantFrom(...NODE_CODES),
            message: fc.string({ maxLength: 120 }),
          }),
          fc.record({
            kind: fc.constant("response" as const),
            status: fc.integer({ min: 400, max: 599 }),
            body: fc.oneof(
              fc.constant(""),
              fc.string({ maxLength: 200 }),
              fc.string({ maxLength: 120 }).map((m) => JSON.stringify({ error: { code: "", message: m } })),
            ),
          }),
        ),
        async (outcome) => {
          const service: HttpClient = {
            async sendRequest(request) {
              if (outcome.kind === "thrown")
                throw new RestError(outcome.message, { code: outcome.code, request });
              return {
                request,
                status: outcome.status,
                headers: createHttpHeaders({ "request-id": "r-1" }),
                bodyAsText: outcome.body,
              };
            },
          };
          const send = async (policies: PipelinePolicy[]): Promise<unknown> => {
            const pipeline = createEmptyPipeline();
            for (const policy of policies) pipeline.addPolicy(policy);
            const request = createPipelineRequest({
              url: "https://x.search.windows.net/indexes('hotels')/docs/$count?api-version=2025-09-01",
              headers: createHttpHeaders({ "api-key": "enrich-secret-key-0123456789" }),
            });
            try {
              await pipeline.sendRequest(service, request);
            } catch (error) {
              return error;
            }
            throw new Error("expected a failure");
          };
          const inner = diagnosisPolicy();
          const outer = diagnosisPolicy();
          const once = (await send([inner])) as Error;
          const twice = (await send([
            { name: "outerDiagnosisPolicy", sendRequest: outer.sendRequest },
            diagnosisPolicy(),
          ])) as Error;
          assert.equal(twice.message, once.message);
          assert.equal(diagnose(twice)?.cause, diagnose(once)?.cause);
          assert.ok(twice.message.split(MARKER).length <= 2, "the marker appears once");
        },
      ),
      { numRuns: 150 },
    );
  });
});
