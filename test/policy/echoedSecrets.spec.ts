import assert from "node:assert/strict";
import type http from "node:http";
import util from "node:util";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { SearchClient, AzureKeyCredential } from "@azure/search-documents";
import { AnonymousCredential, BlobServiceClient } from "@azure/storage-blob";
import { diagnose, diagnosisPolicy } from "../../src/index.js";
import { startHttpServer, type TestServer } from "../../standin/servers.js";
import { failure } from "../support/clients.js";
import { useOpenTelemetry } from "../telemetry/support.js";

/**
 * A service (or whatever stands in its place) that echoes the request's key where the package reads
 * evidence from: the request id, the error code, a JSON-escaped body, and an error's cause chain.
 * The key shows nowhere the package writes: the message, the stack, util.inspect, JSON, `details`,
 * the log line, the span's attributes and the counter's, with the policy and through diagnose() alone.
 */

const KEY = "echo+key/0123456789abcdefABCDEF==";
const TOKEN =
  "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3NlYXJjaC5henVyZS5jb20ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const escaped = (text: string): string =>
  text.replace(/[+/=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`);

/** What the stand-in answers, by index name. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  const key = String(req.headers["api-key"] ?? "");
  const url = req.url ?? "";
  req.resume();
  if (url.includes("requestid")) {
    res.writeHead(403, { "x-ms-request-id": key, "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "Forbidden", message: "Authorization failed." } }));
  } else if (url.includes("code")) {
    res.writeHead(400, {
      "request-id": "00000000-0000-0000-0000-000000000400",
      "content-type": "application/json",
    });
    res.end(JSON.stringify({ error: { code: key, message: "The request is invalid." } }));
  } else {
    // JSON-escaped, as .NET writes +, / and =: a redaction before parsing reads it as no secret.
    res.writeHead(400, {
      "request-id": "00000000-0000-0000-0000-000000000401",
      "content-type": "application/json",
    });
    res.end(
      `{"error":{"code":"InvalidRequest","message":"AccountKey\\u003d${escaped(key)} is not valid","details":[{"echo":"${escaped(key)}"}]}}`,
    );
  }
}

describe("a key the service echoes shows nowhere the package writes", function () {
  this.timeout(30_000);
  const otel = useOpenTelemetry({ contextManager: true });
  let server: TestServer;
  const logs: string[] = [];
  let restore: () => void;

  before(async () => {
    server = await startHttpServer(echo);
  });
  after(async () => server.close());
  beforeEach(() => {
    logs.length = 0;
    const previous = { log: AzureLogger.log, level: getLogLevel() };
    AzureLogger.log = (...args: unknown[]) => logs.push(util.format(...args));
    setLogLevel("warning");
    restore = () => {
      AzureLogger.log = previous.log;
      setLogLevel(previous.level);
    };
  });
  afterEach(() => restore());

  function client(index: string, withPolicy: boolean, credential?: TokenCredential): SearchClient<object> {
    return new SearchClient<object>(
      `http://localhost:${server.port}`,
      index,
      credential ?? new AzureKeyCredential(KEY),
      {
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
        additionalPolicies: withPolicy ? [{ policy: diagnosisPolicy(), position: "perCall" }] : [],
      },
    );
  }

  async function everythingWritten(error: unknown): Promise<string[]> {
    const counts = await otel.errorCounts();
    return [
      String((error as Error).message),
      String((error as Error).stack),
      util.inspect(error, { depth: Infinity }),
      JSON.stringify(diagnose(error)),
      JSON.stringify((error as { details?: unknown }).details ?? null),
      ...logs,
      // The attributes the package sets: the SDK's own span keeps the header it read (az.service_request_id).
      ...otel
        .spans()
        .flatMap((span) => Object.entries(span.attributes))
        .filter(([name]) => name.startsWith("azure_sdk_doctor.") || name === "error.type")
        .map(([, value]) => String(value)),
      JSON.stringify(counts.points),
    ];
  }

  function assertNowhere(texts: readonly string[], ...secrets: string[]): void {
    for (const text of texts) {
      for (const secret of secrets) {
        for (const spelling of [secret, escaped(secret), encodeURIComponent(secret)]) {
          assert.ok(!text.includes(spelling), `the secret shows in ${text.slice(0, 300)}`);
        }
      }
    }
  }

  it("echoed as the request id: the policy's evidence has no requestId, and the key is nowhere", async () => {
    const error = await failure(() => client("requestid", true).getDocumentsCount());
    assert.equal(diagnose(error)?.evidence.requestId, undefined);
    assertNowhere(await everythingWritten(error), KEY);
  });

  it("echoed as the service's error code: no serviceCode, and the key is nowhere", async () => {
    const error = await failure(() => client("code", true).getDocumentsCount());
    assert.equal(diagnose(error)?.evidence.serviceCode, undefined);
    assertNowhere(await everythingWritten(error), KEY);
  });

  it("JSON-escaped in the body: details is parsed, then redacted, and holds the rest", async () => {
    const error = await failure(() => client("escaped", true).getDocumentsCount());
    const details = (error as { details?: { error?: { code?: string; message?: string } } }).details;
    assert.equal(details?.error?.code, "InvalidRequest", "the rest of the body is kept");
    assert.match(String(details?.error?.message), /^AccountKey=REDACTED is not valid$/);
    assertNowhere(await everythingWritten(error), KEY);
  });

  for (const index of ["requestid", "code", "escaped"]) {
    it(`diagnose() without the policy (${index}): the evidence holds no key`, async () => {
      const error = await failure(() => client(index, false).getDocumentsCount());
      const diagnosis = diagnose(error);
      assert.ok(diagnosis);
      assertNowhere([JSON.stringify(diagnosis), util.inspect(diagnosis, { depth: Infinity })], KEY);
    });
  }

  describe("Storage quoting a whole body in its error's message (a parse error)", () => {
    let storage: TestServer;
    let body = "";
    before(async () => {
      storage = await startHttpServer((req, res) => {
        req.resume();
        res.writeHead(400, {
          "content-type": "application/xml",
          "x-ms-request-id": "00000000-0000-0000-0000-0000000000b0",
        });
        res.end(body);
      });
    });
    after(async () => storage.close());

    async function storageFailure(text: string): Promise<Error> {
      body = text;
      const service = new BlobServiceClient(
        `http://127.0.0.1:${storage.port}/account`,
        new AnonymousCredential(),
        {
          retryOptions: { maxTries: 1 },
          // Not in StoragePipelineOptions' type, taken at run time.
          ...{ additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }] },
        },
      );
      return (await failure(() => service.getProperties())) as Error;
    }

    it("100 KB: the message keeps 8 KiB of it, redacted, and says how much was left out", async () => {
      const error = await storageFailure(`AccountKey=${KEY};${"x".repeat(100_000)}`);
      assert.match(
        error.message,
        /AccountKey=REDACTED;x+\n\[\d+ more characters withheld: too long to redact\]\n\[azure-sdk-doctor\]/,
      );
      assert.ok(error.message.length < 10_000);
      assert.ok(
        String(error.stack).startsWith(`RestError: ${error.message}`),
        "the stack's head is the new message",
      );
      assertNowhere(await everythingWritten(error), KEY);
    });

    it("over a megabyte: the message is not read at all, and says how long it was", async () => {
      const error = await storageFailure(`AccountKey=${KEY};${"x".repeat(2_000_000)}`);
      assert.match(error.message, /^\[\d{7} characters withheld: too long to redact\]\n\[azure-sdk-doctor\]/);
      assert.ok(diagnose(error), "still diagnosed, from its code and response");
      assertNowhere(await everythingWritten(error), KEY);
    });
  });

  it("a bearer token in the thrown error's cause chain: redacted, two causes deep", async () => {
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => ({
        token: TOKEN,
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    };
    const search = new SearchClient<object>(`https://localhost:${server.port}`, "hotels", credential, {
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
      httpClient: {
        sendRequest: async (request) => {
          const sent = request.headers.get("authorization");
          throw new Error("socket hang up", {
            cause: new Error("the gateway refused the call", { cause: new Error(`it was sent ${sent}`) }),
          });
        },
      },
    });
    const error = await failure(() => search.getDocumentsCount());
    const deepest = ((error as Error).cause as Error).cause as Error;
    assert.match(deepest.message, /^it was sent (?:Bearer )?REDACTED$/);
    assert.ok(deepest instanceof Error, "the cause is still the error it was");
    assertNowhere(await everythingWritten(error), TOKEN);
  });
});
