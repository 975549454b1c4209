import assert from "node:assert/strict";
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { SERVICES, serviceOfHost, serviceOfUserAgent } from "../../src/services.js";
import { signalsFromThrown } from "../../src/signals/thrown.js";
import type { ServiceId } from "../../src/types.js";

const ua = (name: string): string =>
  `azsdk-js-client azsdk-js-api azsdk-js-${name}/1.0.0 core-rest-pipeline/1.25.1`;

describe("which Azure service a request went to", () => {
  it("reads the client package the Azure SDK names in its User-Agent, after any prefix of the application's", () => {
    const cases: [string, ServiceId | undefined][] = [
      ["search-documents", "search"],
      ["azure-storage-blob", "storage"],
      ["storage-blob", "storage"],
      ["storage-file-datalake", "storage"],
      ["storage-queue", "storage"],
      ["keyvault-secrets", "keyVault"],
      ["keyvault-keys", "keyVault"],
      ["app-configuration", "appConfiguration"],
      ["arm-resources", "resourceManager"],
      ["arm-search", "resourceManager"],
      ["identity", "entraId"],
      ["ai-projects", undefined],
      ["search-documents-extra", undefined],
    ];
    for (const [name, service] of cases) assert.equal(serviceOfUserAgent(ua(name)), service, name);
    assert.equal(serviceOfUserAgent(`myapp/2.0 ${ua("keyvault-secrets")}`), "keyVault");
    assert.equal(serviceOfUserAgent("curl/8.0"), undefined);
    assert.equal(serviceOfUserAgent(undefined), undefined);
  });

  it("reads the host's suffix in the public and sovereign clouds", () => {
    const cases: [string, ServiceId | undefined][] = [
      ["contoso.search.windows.net", "search"],
      ["contoso.search.azure.us", "search"],
      ["contoso.search.azure.cn", "search"],
      ["contoso.blob.core.windows.net", "storage"],
      ["contoso.dfs.core.usgovcloudapi.net", "storage"],
      ["contoso.queue.core.chinacloudapi.cn", "storage"],
      ["contoso.vault.azure.net", "keyVault"],
      ["contoso.vault.usgovcloudapi.net", "keyVault"],
      ["contoso.managedhsm.azure.net", "keyVault"],
      ["contoso.azconfig.io", "appConfiguration"],
      ["management.azure.com", "resourceManager"],
      ["management.usgovcloudapi.net", "resourceManager"],
      ["login.microsoftonline.com", "entraId"],
      ["contoso.openai.azure.com", undefined],
      ["search.windows.net.contoso.example", undefined],
      ["evilmanagement.azure.com", undefined],
      ["localhost", undefined],
    ];
    for (const [host, service] of cases) assert.equal(serviceOfHost(host), service, host);
  });

  it("names each service, and knows every host suffix and package by one entry only", () => {
    const seen = new Set<string>();
    for (const info of Object.values(SERVICES)) {
      assert.ok(info.name.length > 0);
      for (const key of [...info.hosts, ...info.packages]) {
        assert.ok(!seen.has(key), key);
        seen.add(key);
      }
    }
  });
});

describe("what a failure's request says of where it went", () => {
  const evidenceOf = (url: string, userAgent = "azsdk-js-search-documents/13.0.0") => {
    const request = createPipelineRequest({ url, headers: createHttpHeaders({ "user-agent": userAgent }) });
    return signalsFromThrown(new RestError("boom", { statusCode: 500, request }));
  };

  it("reads the scheme and host as URL parsing does, past userinfo and port, an IPv6 host in its brackets", () => {
    const cases: [string, "http" | "https" | undefined, string | undefined][] = [
      ["https://contoso.search.windows.net/indexes?api-version=1", "https", "contoso.search.windows.net"],
      ["HTTPS://Contoso.Search.Windows.NET", "https", "contoso.search.windows.net"],
      ["http://contoso.search.windows.net:8080/indexes", "http", "contoso.search.windows.net"],
      ["https://user:pa%40ss@contoso.search.windows.net/", "https", "contoso.search.windows.net"],
      ["https://[::1]:8443/indexes", "https", "[::1]"],
      ["https://[fe80::1]/", "https", "[fe80::1]"],
      ["https://contoso.search.windows.net?api-version=1", "https", "contoso.search.windows.net"],
      ["https://contoso.search.windows.net#top", "https", "contoso.search.windows.net"],
      ["https://contoso.search.windows.net", "https", "contoso.search.windows.net"],
      ["https://Contoso.search.windows.net/indexes", "https", "contoso.search.windows.net"],
      ["https://contoso.search.windows.net/a@b/indexes", "https", "contoso.search.windows.net"],
      ["ftp://contoso.search.windows.net/", undefined, undefined],
      ["httpx://contoso.search.windows.net/", undefined, undefined],
      ["contoso.search.windows.net/indexes", undefined, undefined],
    ];
    for (const [url, scheme, host] of cases) {
      const signals = evidenceOf(url);
      assert.equal(signals.scheme, scheme, url);
      assert.equal(signals.host, host, url);
    }
  });

  it("reads Search's operation from the path alone, not its query or fragment", () => {
    const cases: [string, string][] = [
      [
        "https://contoso.search.windows.net/indexes('hotels')/docs/search.post.search?api-version=1",
        "documentRead",
      ],
      ["https://contoso.search.windows.net:443/indexes/hotels/docs/search.index?x=/indexes", "documentWrite"],
      ["https://contoso.search.windows.net/indexes?q=/docs/search.index", "indexManagement"],
      ["https://contoso.search.windows.net#/indexes/hotels/docs", "other"],
    ];
    for (const [url, operation] of cases) assert.equal(evidenceOf(url).operation, operation, url);
  });
});

describe("the headers a failure's request is read from", () => {
  const failed = (headers: PipelineRequest["headers"]) =>
    signalsFromThrown(
      new RestError("boom", {
        statusCode: 500,
        request: createPipelineRequest({ url: "https://api.contoso.example/things", headers }),
      }),
    );

  it("reads the service and a hand-set Proxy-Authorization from the SDK's headers, in any case", () => {
    const signals = failed(
      createHttpHeaders({
        "User-Agent": "azsdk-js-keyvault-secrets/4.10.0 core-rest-pipeline/1.25.1",
        "Proxy-Authorization": "Basic YWxpY2U6czNjcmV0",
      }),
    );
    assert.equal(signals.service, "keyVault");
    assert.equal(signals.proxyCredentials, true);
    assert.equal(
      failed(createHttpHeaders({ "x-ms-useragent": ua("app-configuration") })).service,
      "appConfiguration",
    );
    assert.equal(failed(createHttpHeaders({})).proxyCredentials, false);
  });

  it("reads them through get() and has() from headers of another make, which have no toJSON()", () => {
    const values = new Map([
      ["user-agent", ua("storage-blob")],
      ["proxy-authorization", "Basic YWxpY2U6czNjcmV0"],
    ]);
    const headers = {
      get: (name: string) => values.get(name.toLowerCase()),
      has: (name: string) => values.has(name.toLowerCase()),
    } as unknown as PipelineRequest["headers"];
    const signals = failed(headers);
    assert.equal(signals.service, "storage");
    assert.equal(signals.proxyCredentials, true);
    assert.equal(signals.credential, undefined, "credentials that could not be read are not named");
  });

  it("reads Resource Manager's rate-limit headers from a response whose headers have no toJSON()", () => {
    const values = new Map([
      ["x-ms-request-id", "r1"],
      ["retry-after", "5"],
      ["x-ms-ratelimit-remaining-subscription-writes", "0"],
      ["x-ms-ratelimit-remaining-tenant-reads", "7"],
    ]);
    const headers = {
      get: (name: string) => values.get(name.toLowerCase()),
      has: (name: string) => values.has(name.toLowerCase()),
    } as unknown as PipelineResponse["headers"];
    const request = createPipelineRequest({
      url: "https://management.azure.com/subscriptions/0000/resourcegroups/app-rg?api-version=2025-04-01",
    });
    const response: PipelineResponse = {
      status: 429,
      request,
      headers,
      bodyAsText: '{"error":{"code":"SubscriptionRequestsThrottled","message":"Too many writes."}}',
    };
    const signals = signalsFromThrown(
      new RestError("Too many writes.", { statusCode: 429, request, response }),
    );
    assert.equal(signals.service, "resourceManager");
    assert.equal(signals.requestId, "r1");
    assert.equal(signals.retryAfterSeconds, 5);
    assert.equal(signals.rateLimitExhausted, "subscription-writes");
  });
});
