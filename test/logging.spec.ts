import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import util from "node:util";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import nock from "nock";
import { useNock } from "./support/nock.js";
import { diagnose } from "../src/index.js";
import { failure, installations, searchClient, searchIndexClient } from "./support/clients.js";
import { closedPort } from "../standin/servers.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "logging-secret-key-6b0f2e";
const REQUEST_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";

describe("logging: each diagnosis once, at warning, through @azure/logger", () => {
  let lines: { namespace: string; text: string }[];
  let previousLog: typeof AzureLogger.log;
  let previousLevel: AzureLogLevel | undefined;

  useNock();
  beforeEach(() => {
    lines = [];
    previousLog = AzureLogger.log;
    previousLevel = getLogLevel();
    // Each line starts with its logger's namespace, such as `azure:azure-sdk-doctor:warning`.
    AzureLogger.log = (...args: unknown[]) => {
      const [namespace = "", ...rest] = util.format(...args).split(" ");
      lines.push({ namespace, text: rest.join(" ") });
    };
    setLogLevel("warning");
  });
  afterEach(() => {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
    nock.cleanAll();
  });

  const ours = () => lines.filter((line) => line.namespace.startsWith("azure:azure-sdk-doctor"));

  for (const installation of installations) {
    it(`logs an error response once, redacted, with its facts (${installation})`, async () => {
      nock(ENDPOINT)
        .get(/.*/)
        .reply(
          400,
          JSON.stringify({
            error: {
              code: "",
              message: `Invalid or missing api-version query string parameter. api-key: ${API_KEY}`,
            },
          }),
          {
            "content-type": "application/json",
            "request-id": REQUEST_ID,
          },
        );
      const error = await failure(() =>
        searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }).getDocumentsCount(),
      );

      assert.equal(diagnose(error)?.cause, "invalidApiVersion");
      assert.equal(ours().length, 1);
      const line = ours()[0];
      assert.equal(line?.namespace, "azure:azure-sdk-doctor:warning");
      assert.match(line?.text ?? "", /^invalidApiVersion \(exact\): /);
      assert.match(line?.text ?? "", /status=400/);
      assert.match(line?.text ?? "", new RegExp(`requestId=${REQUEST_ID}`));
      assert.match(line?.text ?? "", /request=GET contoso-search\.search\.windows\.net/);
      assert.match(line?.text ?? "", /See: https:\/\//);
      for (const { text } of lines) assert.ok(!text.includes(API_KEY), "no log line holds the key");
      assert.ok(!(error as Error).message.includes(API_KEY), "the echoed key is gone from the message too");
    });

    it(`logs what answered in the service's place, redacted, as Seen: (${installation})`, async () => {
      nock(ENDPOINT)
        .get(/.*/)
        .reply(
          403,
          `<html><head><title>Blocked: api-key=${API_KEY}</title></head><body>Zscaler</body></html>`,
          { "content-type": "text/html", server: "Zscaler/6.2" },
        );
      const error = await failure(() =>
        searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }).getDocumentsCount(),
      );
      assert.equal(diagnose(error)?.cause, "gatewayError");
      const line = ours()[0]?.text ?? "";
      assert.match(
        line,
        /^gatewayError \(exact\): .* Seen: Zscaler answered 403 \(Server: Zscaler\/6\.2\): "Blocked: api-key=REDACTED"\. status=403/,
      );
      assert.match((error as Error).message, /\n {2}Seen: Zscaler answered 403 /);
      for (const { text } of lines) assert.ok(!text.includes(API_KEY), "no log line holds the key");
    });

    it(`logs a thrown error once (${installation})`, async () => {
      const client = searchClient({
        endpoint: `https://localhost:${await closedPort()}`,
        apiKey: API_KEY,
        installation,
      });
      await failure(() => client.getDocumentsCount());
      assert.deepEqual(
        ours().map((line) => line.text.split(" ")[0]),
        ["connectionRefused"],
      );
    });

    it(`logs nothing for a success or an accepted 404 on delete (${installation})`, async () => {
      nock(ENDPOINT).get(/.*/).reply(200, "42", { "content-type": "text/plain", "request-id": REQUEST_ID });
      nock(ENDPOINT).delete(/.*/).reply(404, "", { "request-id": REQUEST_ID });
      assert.equal(
        await searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }).getDocumentsCount(),
        42,
      );
      await searchIndexClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }).deleteIndex("gone");
      assert.deepEqual(ours(), []);
    });
  }

  it("stays quiet above warning", async () => {
    setLogLevel("error");
    nock(ENDPOINT).get(/.*/).reply(503, "", { "request-id": REQUEST_ID });
    const error = await failure(() =>
      searchClient({ endpoint: ENDPOINT, apiKey: API_KEY }).getDocumentsCount(),
    );
    assert.equal(diagnose(error)?.cause, "throttled");
    assert.deepEqual(ours(), []);
  });

  it("diagnose() alone logs nothing: only the policy reports", async () => {
    diagnose(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
    assert.deepEqual(ours(), []);
  });

  it("AZURE_LOG_LEVEL=warning shows the diagnosis in a fresh process's stderr", async function () {
    this.timeout(60_000);
    const root = path.resolve(import.meta.dirname, "..");
    const script = [
      'import { searchClient, failure } from "./test/support/clients.ts";',
      'import { closedPort } from "./standin/servers.ts";',
      `const client = searchClient({ endpoint: "https://localhost:" + (await closedPort()), apiKey: ${JSON.stringify(API_KEY)} });`,
      "await failure(() => client.getDocumentsCount());",
    ].join("\n");
    const { stderr } = await util.promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: root, env: { ...process.env, AZURE_LOG_LEVEL: "warning" } },
    );
    const doctorLines = stderr.split("\n").filter((line) => line.includes("azure:azure-sdk-doctor:warning"));
    assert.equal(doctorLines.length, 1, stderr);
    assert.match(doctorLines[0] ?? "", /connectionRefused \(exact\)/);
    assert.ok(!stderr.includes(API_KEY));
  });
});
