import assert from "node:assert/strict";
import util from "node:util";
import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import type { SearchClient, SearchIndexClient } from "@azure/search-documents";
import nock from "nock";
import { useNock } from "../support/nock.js";
import { diagnose, type CauseId } from "../../src/index.js";
import { failure, installations, searchClient, searchIndexClient } from "../support/clients.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "responses-secret-api-key-5d2e8b";
const REQUEST_ID = "6a1f3c2e-0b4d-4e8f-9a7c-1d2e3f4a5b6c";

const envelope = (message: string, code = ""): string => JSON.stringify({ error: { code, message } });

type Clients = { search: SearchClient<Record<string, unknown>>; index: SearchIndexClient };

/** The calls a Search user makes, by what they do to the service. */
const calls = {
  count: { method: "GET", run: (c: Clients) => c.search.getDocumentsCount() },
  search: {
    method: "POST",
    run: async (c: Clients) => {
      for await (const result of (await c.search.search("wifi")).results) void result;
    },
  },
  semanticSearch: {
    method: "POST",
    run: async (c: Clients) => {
      const found = await c.search.search("wifi", {
        queryType: "semantic",
        semanticSearchOptions: { configurationName: "default" },
      });
      for await (const result of found.results) void result;
    },
  },
  getDocument: { method: "GET", run: (c: Clients) => c.search.getDocument("1") },
  upload: { method: "POST", run: (c: Clients) => c.search.uploadDocuments([{ id: "1", name: "Hotel" }]) },
  getIndex: { method: "GET", run: (c: Clients) => c.index.getIndex("hotels") },
  createIndex: {
    method: "POST",
    run: (c: Clients) =>
      c.index.createIndex({ name: "hotels", fields: [{ name: "id", type: "Edm.String", key: true }] }),
  },
  updateIndex: {
    method: "PUT",
    run: (c: Clients) =>
      c.index.createOrUpdateIndex(
        { name: "hotels", fields: [{ name: "id", type: "Edm.String", key: true }], etag: '"0x8DC"' },
        { onlyIfUnchanged: true },
      ),
  },
  listIndexes: {
    method: "GET",
    run: async (c: Clients) => {
      for await (const index of c.index.listIndexes()) void index;
    },
  },
  statistics: { method: "GET", run: (c: Clients) => c.index.getServiceStatistics() },
} as const;

interface Case {
  name: string;
  call: keyof typeof calls;
  status: number;
  body?: string;
  headers?: Record<string, string>;
  cause: CauseId;
  confidence?: "exact" | "inferred";
  /** Causes that must be offered as alternatives. */
  alternatives?: CauseId[];
  /** The service code the error must keep. */
  code?: string;
}

const KEY_VAULT_TEXTS: [CauseId, string][] = [
  [
    "keyVaultAccessDenied",
    "Access to the required key vault permissions was denied. Please check the key vault access policies.",
  ],
  ["keyVaultUriUnresolved", "Could not resolve the key vault uri 'https://missing-vault.vault.azure.net'."],
  ["keyVaultKeyNotFound", "The key cannot be found in the key vault."],
  ["managedIdentityNotDefined", "Service does not have a managed identity defined."],
  ["applicationIdInvalid", "The provided application id is invalid."],
  ["applicationSecretInvalid", "The provided application secret is invalid."],
];

const FORBIDDEN_READ: CauseId[] = ["ipFirewallBlocked", "publicAccessDisabled"];
const FORBIDDEN_ADMIN: CauseId[] = ["invalidApiKey", "ipFirewallBlocked", "publicAccessDisabled"];

const cases: Case[] = [
  ...(["count", "search", "getDocument"] as const).map((call): Case => ({
    name: `empty 403 on a document read (${call})`,
    call,
    status: 403,
    cause: "invalidApiKey",
    confidence: "inferred",
    alternatives: FORBIDDEN_READ,
  })),
  ...(["getIndex", "createIndex", "updateIndex", "listIndexes", "statistics", "upload"] as const).map(
    (call): Case => ({
      name: `empty 403 on ${call}`,
      call,
      status: 403,
      cause: "queryKeyForAdminOperation",
      confidence: "inferred",
      alternatives: FORBIDDEN_ADMIN,
    }),
  ),
  ...KEY_VAULT_TEXTS.flatMap(([cause, text]) =>
    [400, 403].map((status): Case => ({
      name: `customer-managed key text "${text.slice(0, 40)}..." (${status})`,
      call: "updateIndex",
      status,
      body: envelope(text),
      cause,
    })),
  ),
  {
    name: "revoked encryption key",
    call: "search",
    status: 403,
    body: envelope("Access forbidden. The query key used might have been revoked - please retry."),
    cause: "encryptionKeyRevoked",
  },
  {
    name: "index not found",
    call: "count",
    status: 404,
    body: envelope("The index 'hotel' for service 'contoso-search' was not found."),
    cause: "indexNotFound",
  },
  {
    name: "free semantic quota used up (402)",
    call: "semanticSearch",
    status: 402,
    body: envelope(
      "Free Query Semantic Usage exceeded for the month. Please enable semantic billing to continue.",
    ),
    cause: "semanticQuotaExceeded",
  },
  {
    name: "semantic ranker not enabled",
    call: "semanticSearch",
    status: 400,
    body: envelope("Semantic search is not enabled for this service.", "FeatureNotSupportedInService"),
    cause: "semanticNotEnabled",
    code: "FeatureNotSupportedInService",
  },
  { name: "request too large (413, empty body)", call: "upload", status: 413, cause: "requestTooLarge" },
  {
    name: "index quota (429)",
    call: "createIndex",
    status: 429,
    body: envelope(
      "Index quota has been exceeded for this service. You currently have 3 indexes. Maximum number of indexes allowed: 3",
    ),
    cause: "quotaExceeded",
  },
  {
    name: "storage quota (429)",
    call: "upload",
    status: 429,
    body: envelope(
      "Storage quota has been exceeded for this service. You must either delete documents first, or use a higher SKU for additional quota.",
    ),
    cause: "quotaExceeded",
  },
  { name: "429 without a quota text", call: "getIndex", status: 429, cause: "throttled" },
  {
    name: "503 not enough resources",
    call: "search",
    status: 503,
    body: envelope(
      "Failed to execute query because not enough resources were available to cover 100% of the index.",
    ),
    cause: "throttled",
  },
  {
    name: "precondition failed (412)",
    call: "updateIndex",
    status: 412,
    body: envelope("The precondition given in one of the request headers evaluated to false."),
    cause: "preconditionFailed",
  },
  {
    name: "invalid api-version",
    call: "count",
    status: 400,
    body: envelope("Invalid or missing api-version query string parameter."),
    cause: "invalidApiVersion",
  },
  {
    name: "HTML 502 from something without an Azure request id",
    call: "search",
    status: 502,
    body: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>corporate-proxy</body></html>",
    headers: { "content-type": "text/html" },
    cause: "gatewayError",
    // Nothing names itself: only the shape of the answer says it is not the service's.
    confidence: "inferred",
  },
  {
    name: "proxy wants credentials (407)",
    call: "count",
    status: 407,
    headers: { "proxy-authenticate": 'Basic realm="corp"' },
    cause: "proxyAuthenticationRequired",
  },
];

/** Captures what the SDK loggers write at warning and above. */
function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const previousLog = AzureLogger.log;
  const previousLevel: AzureLogLevel | undefined = getLogLevel();
  AzureLogger.log = (...args: unknown[]) => lines.push(util.format(...args));
  setLogLevel("warning");
  return {
    lines,
    restore() {
      AzureLogger.log = previousLog;
      setLogLevel(previousLevel);
    },
  };
}

/**
 * What every diagnosed error response must keep: the status, the service code, the parsed body,
 * request and response, the original message, the enrichment once, and no secret anywhere.
 */
function assertWellFormed(
  error: unknown,
  c: Pick<Case, "status" | "body" | "code">,
  logs: string[],
): RestError {
  assert.ok(isRestError(error), `a RestError, not ${String(error)}`);
  assert.equal(error.statusCode, c.status);
  assert.equal(error.code, c.code);
  assert.ok(error.request, "the request is kept");
  assert.equal(error.response?.status, c.status, "the response is kept");
  const parsed = c.body?.startsWith("{") ? (JSON.parse(c.body) as { error: { message: string } }) : undefined;
  assert.deepEqual(error.details, parsed, "details holds the parsed error body");
  if (parsed) assert.ok(error.message.startsWith(parsed.error.message), "the service message comes first");
  assert.equal(error.message.split("[azure-sdk-doctor]").length, 2, "enriched exactly once");
  assert.equal(String(error.stack).split("[azure-sdk-doctor]").length, 2, "the stack's head too");
  const diagnosis = diagnose(error);
  for (const text of [
    error.message,
    String(error.stack),
    util.inspect(error),
    JSON.stringify(diagnosis),
    ...logs,
  ]) {
    assert.ok(!text.includes(API_KEY), "the api-key appears nowhere");
  }
  return error;
}

describe("diagnosisPolicy: Azure AI Search responses through the real clients (nock)", () => {
  let logs: ReturnType<typeof captureLogs>;

  useNock();
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
    nock.cleanAll();
  });

  for (const installation of installations) {
    const clients = (): Clients => ({
      search: searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }),
      index: searchIndexClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation }),
    });

    for (const c of cases) {
      it(`${c.name} -> ${c.cause} (${installation})`, async () => {
        const scope = nock(ENDPOINT)
          .intercept(/.*/, calls[c.call].method)
          .reply(c.status, c.body ?? "", {
            ...(c.headers?.["content-type"] === "text/html" ? {} : { "request-id": REQUEST_ID }),
            ...(c.body?.startsWith("{") ? { "content-type": "application/json; charset=utf-8" } : {}),
            ...c.headers,
          });

        const error = assertWellFormed(await failure(() => calls[c.call].run(clients())), c, logs.lines);
        assert.ok(scope.isDone(), "the request reached the service");

        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, c.cause);
        assert.equal(diagnosis?.confidence, c.confidence ?? "exact");
        for (const alternative of c.alternatives ?? []) {
          assert.ok(
            diagnosis?.alternatives.includes(alternative),
            `${alternative} is offered as an alternative`,
          );
        }
        assert.equal(diagnosis?.evidence.status, c.status);
        assert.equal(diagnosis?.evidence.host, "contoso-search.search.windows.net");
        assert.equal(diagnosis?.evidence.credential, "apiKey");
        assert.equal(diagnosis?.evidence.requestId, c.cause === "gatewayError" ? undefined : REQUEST_ID);
        assert.ok(diagnosis?.docs.every((link) => link.startsWith("https://")));
        assert.match(error.message, new RegExp(`\\[azure-sdk-doctor\\] ${c.cause}[:,]`));
        assert.equal(logs.lines.filter((line) => line.includes(c.cause)).length, 1, "logged once");
      });
    }
  }

  it("an empty 403 on a document read walks the user through telling the causes apart", async () => {
    nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
    const error = await failure(() =>
      searchClient({ endpoint: ENDPOINT, apiKey: API_KEY }).getDocumentsCount(),
    );
    const diagnosis = diagnose(error);
    const steps = diagnosis?.remediation.join(" ") ?? "";
    assert.match(steps, /Keys/, "points at the keys");
    assert.match(steps, /Networking|firewall/i, "points at the network rules");
    assert.match((error as Error).message, /likely/, "the message says the diagnosis is inferred");
  });

  it("diagnoses a 503 once, after the SDK's retries", async () => {
    const scope = nock(ENDPOINT)
      .post(/.*/)
      .times(3)
      .reply(503, envelope("Service is too busy."), { "request-id": REQUEST_ID, "retry-after-ms": "1" });
    const onDiagnosis: string[] = [];
    const client = searchClient({
      endpoint: ENDPOINT,
      apiKey: API_KEY,
      maxRetries: 2,
      policy: { onDiagnosis: (d) => onDiagnosis.push(d.cause) },
    });
    const error = await failure(() =>
      calls.search.run({ search: client, index: searchIndexClient({ endpoint: ENDPOINT }) }),
    );

    assert.ok(scope.isDone(), "first try and two retries reached the service");
    assert.equal((error as RestError).statusCode, 503);
    assert.deepEqual(onDiagnosis, ["throttled"]);
    assert.equal(logs.lines.filter((line) => line.includes("throttled")).length, 1);
  });

  it("diagnoses an empty 403 from a search client made by SearchIndexClient.getSearchClient", async () => {
    nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
    const child = searchIndexClient({ endpoint: ENDPOINT, apiKey: API_KEY }).getSearchClient("hotels");
    const error = await failure(() => child.getDocumentsCount());
    assert.equal(diagnose(error)?.cause, "invalidApiKey");
    assert.equal((error as RestError).statusCode, 403);
  });
});
