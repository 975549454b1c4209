import assert from "node:assert/strict";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { diagnose, diagnosisPolicy } from "../../src/index.js";

/**
 * Runs of the characters the redaction and matching expressions loop over (spaces before a missing
 * `=`, JWT-like segments without their dots, key names without values), and the prefixes they need.
 */
const STRESS_UNITS = [
  " ",
  "\t",
  "a",
  "A0",
  "eyJ-",
  "eyJaaaaa.",
  "key=",
  "api-key ",
  "api-key:",
  "bearer ",
  "Bearer aaaaaaaa",
  "sig=x&",
  "AccountKey = ",
  "{",
  "[",
  '"',
  "\\",
  "%",
  "<",
  "&#",
  "quota has been exceeded",
  "\u00e9",
  "\ud83d\ude00",
];

const adversarialText = fc
  .record({
    prefix: fc.constantFrom(
      "",
      "api-key",
      "authorization:",
      "bearer",
      "eyJ",
      '{"error":{"code":"","message":"',
      "<html>",
      "sig=",
    ),
    units: fc.array(fc.constantFrom(...STRESS_UNITS), { minLength: 1, maxLength: 3 }),
    repeat: fc.integer({ min: 1_000, max: 200_000 }),
    suffix: fc.constantFrom("", "!", "=", '"}}', "\u0000"),
  })
  .map(({ prefix, units, repeat, suffix }) => `${prefix}${units.join("").repeat(repeat)}${suffix}`);

function errorWith(status: number, bodyAsText: string, message: string): RestError {
  const request = createPipelineRequest({
    url: "https://x.search.windows.net/indexes('hotels')/docs/$count?api-version=2025-09-01",
    headers: createHttpHeaders({ "api-key": "adversarial-key-0123456789" }),
  });
  const response: PipelineResponse = {
    status,
    request,
    headers: createHttpHeaders({ "content-type": "text/plain", "request-id": "r-1" }),
    bodyAsText,
  };
  return new RestError(message, { statusCode: status, request, response });
}

describe("property: adversarial bodies are classified in bounded time", function () {
  // A generous bound for the whole file on a loaded 2-core machine; the benchmark measures the real cost.
  this.timeout(60_000);

  it("long runs built to stress the expressions, in bodies and messages", () => {
    fc.assert(
      fc.property(adversarialText, fc.constantFrom(400, 403, 429, 502, 503), (text, status) => {
        const fromBody = diagnose(errorWith(status, text, "Unexpected status code"));
        assert.ok(fromBody === undefined || typeof fromBody.cause === "string");
        const fromMessage = diagnose(Object.assign(new Error(text), { code: "ECONNRESET" }));
        assert.equal(fromMessage?.cause, "connectionReset");
      }),
      { numRuns: 60 },
    );
  });

  it("10 MB bodies, through diagnose() and through the policy", async () => {
    const tenMegabytes = 10 * 1024 * 1024;
    const bodies = [
      "a".repeat(tenMegabytes),
      `{"error":{"code":"","message":"${"x".repeat(tenMegabytes)}"}}`,
      `<html>${"<p>proxy</p>".repeat(tenMegabytes / 11)}</html>`,
      "eyJ-".repeat(tenMegabytes / 4),
      `api-key${" ".repeat(tenMegabytes)}`,
    ];
    for (const body of bodies) {
      assert.equal(diagnose(errorWith(503, body, "Unexpected status code: 503"))?.cause, "throttled");
      const pipeline = createEmptyPipeline();
      pipeline.addPolicy(diagnosisPolicy());
      const request = createPipelineRequest({
        url: "https://x.search.windows.net/indexes('hotels')/docs/$count",
      });
      const error = await pipeline
        .sendRequest(
          {
            sendRequest: async (req) => ({
              request: req,
              status: 500,
              headers: createHttpHeaders({ "request-id": "r-1" }),
              bodyAsText: body,
            }),
          },
          request,
        )
        .then(
          () => assert.fail("a 500 must fail"),
          (thrown: unknown) => thrown,
        );
      assert.equal(diagnose(error)?.cause, "serviceError");
      assert.ok((error as Error).message.length < 20_000, "the message is bounded, not the body");
    }
  });
});
