import assert from "node:assert/strict";
import { SERVICES, serviceOfHost, serviceOfUserAgent } from "../../src/services.js";
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
