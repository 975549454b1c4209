import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import util from "node:util";
import {
  createDefaultHttpClient,
  createPipelineRequest,
  isRestError,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy } from "../../src/index.js";
import { MARKER } from "../../src/report/enrich.js";
import { failure, searchClient } from "../support/clients.js";
import { startTlsServer, type Handler, type TestServer } from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";

const API_KEY = "faults-secret-key-5b2e8d";

/** Records what the rest of the pipeline threw to the diagnosis policy, to prove the caller gets that same object. */
function recorder(): { policy: PipelinePolicy; thrown: unknown[] } {
  const thrown: unknown[] = [];
  return {
    thrown,
    policy: {
      name: "faultRecorder",
      async sendRequest(request, next) {
        try {
          return await next(request);
        } catch (error) {
          thrown.push(error);
          throw error;
        }
      },
    },
  };
}

/** A SearchClient with the policy and, right after it, a recorder of what reaches the policy. */
function recordedClient(endpoint: string, withPolicy = true) {
  const record = recorder();
  const client = new SearchClient<Record<string, unknown>>(
    endpoint,
    "hotels",
    new AzureKeyCredential(API_KEY),
    {
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [
        ...(withPolicy ? [{ policy: diagnosisPolicy(), position: "perCall" as const }] : []),
        { policy: record.policy, position: "perCall" as const },
      ],
    },
  );
  return { client, thrown: record.thrown };
}

function assertNoSecret(error: unknown): void {
  for (const text of [
    String((error as Error).message),
    util.inspect(error),
    JSON.stringify(diagnose(error) ?? null),
  ]) {
    assert.ok(!text.includes(API_KEY), "the api-key never appears");
  }
}

describe("faults: misbehaving servers through the real SearchClient with the policy", function () {
  this.timeout(60_000);
  const trusted = useTrustedRoot("Faults Test Root");

  async function serve(handler: Handler): Promise<TestServer & { endpoint: string }> {
    const server = trusted.keep(
      await startTlsServer({ ...trusted.ca.issue({ hosts: ["localhost", "127.0.0.1"] }), handler }),
    );
    return Object.assign(server, { endpoint: `https://localhost:${server.port}` });
  }

  /** A TLS server that answers whatever arrives with these bytes, then closes: not HTTP. */
  async function serveRaw(answer: string): Promise<string> {
    const leaf = trusted.ca.issue({ hosts: ["localhost", "127.0.0.1"] });
    const server = tls.createServer({ cert: leaf.fullChain, key: leaf.key }, (socket) => {
      socket.on("error", () => undefined);
      socket.once("data", () => socket.end(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    trusted.keep({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    return `https://localhost:${(server.address() as AddressInfo).port}`;
  }

  describe("a reset in the middle of the body", () => {
    for (const status of [200, 503]) {
      it(`${status}: the transport error is diagnosed as a reset and keeps its code`, async () => {
        const server = await serve((_req, res) => {
          res.writeHead(status, {
            "content-type": "application/json",
            "content-length": "100000",
            "request-id": "r-reset",
          });
          res.write(`{"error":{"code":"","message":"${"x".repeat(1000)}`);
          setTimeout(() => res.socket?.destroy(), 20);
        });
        const { client, thrown } = recordedClient(server.endpoint);
        const error = await failure(() => client.getDocumentsCount());
        assert.ok(isRestError(error));
        assert.equal(thrown[0], error, "the same error object the policy received");
        assert.equal(
          error.code,
          "PARSE_ERROR",
          "the SDK's code for a body it could not finish reading is kept",
        );
        assert.equal(diagnose(error)?.cause, "connectionReset");
        assert.match(error.message, /\[azure-sdk-doctor\] connectionReset/);
        assertNoSecret(error);
      });
    }
  });

  describe("a server that stalls before the headers", () => {
    const stall: Handler = (req) => {
      req.resume();
    };

    it("the caller's abortSignal: the same AbortError passes through, not enriched", async () => {
      const server = await serve(stall);
      const { client, thrown } = recordedClient(server.endpoint);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await failure(() => client.getDocumentsCount({ abortSignal: controller.signal }));
      assert.equal((error as Error).name, "AbortError");
      assert.equal(thrown[0], error, "the same object the policy received");
      assert.ok(!(error as Error).message.includes(MARKER), "not enriched");
      assert.equal((error as { diagnosis?: unknown }).diagnosis, undefined);
      assert.equal(diagnose(error), undefined, "an abort is the caller's decision, not a failure to explain");
    });

    it("AbortSignal.timeout and requestOptions.timeout: an AbortError like the bare client's", async () => {
      const server = await serve(stall);
      for (const options of [
        () => ({ abortSignal: AbortSignal.timeout(100) }),
        () => ({ requestOptions: { timeout: 100 } }),
      ]) {
        const withPolicy = recordedClient(server.endpoint);
        const bare = recordedClient(server.endpoint, false);
        const error = await failure(() => withPolicy.client.getDocumentsCount(options()));
        const bareError = await failure(() => bare.client.getDocumentsCount(options()));
        assert.equal((error as Error).name, "AbortError");
        assert.equal(withPolicy.thrown[0], error, "the same object the policy received");
        assert.equal(
          (error as Error).message,
          (bareError as Error).message,
          "the same text as without the policy",
        );
        assert.equal((error as { diagnosis?: unknown }).diagnosis, undefined);
      }
    });

    it("the stalled requests are ended, not left open: the server sees every socket close", async () => {
      let open = 0;
      const server = await serve((req) => {
        open++;
        req.socket.on("close", () => open--);
        req.resume();
      });
      const { client } = recordedClient(server.endpoint);
      await Promise.all(
        Array.from({ length: 20 }, () =>
          failure(() => client.getDocumentsCount({ abortSignal: AbortSignal.timeout(100) })),
        ),
      );
      for (let i = 0; i < 100 && open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(open, 0);
    });
  });

  describe("garbage", () => {
    it("invalid HTTP: the parse error passes through with its code, as without the policy", async () => {
      const endpoint = await serveRaw("SMTP READY\r\n\r\n\u0000\u0001garbage");
      const withPolicy = recordedClient(endpoint);
      const bare = recordedClient(endpoint, false);
      const error = await failure(() => withPolicy.client.getDocumentsCount());
      const bareError = await failure(() => bare.client.getDocumentsCount());
      assert.equal(withPolicy.thrown[0], error, "the same object the policy received");
      assert.ok(isRestError(error) && isRestError(bareError));
      assert.equal(error.code, bareError.code);
      assert.ok(error.message.startsWith(bareError.message.split("\n")[0]!), "the original text comes first");
      assertNoSecret(error);
    });

    it("a 200 with a garbage body is still the SDK's success or the SDK's own error, as without the policy", async () => {
      const bodies = [
        "not a number",
        '{"value": [',
        "\u0000\u00ff\u00fe",
        "<html>200 OK from a portal</html>",
        "",
      ];
      for (const body of bodies) {
        const server = await serve((_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "request-id": "r-200" });
          res.end(body);
        });
        const outcome = async (withPolicy: boolean) => {
          const { client } = recordedClient(server.endpoint, withPolicy);
          try {
            return { value: await client.getDocumentsCount() };
          } catch (error) {
            return { error: error as Error };
          }
        };
        const [withPolicy, bare] = [await outcome(true), await outcome(false)];
        assert.deepEqual(withPolicy.value, bare.value, `same value for ${JSON.stringify(body)}`);
        assert.equal(withPolicy.error?.name, bare.error?.name);
        assert.equal(
          withPolicy.error?.message,
          bare.error?.message,
          "a success is never turned into a diagnosed failure",
        );
        if (withPolicy.error)
          assert.equal(diagnose(withPolicy.error)?.cause ?? "none", diagnose(bare.error)?.cause ?? "none");

        const raw = await createClientPipelineResponse(server.endpoint);
        assert.equal(raw.status, 200);
        assert.equal(raw.bodyAsText, body, "the body reaches the caller untouched");
      }
    });
  });

  it("keep-alive sockets closed by the server under load: every call succeeds or is diagnosed as a reset", async () => {
    let served = 0;
    const perSocket = new WeakMap<object, number>();
    const server = await serve((req, res) => {
      req.resume();
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      // Every third reuse of a kept-alive socket finds it closed, as an idle timeout on the path does.
      if (count > 1 && ++served % 3 === 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "request-id": `r-${served}` });
      res.end("42");
    });
    // No retries, so that the resets reach the caller and their diagnoses are checked.
    const client = searchClient({ endpoint: server.endpoint, apiKey: API_KEY, maxRetries: 0 });
    let succeeded = 0;
    let resets = 0;
    for (let wave = 0; wave < 15; wave++) {
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.getDocumentsCount()));
      for (const result of results) {
        if (result.status === "fulfilled") {
          assert.equal(result.value, 42);
          succeeded++;
        } else {
          assert.ok(isRestError(result.reason), "a RestError");
          assert.equal(diagnose(result.reason)?.cause, "connectionReset", String(result.reason));
          assertNoSecret(result.reason);
          resets++;
        }
      }
    }
    assert.ok(succeeded > 0, "the service was reachable");
    assert.ok(resets > 0, "the closed sockets reached the caller");
  });
});

/** A raw GET through a SearchClient's pipeline with the policy, as a user's own request would go. */
async function createClientPipelineResponse(endpoint: string) {
  const client = searchClient({ endpoint, apiKey: API_KEY });
  return client.pipeline.sendRequest(
    createDefaultHttpClient(),
    createPipelineRequest({ url: `${endpoint}/indexes('hotels')/docs/$count` }),
  );
}
