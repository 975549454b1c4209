import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  commandRun,
  DEMO_CLIENT_SECRET,
  DEMO_OLD_SECRET,
  DEMO_SAS_SIGNATURE,
  scenarios,
  WRONG_KEY,
  WRONG_PROXY_PASSWORD,
} from "../demo/scenarios.js";
import { closedPort } from "../standin/servers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("npm run demo", function () {
  this.timeout(120_000);
  let code: number | null;
  let output: string;

  before(async () => {
    // A proxy that cannot reach this machine's loopback, as on a company laptop: the demo must not use it.
    const proxy = `http://127.0.0.1:${await closedPort()}`;
    ({ code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", path.join(root, "demo/demo.ts")],
        { cwd: root, timeout: 90_000, env: { ...process.env, HTTPS_PROXY: proxy, https_proxy: proxy } },
        (error, stdout, stderr) => {
          resolve({
            code: error ? (typeof error.code === "number" ? error.code : null) : 0,
            output: `${stdout}${stderr}`,
          });
        },
      );
    }));
  });

  it("exits 0 after every failure was diagnosed as expected", () => {
    assert.equal(code, 0, output);
    assert.match(
      output,
      new RegExp(`\\n${scenarios.length} of ${scenarios.length} failures diagnosed as expected`),
    );
    assert.doesNotMatch(output, /UNEXPECTED/);
  });

  it("says first that it runs a local stand-in, not Azure", () => {
    const [, notice] = output.split("\n");
    assert.match(
      notice ?? "",
      /LOCAL STAND-IN for Azure AI Search, Storage, Key Vault, App Configuration, Resource Manager and Entra ID, running on 127\.0\.0\.1.*It is not Azure/,
    );
  });

  it("prints each scenario under its heading with the enriched message naming its cause", () => {
    for (const [i, scenario] of scenarios.entries()) {
      const start = output.indexOf(`\n${i + 1}. ${scenario.title}\n`);
      assert.ok(start >= 0, `heading of "${scenario.title}"`);
      const next = output.indexOf(`\n${i + 2}. `, start);
      const end = next >= 0 ? next : output.length;
      assert.match(
        output.slice(start, end),
        new RegExp(`\\n {4}\\[azure-sdk-doctor\\] ${scenario.cause}\\b`),
      );
    }
  });

  it("ends with the preflight report of the endpoint behind the inspecting proxy", () => {
    const report = output.slice(
      output.indexOf("\nPreflight report of the endpoint behind the inspecting proxy"),
    );
    assert.match(report, /\n {4}✓ tcp +Connected to 127\.0\.0\.1:\d+/);
    assert.match(report, /\n {4}✗ tls .*\[tlsUntrustedCertificate\]/);
    assert.match(report, /\n {4}✗ certificate .*issued by Zscaler Intermediate Root CA/);
    assert.match(report, /\n {4}\d+ problems?: [1-9]\d* failures?/);
  });

  it("ends with the command's report of a service it read through Resource Manager", () => {
    const start = output.indexOf(`\n${commandRun.title}\n`);
    assert.ok(start >= 0, "the heading");
    const report = output.slice(start);
    assert.match(report, /\n {4}✓ service +contoso-search in search-rg \(standard, westeurope\)/);
    assert.match(
      report,
      /\n {4}! roles +Object id [0-9a-f-]{36} holds Owner on the resource group; no Search data role;/,
    );
    assert.match(report, /\n {4}✓ token +For https:\/\/search\.azure\.com /);
    assert.match(report, /\n {4}✗ call +HTTP 403: .*\[missingRoleAssignment\]\n {8}Exact: /);
    assert.match(
      report,
      /\n {8}• Assign Search Index Data Reader to the principal [0-9a-f-]{36} on the search service: az role assignment create /,
    );
  });

  it("has a section per service, each under its heading", () => {
    const sections = [...new Set(scenarios.map((s) => s.section))];
    assert.deepEqual(sections, [
      "Azure AI Search",
      "Azure Storage",
      "Azure Key Vault",
      "Azure App Configuration",
      "Azure Resource Manager",
      "Microsoft Entra ID",
    ]);
    for (const section of sections) assert.ok(output.includes(`\n== ${section} ==\n`), section);
  });

  it("covers the documented failures", () => {
    const causes = new Set<string>(scenarios.map((s) => s.cause));
    for (const cause of [
      "invalidApiKey",
      "queryKeyForAdminOperation",
      "httpNotHttps",
      "keyVaultAccessDenied",
      "encryptionKeyRevoked",
      "tlsVersionUnsupported",
      "endpointNotTls",
      "tlsCertificateExpired",
      "tlsUntrustedCertificate",
      "missingRoleAssignment",
      "throttled",
      "indexNotFound",
      "tlsWeakSignature",
      "tlsNoSharedCipher",
      "tlsClientCertificateRequired",
      "proxyUnreachable",
      "proxyAuthenticationFailed",
      "proxyTunnelRefused",
    ]) {
      assert.ok(causes.has(cause), cause);
    }
  });

  it("shows what answered under Seen: the proxy and where it came from, a gateway's page", () => {
    assert.match(
      output,
      /\n {6}Seen: The proxy http:\/\/127\.0\.0\.1:\d+ \(from proxyOptions\) refused the connection: connect ECONNREFUSED /,
    );
    assert.match(
      output,
      /\n {6}Seen: The proxy http:\/\/127\.0\.0\.1:\d+ \(from proxyOptions\) answered 407 \(realm "test"\)/,
    );
    assert.match(output, /\n {6}Seen: Something without an Azure request id answered 502: "502 Bad Gateway"/);
  });

  it("prints no api-key, token or proxy password", () => {
    assert.ok(!output.includes(WRONG_KEY));
    assert.ok(!output.includes(WRONG_PROXY_PASSWORD));
    assert.ok(!output.includes("demo-proxy-pa55-7e1c"));
    assert.doesNotMatch(output, /(admin|query)-[0-9a-f]{8}-[0-9a-f]{4}-/, "no stand-in key");
    assert.doesNotMatch(output, /token-with(out)?-role/, "no bearer token");
    assert.doesNotMatch(output, /eyJ[\w-]+\.eyJ/, "no Entra ID token");
    assert.doesNotMatch(output, /stand-in-secret~/, "no client secret");
    for (const secret of [
      DEMO_SAS_SIGNATURE,
      encodeURIComponent(DEMO_SAS_SIGNATURE),
      DEMO_OLD_SECRET,
      DEMO_CLIENT_SECRET,
    ])
      assert.ok(!output.includes(secret), "no SAS signature, access key secret or client secret");
    assert.doesNotMatch(output, /demo-(storage|vault|config|arm)-token/, "no service token");
  });
});
