import assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { carriesCredentials, credentialsOf } from "../../src/redaction/index.js";
import { SECRET_HEADERS, SECRET_PARAMETERS } from "../../src/secrets.js";

const ENDPOINT = "https://contoso.search.windows.net/indexes";

function request(headers: Record<string, string> = {}, url = ENDPOINT, body?: string): PipelineRequest {
  return createPipelineRequest({
    url,
    method: body ? "POST" : "GET",
    headers: createHttpHeaders(headers),
    body,
  });
}

describe("credentialsOf(): the credentials a request carries", () => {
  it("the api-key header, as it is, with the headers it was read from by lower-case name", () => {
    assert.deepEqual(
      credentialsOf(request({ "API-Key": "0123456789ABCDEF0123456789ABCDEF", "User-Agent": "app/1.0" })),
      {
        secrets: ["0123456789ABCDEF0123456789ABCDEF"],
        kind: "apiKey",
        headers: { "api-key": "0123456789ABCDEF0123456789ABCDEF", "user-agent": "app/1.0" },
      },
    );
  });

  it("a bearer token, with and without its scheme", () => {
    const { secrets, kind } = credentialsOf(request({ authorization: "Bearer opaque-token-value-123" }));
    assert.deepEqual(secrets, ["Bearer opaque-token-value-123", "opaque-token-value-123"]);
    assert.equal(kind, "bearer");
  });

  it("Storage SharedKey: the signature alone too, which Storage quotes in its error", () => {
    const { secrets, kind } = credentialsOf(request({ authorization: "SharedKey acct:c2lnbmF0dXJl+/=" }));
    assert.ok(secrets.includes("acct:c2lnbmF0dXJl+/="));
    assert.ok(secrets.includes("c2lnbmF0dXJl+/="));
    assert.equal(kind, "sharedKey");
  });

  it("App Configuration HMAC-SHA256: the signature alone too", () => {
    const value =
      "HMAC-SHA256 Credential=abc-l0-s0:xyz&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=c2lnbmF0dXJlMTIz";
    const { secrets, kind } = credentialsOf(
      request({
        authorization: value,
        "x-ms-content-sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
      }),
    );
    assert.ok(secrets.includes("c2lnbmF0dXJlMTIz"));
    assert.ok(!secrets.includes("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), "a hash is not a secret");
    assert.equal(kind, "hmac");
  });

  it("a Service Bus SAS header and a Cosmos DB token: their signatures, decoded too", () => {
    const sas = credentialsOf(
      request({ authorization: "SharedAccessSignature sr=sb%3A%2F%2Fns&sig=c2ln%2BbmF0%3D&se=1&skn=Root" }),
    );
    assert.equal(sas.kind, "sas");
    assert.ok(sas.secrets.includes("c2ln%2BbmF0%3D") && sas.secrets.includes("c2ln+bmF0="));
    const cosmos = credentialsOf(
      request({ authorization: "type%3Dmaster%26ver%3D1.0%26sig%3Dc2lnbmF0dXJl" }),
    );
    assert.equal(cosmos.kind, "other");
    assert.ok(cosmos.secrets.includes("c2lnbmF0dXJl"));
  });

  it("a proxy's Basic credential: its password alone too", () => {
    const { secrets, kind } = credentialsOf(request({ "proxy-authorization": "Basic YWxpY2U6czNjcmV0" }));
    assert.ok(secrets.includes("YWxpY2U6czNjcmV0") && secrets.includes("s3cret"));
    assert.equal(kind, "none", "a proxy's credential is not the request's");
  });

  it("Resource Manager's auxiliary tokens, each of the list", () => {
    const { secrets } = credentialsOf(
      request({ "x-ms-authorization-auxiliary": "Bearer aux-token-one, Bearer aux-token-two" }),
    );
    assert.ok(secrets.includes("aux-token-one") && secrets.includes("aux-token-two"));
  });

  it("cookies, and a copy source's SAS without the rest of its URL", () => {
    const { secrets } = credentialsOf(
      request({
        cookie: "a=1; session=s3ss10nvalue",
        "x-ms-copy-source": "https://src.blob.core.windows.net/c/b?sv=2024-11-04&sig=c29ZdXJjZVNpZw%3D%3D",
      }),
    );
    assert.ok(secrets.includes("s3ss10nvalue"));
    assert.ok(secrets.includes("c29ZdXJjZVNpZw%3D%3D") && secrets.includes("c29ZdXJjZVNpZw=="));
    assert.ok(!secrets.some((secret) => secret.startsWith("https://")));
  });

  it("proxy credentials and SAS signatures in the URL, raw and encoded", () => {
    const { secrets, kind } = credentialsOf(
      request({}, "https://acct.blob.core.windows.net/c/b?sv=2024-11-04&sig=ab%2Bcd%2Fef%3D&se=2026-01-01"),
    );
    assert.ok(secrets.includes("ab+cd/ef="), "decoded signature");
    assert.ok(secrets.includes("ab%2Bcd%2Fef%3D"), "encoded as in the URL");
    assert.equal(kind, "sas");
  });

  it("reads query names as the server does: any case, percent-encoded", () => {
    for (const query of [
      "SIG=c2lnbmF0dXJl",
      "Api-Key=c2lnbmF0dXJl",
      "%73ig=c2lnbmF0dXJl",
      "API_KEY=c2lnbmF0dXJl",
    ]) {
      assert.ok(
        credentialsOf(request({}, `${ENDPOINT}?x=1&${query}`)).secrets.includes("c2lnbmF0dXJl"),
        query,
      );
    }
    assert.equal(credentialsOf(request({}, `${ENDPOINT}?code=funcKey0123`)).kind, "functionKey");
    assert.equal(
      credentialsOf(request({}, `${ENDPOINT}?subscription-key=mapsKey0123`)).kind,
      "subscriptionKey",
    );
  });

  it("reads the URL as the HTTP client does: tabs dropped, spaces at its ends ignored", () => {
    assert.ok(
      credentialsOf(request({}, `  ${ENDPOINT}?s\tig=c2lnbmF0dXJl `)).secrets.includes("c2lnbmF0dXJl"),
    );
    assert.deepEqual(credentialsOf(request({}, `${ENDPOINT}#?sig=c2lnbmF0dXJl`)).secrets, [], "a fragment");
  });

  it("a password in the URL", () => {
    assert.ok(
      credentialsOf(request({}, "http://alice:s3cretPass@proxy:8080/")).secrets.includes("s3cretPass"),
    );
  });

  it("a token request's form body (client secret credentials)", () => {
    const body = "client_id=c&client_secret=Qx8~abc.def-123&grant_type=client_credentials";
    const form = { "content-type": "application/x-www-form-urlencoded" };
    assert.ok(credentialsOf(request(form, ENDPOINT, body)).secrets.includes("Qx8~abc.def-123"));
    assert.deepEqual(
      credentialsOf(request({ "content-type": "application/json" }, ENDPOINT, body)).secrets,
      [],
    );
  });

  it("leaves out values too short to be secrets, which would redact ordinary words", () => {
    assert.deepEqual(credentialsOf(request({ "api-key": "key" }, `${ENDPOINT}?code=abc`)).secrets, []);
  });

  it("names the kind of credential, never its value, the first of the table's order", () => {
    const kindOf = (headers: Record<string, string>): unknown => credentialsOf(request(headers)).kind;
    assert.equal(kindOf({ "api-key": "0123456789ABCDEF" }), "apiKey");
    assert.equal(kindOf({ authorization: "bearer opaque-token-value-123" }), "bearer");
    assert.equal(kindOf({ authorization: "Basic YWxpY2U6czNjcmV0" }), "basic");
    assert.equal(kindOf({ authorization: "SharedKeyLite acct:sig" }), "sharedKey");
    assert.equal(kindOf({ "ocp-apim-subscription-key": "0123456789ABCDEF" }), "subscriptionKey");
    assert.equal(kindOf({ "x-functions-key": "0123456789ABCDEF" }), "functionKey");
    assert.equal(kindOf({ "aeg-sas-token": "r=x&e=1&s=sig" }), "sas");
    assert.equal(kindOf({ "api-key": "0123456789ABCDEF", authorization: "Bearer x-token" }), "apiKey");
    assert.equal(kindOf({ "api-key": "" }), "none");
    assert.equal(kindOf({}), "none");
  });

  it("a request whose headers cannot be read has no secrets found and no kind", () => {
    const unreadable = request();
    Object.defineProperty(unreadable, "headers", {
      get() {
        throw new Error("headers");
      },
    });
    assert.deepEqual(credentialsOf(unreadable), { secrets: [], kind: undefined, headers: undefined });
  });
});

describe("carriesCredentials(): what the plain-HTTP guard refuses to send in clear", () => {
  it("every header of the table with a value", () => {
    for (const header of SECRET_HEADERS) {
      const value = header.holds === "url" ? "https://src/c/b?sig=c2lnbmF0dXJl" : "c2VjcmV0dmFsdWU=";
      assert.equal(carriesCredentials(request({ [header.name.toUpperCase()]: value })), true, header.name);
    }
    assert.equal(carriesCredentials(request({ "x-ms-copy-source": "https://src/c/b" })), false);
    assert.equal(carriesCredentials(request({ "api-key": "" })), false);
  });

  it("every parameter of the table, in any case, in the URL or a form body", () => {
    for (const { name } of SECRET_PARAMETERS) {
      assert.equal(carriesCredentials(request({}, `http://h/p?a=1&${name.toUpperCase()}=v`)), true, name);
      const form = { "content-type": "application/x-www-form-urlencoded" };
      assert.equal(carriesCredentials(request(form, "http://h/p", `a=1&${name}=v`)), true, name);
    }
  });

  it("a URL that hides its parameter from a string test", () => {
    assert.equal(carriesCredentials(request({}, " http://h/p?s\tig=v")), true);
    assert.equal(carriesCredentials(request({}, "http://h/p?%73ig=v")), true);
    assert.equal(carriesCredentials(request({}, "http://alice:pw@h/p")), true);
  });

  it("nothing for a request without credentials", () => {
    const plain = request(
      { accept: "application/json", "x-ms-content-sha256": "abc=" },
      "http://h/p?api-version=1&sv=2",
    );
    assert.equal(carriesCredentials(plain), false);
    assert.equal(carriesCredentials(request({}, "http://h/p?sig=")), false, "an empty signature");
  });

  it("counts a request it cannot read as carrying one", () => {
    const unreadable = request();
    Object.defineProperty(unreadable, "headers", {
      get() {
        throw new Error("headers");
      },
    });
    assert.equal(carriesCredentials(unreadable), true);
  });
});
