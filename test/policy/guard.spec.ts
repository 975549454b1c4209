import assert from "node:assert/strict";
import util from "node:util";
import { AppConfigurationClient } from "@azure/app-configuration";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { HttpProxyAgent } from "http-proxy-agent";
import nock from "nock";
import { diagnose, diagnosisPolicy } from "../../src/index.js";
import { startHttpServer, startTlsServer, type TestServer } from "../../standin/servers.js";
import { useNock } from "../support/nock.js";
import { useTrustedRoot } from "../support/trust.js";

/**
 * The plain-HTTP guard with the real clients, checking each attempt as it leaves: credentials a
 * client adds in its Sign phase, a redirect the SDK follows, every credential of the secrets table,
 * URLs that only URL parsing reads as http, and a proxy in clear. A host that is not loopback is a
 * name under `.invalid` reached only through a loopback proxy that records what arrives, so a request
 * the guard let by is seen there and no name is ever resolved.
 */

type Position = "perCall" | "perRetry" | "addPolicy";
const POSITIONS: readonly Position[] = ["perCall", "perRetry", "addPolicy"];

const ACCOUNT_KEY = Buffer.from("storage-account-key-for-the-guard-0123456789").toString("base64");
const APP_CONFIGURATION_SECRET = Buffer.from("app-configuration-secret-0123456789").toString("base64");
const API_KEY = "guard-admin-key-0123456789abcdef";

const logs: string[] = [];
let restoreLogs: () => void;

function captureLogs(): void {
  beforeEach(() => {
    logs.length = 0;
    const previous = { log: AzureLogger.log, level: getLogLevel() };
    AzureLogger.log = (...args: unknown[]) => logs.push(util.format(...args));
    setLogLevel("verbose");
    restoreLogs = () => {
      AzureLogger.log = previous.log;
      setLogLevel(previous.level);
    };
  });
  afterEach(() => restoreLogs());
}

/** The refusal the guard throws, diagnosed, naming the host, with no secret anywhere it shows. */
function assertRefused(error: unknown, host: string, secrets: readonly (string | RegExp)[]): void {
  assert.ok(isRestError(error), `a RestError, not ${String(error)}`);
  assert.equal(error.code, "InsecureRequestRefused");
  assert.ok(error.request, "the refused request is on the error");
  assert.equal(diagnose(error)?.cause, "httpNotHttps");
  assert.match(error.message, new RegExp(`^Refused to send credentials over plain HTTP to ${host}`));
  const shown = [
    error.message,
    String(error.stack),
    util.inspect(error),
    JSON.stringify(diagnose(error)),
    ...logs,
  ];
  for (const text of shown) {
    for (const secret of secrets) {
      if (typeof secret === "string") assert.ok(!text.includes(secret), `the secret shows in ${text}`);
      else assert.doesNotMatch(text, secret);
    }
  }
}

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be refused, and it went through");
}

/** A proxy on loopback that records what reaches it: the `.invalid` hosts' only way out. */
function useRecorder(): { readonly server: TestServer; proxy(): { host: string; port: number } } {
  let server: TestServer | undefined;
  before(async () => {
    server = await startHttpServer();
  });
  after(async () => server?.close());
  afterEach(() => {
    if (server) server.requests.length = 0;
  });
  return {
    get server(): TestServer {
      return server!;
    },
    proxy: () => ({ host: "http://127.0.0.1", port: server!.port }),
  };
}

describe("the plain-HTTP guard as each attempt leaves, with the real clients", function () {
  this.timeout(20_000);
  captureLogs();
  const recorder = useRecorder();

  describe("Storage's SharedKey signature, added in the Sign phase (Storage sets allowInsecureConnection)", () => {
    for (const position of POSITIONS) {
      it(`refused at ${position}, nothing sent, the key and signature nowhere`, async () => {
        const policy = diagnosisPolicy();
        // A client made on its own: derived clients share the pipeline, and a second add is refused.
        const container = new ContainerClient(
          "http://guardaccount.blob.core.invalid/photos",
          new StorageSharedKeyCredential("guardaccount", ACCOUNT_KEY),
          {
            proxyOptions: recorder.proxy(),
            retryOptions: { maxTries: 1 },
            // Not in StoragePipelineOptions' type, taken at run time (see the client shapes spec).
            ...(position === "addPolicy" ? {} : { additionalPolicies: [{ policy, position }] }),
          },
        );
        if (position === "addPolicy") {
          (
            container as unknown as { storageClientContext: { pipeline: Pipeline } }
          ).storageClientContext.pipeline.addPolicy(policy);
        }
        const error = await failure(() => container.getProperties());
        assertRefused(error, "guardaccount.blob.core.invalid", [
          ACCOUNT_KEY,
          /SharedKey guardaccount:\S{20}/,
        ]);
        assert.equal(recorder.server.requests.length, 0, "nothing reached the network");
      });
    }

    it("without the policy the SharedKey goes in clear: what the guard stops", async () => {
      const container = new ContainerClient(
        "http://guardaccount.blob.core.invalid/photos",
        new StorageSharedKeyCredential("guardaccount", ACCOUNT_KEY),
        { proxyOptions: recorder.proxy(), retryOptions: { maxTries: 1 } },
      );
      await container.getProperties().catch(() => undefined);
      assert.match(String(recorder.server.requests[0]?.headers.authorization), /^SharedKey guardaccount:/);
    });
  });

  describe("App Configuration's HMAC-SHA256 signature, added in the Sign phase", () => {
    for (const position of POSITIONS) {
      it(`refused at ${position}, nothing sent, the secret and signature nowhere`, async () => {
        const policy = diagnosisPolicy();
        const client = new AppConfigurationClient(
          `Endpoint=http://guard.azconfig.invalid;Id=guard-id;Secret=${APP_CONFIGURATION_SECRET}`,
          {
            allowInsecureConnection: true,
            proxyOptions: recorder.proxy(),
            retryOptions: { maxRetries: 0 },
            additionalPolicies: position === "addPolicy" ? [] : [{ policy, position }],
          },
        );
        if (position === "addPolicy") {
          (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline.addPolicy(policy);
        }
        const error = await failure(() => client.getConfigurationSetting({ key: "app:greeting" }));
        assertRefused(error, "guard.azconfig.invalid", [
          APP_CONFIGURATION_SECRET,
          /Signature=[A-Za-z0-9+/]{20}/,
        ]);
        assert.equal(recorder.server.requests.length, 0, "nothing reached the network");
      });
    }
  });

  describe("the api-key after an https endpoint answers 307 to an http:// URL (the SDK's redirect policy)", () => {
    useNock();
    const trusted = useTrustedRoot("Guard Redirect Root");
    let https: TestServer;
    before(async () => {
      https = trusted.keep(
        await startTlsServer({
          ...trusted.ca.issue({}),
          handler: (req, res) => {
            res.writeHead(307, {
              location: `http://search.invalid/indexes('hotels')/docs/$count${req.url?.slice(req.url.indexOf("?")) ?? ""}`,
            });
            res.end();
          },
        }),
      );
    });

    function client(position: Position | "none"): SearchClient<object> {
      const policy = diagnosisPolicy();
      const search = new SearchClient<object>(
        `https://localhost:${https.port}`,
        "hotels",
        new AzureKeyCredential(API_KEY),
        {
          redirectOptions: { allowCrossOriginRedirects: true },
          // As a client of a plain-HTTP service in a lab would be: the SDK then sends the key in clear.
          allowInsecureConnection: true,
          retryOptions: { maxRetries: 0 },
          additionalPolicies: position === "perCall" || position === "perRetry" ? [{ policy, position }] : [],
        },
      );
      if (position === "addPolicy") search.pipeline.addPolicy(policy);
      return search;
    }

    it("without the policy the SDK follows it and the key goes in clear: what the guard stops", async () => {
      let sentKey: string | undefined;
      nock("http://search.invalid")
        .get(/.*/)
        .reply(function () {
          sentKey = String(this.req.headers["api-key"]);
          return [200, "42"];
        });
      assert.equal(await client("none").getDocumentsCount(), 42);
      assert.equal(sentKey, API_KEY);
    });

    for (const position of POSITIONS) {
      it(`refused at ${position} after the redirect, the http:// target never reached`, async () => {
        const target = nock("http://search.invalid").get(/.*/).reply(200, "42");
        const error = await failure(() => client(position).getDocumentsCount());
        assertRefused(error, "search.invalid", [API_KEY]);
        assert.ok(!target.isDone(), "the redirect's target got nothing");
        assert.equal(https.requests.length > 0, true, "the https endpoint was asked first");
        https.requests.length = 0;
      });
    }
  });

  describe("every credential of the secrets table, and URLs only URL parsing reads as http", () => {
    /** A client's credential policy: sets a header in the Sign phase, as the SDK's own do. */
    const signWith = (name: string, value: string): PipelinePolicy => ({
      name: `sign ${name}`,
      sendRequest: (request, next) => {
        request.headers.set(name, value);
        return next(request);
      },
    });

    const CASES: { name: string; url: string; sign?: [string, string]; secret: string; host: string }[] = [
      {
        name: "Ocp-Apim-Subscription-Key",
        url: "http://cognitive.invalid/language/:analyze-text",
        sign: ["Ocp-Apim-Subscription-Key", "subscription-key-0123456789abcdef"],
        secret: "subscription-key-0123456789abcdef",
        host: "cognitive.invalid",
      },
      {
        name: "x-ms-authorization-auxiliary",
        url: "http://management.invalid/subscriptions?api-version=2022-12-01",
        sign: ["x-ms-authorization-auxiliary", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJhIn0.c2lnbmF0dXJl"],
        secret: "eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJhIn0.c2lnbmF0dXJl",
        host: "management.invalid",
      },
      {
        name: "x-functions-key",
        url: "http://functions.invalid/api/run",
        sign: ["x-functions-key", "function-key-0123456789abcdef"],
        secret: "function-key-0123456789abcdef",
        host: "functions.invalid",
      },
      {
        name: "?code= (a function key in the URL)",
        url: "http://functions.invalid/api/run?code=function-code-0123456789",
        secret: "function-code-0123456789",
        host: "functions.invalid",
      },
      {
        name: "?SIG= (a SAS signature, in capitals)",
        url: "http://guardaccount.blob.core.invalid/c/b?sv=2024-11-04&SIG=c2FzLXNpZ25hdHVyZS0wMTIzNDU2Nzg5",
        secret: "c2FzLXNpZ25hdHVyZS0wMTIzNDU2Nzg5",
        host: "guardaccount.blob.core.invalid",
      },
      {
        name: "?API-KEY= (a key in the URL, in capitals)",
        url: "http://openai.invalid/openai/models?API-KEY=query-api-key-0123456789",
        secret: "query-api-key-0123456789",
        host: "openai.invalid",
      },
      {
        name: "a URL with leading spaces",
        url: "   http://search.invalid/indexes?api-version=2025-09-01",
        sign: ["api-key", API_KEY],
        secret: API_KEY,
        host: "search.invalid",
      },
      {
        name: "a tab inside http",
        url: "ht\ttp://search.invalid/indexes?api-version=2025-09-01",
        sign: ["api-key", API_KEY],
        secret: API_KEY,
        host: "search.invalid",
      },
    ];

    for (const position of ["perCall", "perRetry"] as const) {
      for (const { name, url, sign, secret, host } of CASES) {
        it(`${name}: refused at ${position}, nothing sent`, async () => {
          const pipeline = createPipelineFromOptions({
            proxyOptions: recorder.proxy(),
            retryOptions: { maxRetries: 0 },
          });
          if (sign) pipeline.addPolicy(signWith(...sign), { phase: "Sign" });
          pipeline.addPolicy(diagnosisPolicy(), position === "perRetry" ? { afterPhase: "Sign" } : {});
          const request = createPipelineRequest({ url, allowInsecureConnection: true });
          const error = await failure(() => pipeline.sendRequest(createDefaultHttpClient(), request));
          assertRefused(error, host, [secret]);
          assert.equal(recorder.server.requests.length, 0, "nothing reached the network");
        });
      }
    }

    it("the same requests without a credential go through: the guard refuses credentials, not http", async () => {
      const pipeline = createPipelineFromOptions({
        proxyOptions: recorder.proxy(),
        retryOptions: { maxRetries: 0 },
      });
      pipeline.addPolicy(diagnosisPolicy());
      const request = createPipelineRequest({
        url: "   http://search.invalid/indexes?api-version=2025-09-01",
        allowInsecureConnection: true,
      });
      const response = await pipeline.sendRequest(createDefaultHttpClient(), request);
      assert.equal(response.status, 200);
      assert.equal(recorder.server.requests.length, 1);
    });
  });

  describe("an http://localhost request through a plain-HTTP proxy on another host", () => {
    let local: TestServer;
    before(async () => {
      local = await startHttpServer();
    });
    after(async () => local.close());
    afterEach(() => {
      local.requests.length = 0;
    });

    /** A proxy agent for proxy.invalid whose sockets go to the loopback recorder: no name is resolved. */
    function remoteProxyAgent(): HttpProxyAgent<string> {
      const agent = new HttpProxyAgent("http://proxy.invalid:3128");
      (agent as unknown as { connectOpts: { host: string; port: number } }).connectOpts = {
        host: "127.0.0.1",
        port: recorder.server.port,
      };
      return agent;
    }

    for (const position of POSITIONS) {
      it(`refused at ${position}: the key would cross the network to the proxy in clear`, async () => {
        const policy = diagnosisPolicy();
        const search = new SearchClient<object>(
          `http://localhost:${local.port}`,
          "hotels",
          new AzureKeyCredential(API_KEY),
          {
            agent: remoteProxyAgent(),
            allowInsecureConnection: true,
            retryOptions: { maxRetries: 0 },
            additionalPolicies: position === "addPolicy" ? [] : [{ policy, position }],
          },
        );
        if (position === "addPolicy") search.pipeline.addPolicy(policy);
        const error = await failure(() => search.getDocumentsCount());
        assertRefused(error, "proxy\\.invalid:3128 \\(a plain-HTTP proxy\\)", [API_KEY]);
        assert.equal(recorder.server.requests.length, 0, "nothing reached the proxy");
        assert.equal(local.requests.length, 0);
      });
    }

    it("a loopback proxy is this machine: the request goes through it", async () => {
      const search = new SearchClient<object>(
        `http://localhost:${local.port}`,
        "hotels",
        new AzureKeyCredential(API_KEY),
        {
          proxyOptions: recorder.proxy(),
          allowInsecureConnection: true,
          retryOptions: { maxRetries: 0 },
          additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
        },
      );
      assert.equal(await search.getDocumentsCount(), 42);
      assert.equal(recorder.server.requests[0]?.headers["api-key"], API_KEY);
    });
  });

  it("a request stays the same object, and gets its own url and headers back once the call is done", async () => {
    const recorded: { url: PropertyDescriptor | undefined; headers: unknown }[] = [];
    const pipeline = createPipelineFromOptions({
      proxyOptions: recorder.proxy(),
      retryOptions: { maxRetries: 0 },
    });
    pipeline.addPolicy(diagnosisPolicy());
    for (const url of ["http://localhost:1/", "https://localhost:1/"]) {
      const headers = createHttpHeaders({ "api-key": API_KEY });
      const request = createPipelineRequest({ url, headers, allowInsecureConnection: true });
      const error = await failure(() =>
        pipeline.sendRequest(
          { sendRequest: () => Promise.reject(new Error("refused by the test")) },
          request,
        ),
      );
      assert.equal((error as { request?: unknown }).request ?? request, request);
      recorded.push({
        url: Object.getOwnPropertyDescriptor(request, "url"),
        headers: request.headers === headers,
      });
    }
    for (const { url, headers } of recorded) {
      assert.equal(url?.writable, true, "url is a data property again");
      assert.equal(headers, true, "the headers object is the request's own again");
    }
    nock.cleanAll();
  });
});
