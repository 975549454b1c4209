import assert from "node:assert/strict";
import util from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import nock from "nock";
import { useNock } from "../support/nock.js";
import { diagnose } from "../../src/index.js";
import { failure, installations, searchClient } from "../support/clients.js";
import { startHttpServer, type TestServer } from "../../standin/servers.js";

const API_KEY = "plain-http-secret-key-93b1e0";
const REMOTE = "http://contoso-search.search.windows.net";

const logs: string[] = [];

function assertNoKey(error: unknown): void {
  for (const text of [
    String((error as Error).message),
    String((error as Error).stack),
    util.inspect(error),
    JSON.stringify(diagnose(error)),
    ...logs,
  ]) {
    assert.ok(!text.includes(API_KEY), "the api-key appears nowhere");
  }
}

describe("diagnosisPolicy: http:// endpoints (httpNotHttps) through the real SearchClient", () => {
  let local: TestServer;
  let restoreLogs: () => void;

  beforeEach(() => {
    logs.length = 0;
    const previous = { log: AzureLogger.log, level: getLogLevel() };
    AzureLogger.log = (...args: unknown[]) => logs.push(util.format(...args));
    setLogLevel("warning");
    restoreLogs = () => {
      AzureLogger.log = previous.log;
      setLogLevel(previous.level);
    };
  });

  useNock();
  before(async () => {
    local = await startHttpServer();
  });
  after(async () => {
    await local.close();
  });
  afterEach(() => {
    restoreLogs();
    nock.cleanAll();
    local.requests.length = 0;
  });

  for (const installation of installations) {
    describe(`installed with ${installation}`, () => {
      it("the SDK's own refusal of http:// (allowInsecureConnection false) -> httpNotHttps, nothing sent", async () => {
        const client = searchClient({
          endpoint: `http://localhost:${local.port}`,
          apiKey: API_KEY,
          installation,
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.match(
          (error as Error).message,
          /^Cannot connect to http:\/\/localhost:\d+.* while allowInsecureConnection is false/,
        );
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "httpNotHttps");
        assert.equal(diagnosis?.evidence.host, "localhost");
        assert.match((error as Error).message, /\n\[azure-sdk-doctor\] httpNotHttps: /);
        assert.equal(local.requests.length, 0, "nothing reached the server");
        assertNoKey(error);
      });

      it("the guard refuses an api-key to a remote http:// URL even with allowInsecureConnection", async () => {
        const service = nock(REMOTE).get(/.*/).reply(200, "42");
        const client = searchClient({
          endpoint: REMOTE,
          apiKey: API_KEY,
          installation,
          allowInsecureConnection: true,
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.ok(!service.isDone(), "nothing was sent");
        assert.ok(isRestError(error));
        assert.equal(error.code, "InsecureRequestRefused");
        assert.equal(error.statusCode, undefined);
        assert.match(error.message, /contoso-search\.search\.windows\.net/);
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "httpNotHttps");
        assert.equal(diagnosis?.confidence, "exact");
        assert.equal(diagnosis?.evidence.credential, "apiKey");
        assert.equal(logs.filter((line) => line.includes("httpNotHttps")).length, 1, "logged once");
        assertNoKey(error);
      });

      it("allowInsecureHttp: true lets the request through, and the answer is unchanged", async () => {
        const service = nock(REMOTE, { reqheaders: { "api-key": API_KEY } })
          .get(/\/docs\/\$count/)
          .reply(200, "42", { "content-type": "text/plain", "request-id": "1" });
        const client = searchClient({
          endpoint: REMOTE,
          apiKey: API_KEY,
          installation,
          allowInsecureConnection: true,
          policy: { allowInsecureHttp: true },
        });
        assert.equal(await client.getDocumentsCount(), 42);
        assert.ok(service.isDone());
      });

      it("allowInsecureHttp: true without allowInsecureConnection -> the SDK's own refusal, diagnosed", async () => {
        const service = nock(REMOTE).get(/.*/).reply(200, "42");
        const client = searchClient({
          endpoint: REMOTE,
          apiKey: API_KEY,
          installation,
          policy: { allowInsecureHttp: true },
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.match((error as Error).message, /allowInsecureConnection is false/);
        assert.equal(diagnose(error)?.cause, "httpNotHttps");
        assert.ok(!service.isDone());
        assertNoKey(error);
      });

      it("a 502 answering an http:// request -> httpNotHttps, status kept", async () => {
        nock(REMOTE)
          .get(/.*/)
          .reply(502, "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" });
        const client = searchClient({
          endpoint: REMOTE,
          apiKey: API_KEY,
          installation,
          allowInsecureConnection: true,
          policy: { allowInsecureHttp: true },
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.ok(isRestError(error));
        assert.equal(error.statusCode, 502);
        assert.equal(diagnose(error)?.cause, "httpNotHttps");
        assertNoKey(error);
      });

      it("a loopback http:// test server with allowInsecureConnection is not refused", async () => {
        const client = searchClient({
          endpoint: `http://127.0.0.1:${local.port}`,
          apiKey: API_KEY,
          installation,
          allowInsecureConnection: true,
        });
        assert.equal(await client.getDocumentsCount(), 42);
        assert.equal(local.requests.length, 1);
      });
    });
  }
});
