import assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { credentialsOf, REDACTED, redact, secretsOf } from "../src/redaction/redact.js";

describe("redact", () => {
  describe("secretsOf: the credentials a request carries", () => {
    it("the api-key header", () => {
      const request = createPipelineRequest({
        url: "https://contoso-search.search.windows.net/indexes",
        headers: createHttpHeaders({ "api-key": "0123456789ABCDEF0123456789ABCDEF" }),
      });
      assert.deepEqual(secretsOf(request), ["0123456789ABCDEF0123456789ABCDEF"]);
    });

    it("a bearer token, with and without its scheme", () => {
      const request = createPipelineRequest({
        url: "https://contoso-search.search.windows.net/indexes",
        headers: createHttpHeaders({ authorization: "Bearer opaque-token-value-123" }),
      });
      const secrets = secretsOf(request);
      assert.ok(secrets.includes("Bearer opaque-token-value-123"));
      assert.ok(secrets.includes("opaque-token-value-123"));
    });

    it("proxy credentials and SAS signatures in the URL, raw and encoded", () => {
      const request = createPipelineRequest({
        url: "https://acct.blob.core.windows.net/c/b?sv=2024-11-04&sig=ab%2Bcd%2Fef%3D&se=2026-01-01",
        headers: createHttpHeaders({ "proxy-authorization": "Basic YWxpY2U6czNjcmV0" }),
      });
      const secrets = secretsOf(request);
      assert.ok(secrets.includes("YWxpY2U6czNjcmV0"));
      assert.ok(secrets.includes("ab+cd/ef="), "decoded signature");
      assert.ok(secrets.includes("ab%2Bcd%2Fef%3D"), "encoded as in the URL");
    });

    it("leaves out values too short to be secrets, which would redact ordinary words", () => {
      const request = createPipelineRequest({
        url: "https://x.search.windows.net/?code=abc",
        headers: createHttpHeaders({ "api-key": "key" }),
      });
      assert.deepEqual(secretsOf(request), []);
    });

    it("names the kind of credential, never its value", () => {
      const kindOf = (headers: Record<string, string>) =>
        credentialsOf(
          createPipelineRequest({
            url: "https://contoso-search.search.windows.net/indexes",
            headers: createHttpHeaders(headers),
          }),
        ).kind;
      assert.equal(kindOf({ "api-key": "0123456789ABCDEF" }), "apiKey");
      assert.equal(kindOf({ authorization: "Bearer opaque-token-value-123" }), "bearer");
      assert.equal(kindOf({ authorization: "bearer opaque-token-value-123" }), "bearer");
      assert.equal(kindOf({ authorization: "Basic YWxpY2U6czNjcmV0" }), "none");
      assert.equal(kindOf({ "api-key": "0123456789ABCDEF", authorization: "Bearer x-token" }), "apiKey");
      assert.equal(kindOf({}), "none");
      const unreadable = createPipelineRequest({ url: "https://contoso-search.search.windows.net/" });
      Object.defineProperty(unreadable, "headers", {
        get() {
          throw new Error("headers");
        },
      });
      assert.deepEqual(credentialsOf(unreadable), { secrets: [], kind: undefined });
    });
  });

  describe("redact: known values", () => {
    it("removes every occurrence of a known secret", () => {
      const secret = "S3cr3t-api-key-value";
      assert.equal(
        redact(`key ${secret} was refused; retry with ${secret}`, [secret]),
        `key ${REDACTED} was refused; retry with ${REDACTED}`,
      );
    });
  });

  describe("redact: secrets by shape", () => {
    const cases: [string, string, string][] = [
      [
        "api-key in a query string",
        "GET /indexes?api-version=2024-07-01&api-key=ABCDEF0123456789",
        "ABCDEF0123456789",
      ],
      [
        "SAS signature",
        "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abc%2Bdef%3D&se=2025",
        "abc%2Bdef%3D",
      ],
      [
        "client_secret in a token request body",
        "grant_type=client_credentials&client_secret=Qx8~abc.def-123",
        "Qx8~abc.def-123",
      ],
      ["a header line", "api-key: 0123456789ABCDEF", "0123456789ABCDEF"],
      ["a header in JSON", '{"api-key":"0123456789ABCDEF"}', "0123456789ABCDEF"],
      ["a header in a JS object literal", "{ 'api-key': 'abcd1234efgh5678' }", "abcd1234efgh5678"],
      ["a bearer token", 'authorization: "Bearer abcdefghijklmnop"', "abcdefghijklmnop"],
      [
        "a JWT anywhere",
        "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl was expired",
        "eyJhbGciOiJSUzI1NiJ9",
      ],
      [
        "a storage account key",
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc+def/ghi==;EndpointSuffix=core.windows.net",
        "abc+def/ghi==",
      ],
      [
        "a password in a proxy URL",
        "connect to http://alice:s3cretPass@proxy.contoso.com:8080 failed",
        "s3cretPass",
      ],
      ["a subscription key", "Ocp-Apim-Subscription-Key: 0123456789abcdef", "0123456789abcdef"],
    ];
    for (const [name, text, secret] of cases) {
      it(name, () => {
        const cleaned = redact(text);
        assert.ok(!cleaned.includes(secret), cleaned);
        assert.ok(cleaned.includes(REDACTED), cleaned);
      });
    }

    it("keeps what is around a secret", () => {
      assert.equal(
        redact("https://a.blob.core.windows.net/c?sv=2022&sig=abc&se=2025"),
        `https://a.blob.core.windows.net/c?sv=2022&sig=${REDACTED}&se=2025`,
      );
      assert.equal(redact("http://alice:pw123456@proxy:8080/"), `http://alice:${REDACTED}@proxy:8080/`);
    });

    it("is idempotent", () => {
      const once = redact("api-key=ABCDEF0123456789 Bearer abcdefghijklmnop");
      assert.equal(redact(once), once);
    });
  });

  describe("redact: the texts the catalog matches stay readable", () => {
    const texts = [
      "Access to the required key vault permissions was denied.",
      "Could not resolve the key vault uri 'https://vault.vault.azure.net'.",
      "The key cannot be found in the key vault.",
      "Service does not have a managed identity defined.",
      "The provided application id is invalid.",
      "The provided application secret is invalid.",
      "Access forbidden. The query key used might have been revoked - please retry.",
      "Authorization failed.",
      "CheckAccess API call with non successful response. StatusCode: Forbidden",
      "The given API key is not permitted in the URI query string.",
      "Free Query Semantic Usage exceeded for the month. Please enable semantic billing to continue.",
      "Semantic search is not enabled for this service.",
      "The index 'hotels' for service 'contoso' was not found.",
      "Index quota has been exceeded for this service. Maximum number of indexes allowed: 3",
      "The precondition given in one of the request headers evaluated to false.",
      "Invalid or missing api-version query string parameter.",
      "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.",
      "Cannot connect to http://contoso.search.windows.net/indexes?api-version=2024-07-01 while allowInsecureConnection is false.",
      "write EPROTO 40C8:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number",
      "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:other.example",
      "getaddrinfo ENOTFOUND contoso.search.windows.net",
      "EnvironmentCredential is unavailable. No underlying credential could be used.",
      "AADSTS7000215: Invalid client secret provided.",
    ];
    for (const text of texts) {
      it(text.slice(0, 60), () => assert.equal(redact(text), text));
    }
  });
});
