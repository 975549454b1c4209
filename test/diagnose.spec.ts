import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import v8 from "node:v8";
import vm from "node:vm";
import { RestError, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { ChainedTokenCredential, EnvironmentCredential } from "@azure/identity";
import { AzureKeyCredential, SearchClient, SearchIndexClient } from "@azure/search-documents";
import nock from "nock";
import { useNock } from "./support/nock.js";
import { catalog, diagnose, type Diagnosis } from "../src/index.js";
import { selfSigned } from "../standin/certs.js";
import { failure } from "./support/clients.js";
import { closedPort, startResetServer, startTlsServer, type TestServer } from "../standin/servers.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "diagnose-secret-key-1a9c3f";
const credential = new AzureKeyCredential(API_KEY);
/** The SDK as users have it before adding the policy. */
const plainSearch = () =>
  new SearchClient(ENDPOINT, "hotels", credential, { retryOptions: { maxRetries: 0 } });
const plainIndexes = () => new SearchIndexClient(ENDPOINT, credential, { retryOptions: { maxRetries: 0 } });

const CAUSES = new Set<string>(catalog.map((rule) => rule.cause));

/** A diagnosis is either absent or complete and built from the catalog. */
function assertWellFormed(diagnosis: Diagnosis | undefined): void {
  if (diagnosis === undefined) return;
  assert.ok(CAUSES.has(diagnosis.cause), diagnosis.cause);
  assert.ok(diagnosis.docs.length > 0 && diagnosis.remediation.length > 0);
  assert.doesNotThrow(() => JSON.stringify(diagnosis));
}

/** Errors Node.js itself raises for a socket, from a real loopback connection. */
function socketError(connect: () => net.Socket): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect();
    socket.on("error", resolve);
    socket.on("connect", () => socket.write("GET / HTTP/1.1\r\n\r\n"));
  });
}

describe("diagnose(): values thrown without the policy", () => {
  const servers: TestServer[] = [];

  useNock();
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it("the SDK's RestError for a JSON error body", async () => {
    nock(ENDPOINT)
      .get(/.*/)
      .reply(
        404,
        JSON.stringify({
          error: { code: "", message: "The index 'hotel' for service 'contoso-search' was not found." },
        }),
        {
          "content-type": "application/json",
        },
      );
    const error = await failure(() => plainSearch().getDocumentsCount());
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "indexNotFound");
    assert.equal(diagnosis?.evidence.status, 404);
    assert.equal(diagnosis?.evidence.operation, "documentRead");
    assert.equal(diagnosis?.evidence.credential, "apiKey");
    assert.ok(!JSON.stringify(diagnosis).includes(API_KEY));
  });

  it("the SDK's RestError for a customer-managed key text", async () => {
    nock(ENDPOINT)
      .put(/.*/)
      .reply(
        400,
        JSON.stringify({ error: { code: "", message: "The provided application secret is invalid." } }),
        {
          "content-type": "application/json",
        },
      );
    const error = await failure(() =>
      plainIndexes().createOrUpdateIndex({
        name: "hotels",
        fields: [{ name: "id", type: "Edm.String", key: true }],
      }),
    );
    assert.equal(diagnose(error)?.cause, "applicationSecretInvalid");
  });

  it("the 13.0.0 TypeError for an empty-bodied error -> emptyErrorResponse", async () => {
    nock(ENDPOINT).get(/.*/).reply(403, "");
    const error = await failure(() => plainSearch().getDocumentsCount());
    assert.ok(error instanceof TypeError);
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "emptyErrorResponse");
    assert.equal(diagnosis?.confidence, "inferred");
    assert.match(diagnosis?.remediation[0] ?? "", /diagnosisPolicy/);
  });

  it('"Pagination failed with unexpected statusCode 403" from listIndexes', async () => {
    nock(ENDPOINT).get(/.*/).reply(403, "");
    const error = await failure(async () => {
      for await (const index of plainIndexes().listIndexes()) void index;
    });
    assert.match((error as Error).message, /^Pagination failed with unexpected statusCode 403/);
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "queryKeyForAdminOperation");
    assert.equal(diagnosis?.evidence.status, 403);
    assert.ok(diagnosis?.alternatives.includes("invalidApiKey"));
  });

  it("the SDK's RestError for a transport failure", async () => {
    const client = new SearchClient(`https://localhost:${await closedPort()}`, "hotels", credential, {
      retryOptions: { maxRetries: 0 },
    });
    const error = await failure(() => client.getDocumentsCount());
    assert.equal(diagnose(error)?.cause, "connectionRefused");
  });

  it("Node.js socket errors: refused, reset, untrusted certificate", async () => {
    const port = await closedPort();
    assert.equal(
      diagnose(await socketError(() => net.connect(port, "127.0.0.1")))?.cause,
      "connectionRefused",
    );

    const reset = await startResetServer();
    servers.push(reset);
    assert.equal(
      diagnose(await socketError(() => net.connect(reset.port, "127.0.0.1")))?.cause,
      "connectionReset",
    );

    const selfSignedServer = await startTlsServer(selfSigned());
    servers.push(selfSignedServer);
    const tlsError = await socketError(() =>
      tls.connect({ port: selfSignedServer.port, host: "127.0.0.1", servername: "localhost" }),
    );
    assert.equal((tlsError as NodeJS.ErrnoException).code, "DEPTH_ZERO_SELF_SIGNED_CERT");
    assert.equal(diagnose(tlsError)?.cause, "tlsUntrustedCertificate");
  });

  it("fetch()'s TypeError, through its cause", async () => {
    const port = await closedPort();
    const error = await failure(() => fetch(`http://127.0.0.1:${port}/`));
    assert.equal((error as Error).message, "fetch failed");
    assert.equal(diagnose(error)?.cause, "connectionRefused");
  });

  it("@azure/identity errors", async () => {
    const saved = Object.entries(process.env).filter(([name]) => name.startsWith("AZURE_"));
    for (const [name] of saved) delete process.env[name];
    try {
      const unavailable = await failure(() =>
        new EnvironmentCredential().getToken("https://search.azure.com/.default"),
      );
      assert.equal(diagnose(unavailable)?.cause, "credentialUnavailable");
      const aggregate = await failure(() =>
        new ChainedTokenCredential(new EnvironmentCredential()).getToken("https://search.azure.com/.default"),
      );
      assert.equal((aggregate as Error).name, "AggregateAuthenticationError");
      assert.equal(diagnose(aggregate)?.cause, "credentialUnavailable");
    } finally {
      Object.assign(process.env, Object.fromEntries(saved));
    }
  });

  it("gives the same diagnosis for the same value, and leaves the value as it was", async () => {
    nock(ENDPOINT).get(/.*/).reply(403, "");
    const error = (await failure(() => plainSearch().getDocumentsCount())) as Error;
    const message = error.message;
    assert.deepEqual(diagnose(error), diagnose(error));
    assert.equal(error.message, message);
    assert.ok(!Object.prototype.hasOwnProperty.call(error, "diagnosis"));
  });
});

describe("diagnose(): never throws, whatever it is given", () => {
  const circular: Record<string, unknown> = { message: "socket hang up", code: "ECONNRESET" };
  circular.self = circular;
  circular.cause = circular;
  circular.request = circular;
  circular.response = circular;

  const throwingGetters = Object.defineProperties(
    {},
    Object.fromEntries(
      [
        "message",
        "name",
        "code",
        "statusCode",
        "request",
        "response",
        "details",
        "cause",
        "stack",
        "diagnosis",
      ].map((key) => [
        key,
        {
          get() {
            throw new Error(`getter ${key}`);
          },
          enumerable: true,
        },
      ]),
    ),
  );

  const hostileProxy = new Proxy(
    {},
    {
      get: () => {
        throw new Error("get");
      },
      has: () => {
        throw new Error("has");
      },
      ownKeys: () => {
        throw new Error("ownKeys");
      },
      getPrototypeOf: () => {
        throw new Error("getPrototypeOf");
      },
      getOwnPropertyDescriptor: () => {
        throw new Error("getOwnPropertyDescriptor");
      },
    },
  );

  const revoked = Proxy.revocable({}, {});
  revoked.revoke();

  const restErrorWithHostileRequest = Object.defineProperties(
    new RestError("Unexpected status code: 403", { statusCode: 403 }),
    {
      request: { value: hostileProxy },
      response: { value: hostileProxy },
    },
  );

  const requestWithBadUrl = createPipelineRequest({
    url: "https://contoso-search.search.windows.net/indexes",
  });
  Object.defineProperty(requestWithBadUrl, "url", {
    get() {
      throw new Error("url");
    },
  });

  const values: [string, unknown][] = [
    ["undefined", undefined],
    ["null", null],
    ["an empty string", ""],
    ["a string", "something went wrong"],
    ["a string naming a Node code", "getaddrinfo ENOTFOUND contoso-search.search.windows.net"],
    ["a number", 42],
    ["NaN", Number.NaN],
    ["a bigint", 10n],
    ["a boolean", false],
    ["a symbol", Symbol("boom")],
    ["a function", () => undefined],
    ["an empty object", {}],
    ["an array", [1, "two", { message: 3 }]],
    ["an object without prototype", Object.create(null)],
    ["a circular object", circular],
    ["an object whose getters throw", throwingGetters],
    ["a Proxy whose every trap throws", hostileProxy],
    ["a revoked Proxy", revoked.proxy],
    [
      "a frozen error",
      Object.freeze(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" })),
    ],
    [
      "an error with a non-string message and code",
      Object.assign(new Error(), {
        message: {
          toString: () => {
            throw new Error("x");
          },
        },
        code: 7,
      }),
    ],
    ["an error with a 10 MB message", new Error("x".repeat(10 * 1024 * 1024))],
    ["a RestError with a hostile request and response", restErrorWithHostileRequest],
    [
      "a RestError whose request URL getter throws",
      new RestError("boom", { statusCode: 500, request: requestWithBadUrl }),
    ],
    [
      "a response-like object with junk headers",
      {
        response: {
          status: 403,
          headers: {
            get: () => {
              throw new Error("h");
            },
          },
        },
        request: { url: 5, method: {}, headers: createHttpHeaders() },
      },
    ],
  ];

  for (const [name, value] of values) {
    it(name, () => {
      let diagnosis: Diagnosis | undefined;
      assert.doesNotThrow(() => {
        diagnosis = diagnose(value);
      });
      assertWellFormed(diagnosis);
    });
  }

  it("what can be read of a hostile value is still used", () => {
    assert.equal(diagnose(circular)?.cause, "connectionReset");
    assert.equal(diagnose(restErrorWithHostileRequest)?.evidence.status, 403);
    // Its request cannot be read, so its service is unknown: no Search advice for a bare 403.
    assert.equal(diagnose(restErrorWithHostileRequest)?.cause, "unrecognizedServiceError");
  });

  it("keeps nothing for an error's statusCode outside HTTP's: 100,000 of them leave the heap where it was", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const odd = (i: number) => ({ name: "Error", message: "failed", statusCode: 1000 + i });
    for (let i = 0; i < 1000; i++) diagnose(odd(-i - 1));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) diagnose(odd(i));
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 4 * 1024 * 1024, `the heap grew by ${Math.round(grown / 1024)} KiB`);
  });

  it("a frozen Node error is still diagnosed", () => {
    const frozen = Object.freeze(
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
    );
    assert.equal(diagnose(frozen)?.cause, "connectionRefused");
  });

  it("a custom rule that throws is skipped by diagnose() too", () => {
    const diagnosis = diagnose(Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }), {
      rules: [
        {
          cause: "broken",
          category: "network",
          signal: "",
          summary: "",
          remediation: [],
          docs: [],
          match: () => {
            throw new Error("bug");
          },
        },
      ],
    });
    assert.equal(diagnosis?.cause, "dnsNotFound");
  });
});

describe("diagnose(): what the request was doing", () => {
  /** A 500 for a request to this path, as the SDK throws it. */
  const serviceErrorFor = (path: string, method: "GET" | "POST" | "PUT" = "GET") => {
    const request = createPipelineRequest({ url: `${ENDPOINT}${path}?api-version=2025-09-01`, method });
    return new RestError("Unexpected status code: 500", {
      statusCode: 500,
      request,
      response: { status: 500, request, headers: createHttpHeaders() },
    });
  };

  const cases: [string, string][] = [
    ["/indexes('hotels')/docs/$count", "documentRead"],
    ["/indexes('hotels')/docs/search.post.search", "documentRead"],
    ["/indexes('hotels')/docs('1')", "documentRead"],
    ["/indexes('hotels')/docs/search.index", "documentWrite"],
    ["/INDEXES('hotels')/DOCS/INDEX", "documentWrite"],
    ["/indexes%28'hotels'%29/docs/search.index", "documentWrite"],
    ["/indexes('hotels')", "indexManagement"],
    ["/indexes", "indexManagement"],
    ["/indexers('nightly')/search.run", "indexerManagement"],
    ["/datasources", "dataSourceManagement"],
    ["/servicestats", "serviceStatistics"],
    ["/knowledgebases('kb')/retrieve", "documentRead"],
    ["/knowledgebases('kb')", "knowledgeManagement"],
    ["/", "other"],
    ["/constructor", "other"],
    ["/__proto__", "other"],
    ["/toString", "other"],
  ];
  for (const [path, operation] of cases) {
    it(`${path} -> ${operation}`, () => {
      assert.equal(diagnose(serviceErrorFor(path))?.evidence.operation, operation);
    });
  }
});

describe("diagnose(): every evidence field is a primitive of its documented type", () => {
  it("reads a getter once, so a request whose method and status change under it still gives strings and numbers", () => {
    let reads = 0;
    const request = createPipelineRequest({ url: "https://contoso-search.search.windows.net/indexes" });
    Object.defineProperty(request, "method", {
      get: () => (++reads % 2 === 1 ? "GET" : { toString: () => "POST" }),
    });
    const response = { request, status: 403, headers: createHttpHeaders(), bodyAsText: "" };
    Object.defineProperty(response, "status", { get: () => (++reads % 2 === 1 ? 403 : "403") });
    const error = Object.assign(new RestError("Unexpected status code: 403", { statusCode: 403 }), {});
    Object.defineProperties(error, { request: { value: request }, response: { value: response } });
    const diagnosis = diagnose(error);
    assert.ok(diagnosis);
    for (const [key, value] of Object.entries(diagnosis.evidence)) {
      assert.ok(["string", "number"].includes(typeof value), `${key}: ${typeof value}`);
    }
    assert.doesNotThrow(() => JSON.stringify(diagnosis));
  });

  it("reads an error's request once, for the diagnosis the policy kept and for the signals both", () => {
    let reads = 0;
    const request = createPipelineRequest({ url: "https://contoso-search.search.windows.net/indexes" });
    const error = new RestError("Unexpected status code: 503", { statusCode: 503 });
    // A getter that gives the request once, then a plain object: read twice, the signals would lose it.
    Object.defineProperty(error, "request", { get: () => (++reads === 1 ? request : { url: 1 }) });
    const diagnosis = diagnose(error);
    assert.equal(reads, 1);
    assert.equal(diagnosis?.evidence.host, "contoso-search.search.windows.net");
    assert.equal(diagnosis?.evidence.service, "search");
  });

  it("drops a method that is not an HTTP token, rather than quote it", () => {
    const request = createPipelineRequest({ url: "https://contoso-search.search.windows.net/indexes" });
    Object.defineProperty(request, "method", { value: "GET /secret HTTP/1.1\r\nX: y" });
    const error = Object.defineProperties(new RestError("Unexpected status code: 403", { statusCode: 403 }), {
      request: { value: request },
    });
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.evidence.status, 403);
    assert.equal(diagnosis?.evidence.method, undefined);
  });
});

describe("diagnose(): a rule of your own sees the failure redacted", () => {
  it("gets the message, body and the service's message with the request's key and secret shapes removed", () => {
    const key = "own-rule-key-0123456789abcdef";
    const request = createPipelineRequest({ url: "https://contoso-search.search.windows.net/indexes" });
    request.headers.set("api-key", key);
    const body = JSON.stringify({
      error: { code: "Odd", message: `The key ${key} is odd; AccountKey=abc123def456==` },
    });
    const response = { request, status: 400, headers: createHttpHeaders(), bodyAsText: body };
    const error = Object.defineProperties(new RestError(`The key ${key} is odd`, { statusCode: 400 }), {
      request: { value: request },
      response: { value: response },
    });
    const seen: string[] = [];
    const diagnosis = diagnose(error, {
      rules: [
        {
          cause: "ownRule",
          category: "request",
          signal: "test",
          summary: "A rule of your own.",
          remediation: ["Nothing to do."],
          docs: ["https://example.invalid/"],
          match: (s) => {
            seen.push(s.message, s.body, s.serviceMessage ?? "", s.lowerCaseText ?? "");
            return { detail: `It said: ${s.serviceMessage ?? ""}` };
          },
        },
      ],
    });
    assert.equal(diagnosis?.cause, "ownRule");
    for (const text of [...seen, diagnosis?.detail ?? ""]) {
      assert.ok(!text.includes(key), text);
      assert.ok(!text.includes("abc123def456"), text);
    }
    assert.match(seen[0] ?? "", /REDACTED/);
  });
});
