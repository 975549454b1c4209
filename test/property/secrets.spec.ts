import assert from "node:assert/strict";
import type http from "node:http";
import util from "node:util";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import type { TokenCredential } from "@azure/identity";
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { diagnose } from "../../src/index.js";
import { createAuthority } from "../../standin/certs.js";
import { failure, searchClient } from "../support/clients.js";
import {
  closedPort,
  startHttpServer,
  startTlsServer,
  trustInProcess,
  type TestServer,
} from "../../standin/servers.js";

/**
 * What a misbehaving service or proxy answers, by index name: each echoes whatever secrets it
 * received (URL, api-key, Authorization) where a careless error message would carry them on.
 */
function echoHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const received = `url=${req.url ?? ""} api-key=${String(req.headers["api-key"] ?? "")} authorization=${String(req.headers.authorization ?? "")}`;
  const url = req.url ?? "";
  req.resume();
  if (url.includes("empty403")) {
    res.writeHead(403, { "request-id": "00000000-0000-0000-0000-000000000403" }).end();
  } else if (url.includes("echo400")) {
    res.writeHead(400, {
      "content-type": "application/json",
      "request-id": "00000000-0000-0000-0000-000000000400",
    });
    res.end(
      JSON.stringify({ error: { code: received.slice(0, 200), message: `Invalid request: ${received}` } }),
    );
  } else if (url.includes("proxy502")) {
    res
      .writeHead(502, { "content-type": "text/html" })
      .end(`<html><body>Gateway refused ${received}</body></html>`);
  } else if (url.includes("bearer401")) {
    res
      .writeHead(401, { "www-authenticate": `Bearer error="invalid_token", error_description="${received}"` })
      .end();
  } else if (url.includes("reset")) {
    req.socket.destroy();
  } else {
    res
      .writeHead(403, { "content-type": "text/plain" })
      .end(`CheckAccess API call with non successful response. ${received}`);
  }
}

const SCENARIOS = ["empty403", "echo400", "proxy502", "bearer401", "reset", "checkaccess"] as const;
const SECRET_QUERY_PARAMETERS = [
  "api-key",
  "sig",
  "code",
  "token",
  "access_token",
  "client_secret",
  "secret",
  "apikey",
] as const;

/** Secrets of the shapes real ones have: api keys (alphanumeric), tokens and SAS signatures (base64url and base64). */
const secret = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{24,52}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{20,40}$/),
  fc.stringMatching(/^[A-Za-z0-9+/]{30,43}=$/),
);

describe("property: secrets never appear in a message, a diagnosis, a log line or util.inspect", function () {
  this.timeout(120_000);
  let server: TestServer;
  let plain: TestServer;
  let untrust: () => void;
  let endpoint: string;
  const logged: string[] = [];
  let restoreLog: () => void;

  before(async () => {
    const ca = createAuthority("Secrets Test Root");
    untrust = trustInProcess(ca.cert);
    server = await startTlsServer({
      ...ca.issue({ hosts: ["localhost", "127.0.0.1"] }),
      handler: echoHandler,
    });
    plain = await startHttpServer(echoHandler);
    endpoint = `https://localhost:${server.port}`;
    const level: AzureLogLevel | undefined = getLogLevel();
    const log = AzureLogger.log;
    setLogLevel("warning");
    AzureLogger.log = (...args: unknown[]) => logged.push(util.format(...args));
    restoreLog = () => {
      AzureLogger.log = log;
      setLogLevel(level);
    };
  });
  after(async () => {
    restoreLog();
    untrust();
    await Promise.all([server.close(), plain.close()]);
  });

  function assertNowhere(error: unknown, secrets: readonly string[], logStart: number): void {
    const diagnosis = diagnose(error);
    const texts = [
      String((error as Error).message),
      String((error as Error).stack),
      util.inspect(error),
      util.inspect(error, { depth: 8, showHidden: false }),
      JSON.stringify(diagnosis ?? null),
      ...logged.slice(logStart),
    ];
    for (const value of secrets) {
      for (const text of texts) {
        assert.ok(!text.includes(value), `the secret ${value} leaked into: ${text.slice(0, 2000)}`);
      }
    }
  }

  it("api-key header values (AzureKeyCredential) whatever the service answers", async () => {
    let diagnosed = 0;
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom(...SCENARIOS), async (apiKey, scenario) => {
        const logStart = logged.length;
        const client = searchClient({ endpoint, apiKey, indexName: scenario });
        const error = await failure(() => client.getDocumentsCount());
        if (diagnose(error)) diagnosed++;
        assertNowhere(error, [apiKey], logStart);
      }),
      { numRuns: 40 },
    );
    assert.ok(diagnosed > 0, "the failures were diagnosed, so the texts checked include the policy's own");
    assert.ok(logged.length > 0, "log lines were written and checked");
  });

  it("bearer tokens in the Authorization header", async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom(...SCENARIOS), async (token, scenario) => {
        const logStart = logged.length;
        const credential: TokenCredential = {
          getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
        };
        const client = searchClient({ endpoint, credential, indexName: scenario });
        const error = await failure(() => client.getDocumentsCount());
        assertNowhere(error, [token, `Bearer ${token}`], logStart);
      }),
      { numRuns: 40 },
    );
  });

  it("secret query parameters and SAS signatures in raw requests through the client's pipeline", async () => {
    const httpClient = createDefaultHttpClient();
    const closed = await closedPort();
    await fc.assert(
      fc.asyncProperty(
        secret,
        secret,
        fc.constantFrom(...SECRET_QUERY_PARAMETERS),
        fc.constantFrom(...SCENARIOS, "closed-port", "plain-http"),
        fc.boolean(),
        async (apiKey, value, name, scenario, encode) => {
          const logStart = logged.length;
          const client = searchClient({ endpoint, apiKey });
          const base =
            scenario === "closed-port"
              ? `https://localhost:${closed}`
              : scenario === "plain-http"
                ? `http://127.0.0.1:${plain.port}`
                : endpoint;
          const sas = `sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00%3A00%3A00Z&${name}=${encode ? encodeURIComponent(value) : value}`;
          const request = createPipelineRequest({
            url: `${base}/indexes('${scenario}')/docs?api-version=2025-09-01&${sas}`,
            method: "GET",
            headers: createHttpHeaders({ accept: "application/json" }),
          });
          const error = await failure(() => client.pipeline.sendRequest(httpClient, request));
          assertNowhere(error, [apiKey, value, encodeURIComponent(value)], logStart);
        },
      ),
      { numRuns: 60 },
    );
  });
});
