import assert from "node:assert/strict";
import type http from "node:http";
import { isRestError } from "@azure/core-rest-pipeline";
import { diagnose } from "../../src/index.js";
import { createAuthority } from "../../standin/certs.js";
import { searchClient } from "../support/clients.js";
import { startTlsServer, trustInProcess, type TestServer } from "../../standin/servers.js";

const API_KEY = "concurrency-secret-key-4c1d9e";
const envelope = (message: string): string => JSON.stringify({ error: { code: "", message } });

/** The outcomes a search can have, with the cause each failure must be given. */
const OUTCOMES = [
  { name: "ok", cause: undefined },
  { name: "empty403", cause: "invalidApiKey" },
  { name: "missingIndex", cause: "indexNotFound" },
  { name: "throttled", cause: "throttled" },
  { name: "quota", cause: "quotaExceeded" },
  { name: "semanticOff", cause: "semanticNotEnabled" },
  { name: "proxyPage", cause: "gatewayError" },
  { name: "reset", cause: "connectionReset" },
] as const;

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Answers the search for `case-N` with the outcome planned for N, after a random short delay. */
function plannedHandler(plan: readonly (typeof OUTCOMES)[number][], delays: readonly number[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const n = Number(/case-(\d+)/.exec(Buffer.concat(chunks).toString())?.[1] ?? -1);
      const outcome = plan[n];
      const id = `request-${n}`;
      const json = { "content-type": "application/json; charset=utf-8", "request-id": id };
      setTimeout(() => {
        switch (outcome?.name) {
          case "ok":
            res
              .writeHead(200, json)
              .end(JSON.stringify({ value: [{ "@search.score": 1, hotelId: String(n) }] }));
            break;
          case "empty403":
            res.writeHead(403, { "request-id": id }).end();
            break;
          case "missingIndex":
            res
              .writeHead(404, json)
              .end(envelope(`The index 'case-${n}' for service 'stand-in' was not found.`));
            break;
          case "throttled":
            res
              .writeHead(503, json)
              .end(
                envelope(
                  `Failed to execute query case-${n} because not enough resources were available to cover 100% of the index.`,
                ),
              );
            break;
          case "quota":
            res
              .writeHead(429, json)
              .end(envelope(`Index quota has been exceeded for this service (case-${n}).`));
            break;
          case "semanticOff":
            res.writeHead(400, json).end(
              JSON.stringify({
                error: {
                  code: "FeatureNotSupportedInService",
                  message: `Semantic search is not enabled for this service (case-${n}).`,
                },
              }),
            );
            break;
          case "proxyPage":
            res
              .writeHead(502, { "content-type": "text/html" })
              .end(`<html><body>502 Bad Gateway case-${n}</body></html>`);
            break;
          default:
            req.socket.destroy();
        }
      }, delays[n] ?? 0);
    });
  };
}

describe("faults: 1,000 concurrent requests with a seeded mix of outcomes through one client", function () {
  this.timeout(120_000);
  const SEED = 20260501;
  const COUNT = 1000;
  let server: TestServer;
  let untrust: () => void;
  const random = seeded(SEED);
  const plan = Array.from({ length: COUNT }, () => OUTCOMES[Math.floor(random() * OUTCOMES.length)]!);
  const delays = Array.from({ length: COUNT }, () => Math.floor(random() * 30));

  before(async () => {
    const ca = createAuthority("Concurrency Test Root");
    untrust = trustInProcess(ca.cert);
    server = await startTlsServer({
      ...ca.issue({ hosts: ["localhost", "127.0.0.1"] }),
      handler: plannedHandler(plan, delays),
    });
  });
  after(async () => {
    untrust();
    await server.close();
  });

  for (const preflight of [false, true]) {
    it(`every error carries its own response's diagnosis, every success is untouched${preflight ? " (preflight on)" : ""}`, async () => {
      const warnings: Error[] = [];
      const unhandled: unknown[] = [];
      const onWarning = (warning: Error): void => {
        warnings.push(warning);
      };
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on("warning", onWarning);
      process.on("unhandledRejection", onUnhandled);
      try {
        // The SDK's default retries, as users run it: a keep-alive socket closed under load is retried,
        // while every planned outcome is the same on each try.
        const client = searchClient({
          endpoint: `https://localhost:${server.port}`,
          apiKey: API_KEY,
          policy: { preflight },
          maxRetries: 3,
        });
        const shared = new AbortController();
        const results = await Promise.allSettled(
          plan.map((_, n) =>
            client.search(`case-${n}`, { abortSignal: shared.signal }).then(async (page) => {
              const documents = [];
              for await (const result of page.results) documents.push(result.document.hotelId);
              return documents;
            }),
          ),
        );
        await new Promise((resolve) => setImmediate(resolve));

        const seen = new Set<object>();
        for (const [n, result] of results.entries()) {
          const outcome = plan[n]!;
          if (outcome.cause === undefined) {
            assert.equal(result.status, "fulfilled", `case ${n} succeeds`);
            assert.deepEqual(
              result.status === "fulfilled" && result.value,
              [String(n)],
              `case ${n} gets its own document`,
            );
            continue;
          }
          assert.equal(result.status, "rejected", `case ${n} fails`);
          const error = (result as PromiseRejectedResult).reason as Error;
          assert.ok(isRestError(error), `case ${n}: a RestError`);
          const diagnosis = diagnose(error);
          assert.equal(diagnosis?.cause, outcome.cause, `case ${n}: ${outcome.name}`);
          assert.ok(diagnosis && !seen.has(diagnosis), "a diagnosis belongs to one error");
          seen.add(diagnosis);
          if (outcome.name === "reset" || outcome.name === "proxyPage") {
            assert.equal(diagnosis?.evidence.requestId, undefined);
          } else {
            assert.equal(
              diagnosis?.evidence.requestId,
              `request-${n}`,
              `case ${n}: the diagnosis of its own response`,
            );
          }
          if (isRestError(error) && error.response) {
            assert.equal(
              error.response.headers.get("request-id") ?? undefined,
              diagnosis?.evidence.requestId,
            );
          }
          for (const other of error.message.match(/case-\d+/g) ?? [])
            assert.equal(other, `case-${n}`, "no other request's text");
          assert.ok(!error.message.includes(API_KEY));
        }
        assert.deepEqual(unhandled, [], "no unhandled rejection");
        assert.deepEqual(
          warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
          [],
          "no MaxListenersExceededWarning",
        );
      } finally {
        process.off("warning", onWarning);
        process.off("unhandledRejection", onUnhandled);
      }
    });
  }
});
