import assert from "node:assert/strict";
import { CLOUDS, cloudOf, serviceNameOf } from "../../src/cli/cloud.js";
import { serviceQuery } from "../../src/cli/service/locate.js";
import { checkToken } from "../../src/cli/token.js";

/** A JWT-shaped token with these claims; its signature is not read. */
function token(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ typ: "JWT", alg: "RS256" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("azure-sdk-doctor: clouds and the local token check", () => {
  describe("the cloud of a run", () => {
    it("follows the endpoint's host suffix, and --cloud over it", () => {
      assert.equal(cloudOf("https://contoso.search.windows.net").name, "AzurePublicCloud");
      assert.equal(cloudOf("https://contoso.search.azure.us").name, "AzureUSGovernment");
      assert.equal(cloudOf("https://contoso.search.azure.cn").name, "AzureChinaCloud");
      assert.equal(cloudOf("https://search.contoso.invalid").name, "AzurePublicCloud", "a custom domain");
      assert.equal(cloudOf("https://localhost:8443", "AzureChinaCloud").name, "AzureChinaCloud");
    });

    it("gives each cloud its Resource Manager, search audience and private DNS zone", () => {
      assert.deepEqual(
        Object.values(CLOUDS).map((cloud) => [
          cloud.resourceManager,
          cloud.searchAudience,
          cloud.privateDnsZone,
        ]),
        [
          ["https://management.azure.com", "https://search.azure.com", "privatelink.search.windows.net"],
          ["https://management.usgovcloudapi.net", "https://search.azure.us", "privatelink.search.azure.us"],
          ["https://management.chinacloudapi.cn", "https://search.azure.cn", "privatelink.search.azure.cn"],
        ],
      );
    });

    it("finds a service by its name in a standard host, and by the endpoint it records", () => {
      const cloud = CLOUDS.AzureUSGovernment;
      assert.equal(serviceNameOf("https://contoso.search.azure.us/", cloud), "contoso");
      assert.equal(serviceNameOf("https://localhost:8443", cloud), undefined);
      const byName = serviceQuery("https://contoso.search.azure.us", cloud);
      assert.match(
        byName,
        /\| where name =~ 'contoso' or tolower\(tostring\(properties\.endpoint\)\) in \('https:\/\/contoso\.search\.azure\.us', 'https:\/\/contoso\.search\.azure\.us\/'\)/,
      );
      assert.doesNotMatch(serviceQuery("https://localhost:8443", cloud), /name =~/);
    });
  });

  describe("checkToken", () => {
    const now = new Date("2026-06-01T12:00:00Z");
    const seconds = now.getTime() / 1000;
    const good = { aud: "https://search.azure.com", tid: "tenant-a", oid: "object-1", exp: seconds + 600 };
    const expected = { audience: "https://search.azure.com", tenantId: "tenant-a" };

    it("passes a token for the audience, from the service's tenant, not expired; with or without a trailing slash", () => {
      assert.equal(checkToken(token(good), expected, now).status, "pass");
      assert.equal(
        checkToken(token({ ...good, aud: "https://search.azure.com/" }), expected, now).status,
        "pass",
      );
    });

    it("names the wrong audience, the wrong tenant and the expiry, in that order", () => {
      const audience = checkToken(
        token({ ...good, aud: "https://management.azure.com", tid: "tenant-b" }),
        expected,
        now,
      );
      assert.equal(audience.problem, "tokenAudienceMismatch");
      assert.equal(
        audience.summary,
        "The token is for https://management.azure.com, not https://search.azure.com.",
      );
      const tenant = checkToken(token({ ...good, tid: "tenant-b", exp: seconds - 60 }), expected, now);
      assert.equal(tenant.problem, "tokenTenantMismatch");
      assert.equal(
        tenant.summary,
        "The token is from tenant tenant-b, but the service is in tenant tenant-a.",
      );
      const expired = checkToken(token({ ...good, exp: seconds - 120 }), expected, now);
      assert.equal(expired.problem, "tokenExpired");
      assert.match(expired.summary, /^The token expired at 2026-06-01T11:58:00\.000Z, 2 min before/);
    });

    it("does not compare the tenant when the service's is unknown, and skips a token that is not a JWT", () => {
      assert.equal(
        checkToken(token({ ...good, tid: "tenant-b" }), { audience: expected.audience }, now).status,
        "pass",
      );
      assert.equal(checkToken("opaque-token", expected, now).status, "skip");
    });

    it("keeps the claims, never the token", () => {
      const text = token(good);
      const report = checkToken(text, expected, now);
      assert.ok(!JSON.stringify(report).includes(text.split(".")[1] ?? "-"));
      assert.equal(report.claims?.objectId, "object-1");
    });
  });
});
