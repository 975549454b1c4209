import assert from "node:assert/strict";
import util from "node:util";
import type http from "node:http";
import { bearerTokenAuthenticationPolicyName, isRestError, type RestError } from "@azure/core-rest-pipeline";
import { ChainedTokenCredential, ClientSecretCredential, EnvironmentCredential } from "@azure/identity";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { SearchClient } from "@azure/search-documents";
import nock from "nock";
import { useNock } from "../support/nock.js";
import { diagnose, diagnosisPolicy } from "../../src/index.js";
import { createAuthority } from "../../standin/certs.js";
import { failure, installations, searchClient } from "../support/clients.js";
import { startTlsServer, trustInProcess, type TestServer } from "../../standin/servers.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const TENANT = "11111111-2222-3333-4444-555555555555";
const CLIENT_ID = "66666666-7777-8888-9999-000000000000";
const GOOD_SECRET = "good-client-secret~Q8x2Vv0aZ";
const BAD_SECRET = "rotated-client-secret~P3k9Lm7wY";
/** The token the fake Entra ID issues: JWT-shaped, as real ones are. */
const ACCESS_TOKEN =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3NlYXJjaC5henVyZS5jb20iLCJ0aWQiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRoZS10ZXN0LXRva2Vu";
const REQUEST_ID = "0f9e8d7c-6b5a-4938-2716-a5b4c3d2e1f0";

/**
 * A stand-in for the Microsoft Entra ID token endpoint: discovery, then client credentials that
 * succeed with {@link GOOD_SECRET} and fail with AADSTS7000215 otherwise.
 */
function entraHandler(origin: () => string): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const base = `${origin()}/${TENANT}`;
      res.setHeader("content-type", "application/json; charset=utf-8");
      if (req.url?.includes("/.well-known/openid-configuration")) {
        res.end(
          JSON.stringify({
            issuer: `${base}/v2.0`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
          }),
        );
      } else if (
        req.url?.includes("/oauth2/v2.0/token") &&
        new URLSearchParams(body).get("client_secret") === GOOD_SECRET
      ) {
        res.end(
          JSON.stringify({
            token_type: "Bearer",
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: ACCESS_TOKEN,
          }),
        );
      } else {
        res.statusCode = 401;
        res.end(
          JSON.stringify({
            error: "invalid_client",
            error_description:
              "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            error_codes: [7000215],
            timestamp: "2026-01-01 00:00:00Z",
            trace_id: "2b1c0d9e-8f7a-6b5c-4d3e-2f1a0b9c8d7e",
            correlation_id: "3c2d1e0f-9a8b-7c6d-5e4f-3a2b1c0d9e8f",
          }),
        );
      }
    });
  };
}

describe("diagnosisPolicy: Microsoft Entra ID credentials through the real SearchClient", () => {
  let entra: TestServer;
  let untrust: () => void;
  let logs: string[];
  let restoreLogs: () => void;
  const savedEnv: Record<string, string | undefined> = {};

  const authorityHost = (): string => `https://localhost:${entra.port}`;
  const clientSecretCredential = (secret: string): ClientSecretCredential =>
    new ClientSecretCredential(TENANT, CLIENT_ID, secret, {
      authorityHost: authorityHost(),
      disableInstanceDiscovery: true,
    });

  useNock();
  before(async () => {
    const ca = createAuthority("Fake Entra Root");
    untrust = trustInProcess(ca.cert);
    const leaf = ca.issue({ hosts: ["localhost", "127.0.0.1"] });
    entra = await startTlsServer({
      cert: leaf.fullChain,
      key: leaf.key,
      handler: entraHandler(authorityHost),
    });
    // The credentials must see no AZURE_* settings of the machine running the tests.
    for (const name of Object.keys(process.env).filter((n) => n.startsWith("AZURE_"))) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
  });
  after(async () => {
    Object.assign(process.env, savedEnv);
    untrust();
    await entra.close();
  });
  beforeEach(() => {
    logs = [];
    const previousLog = AzureLogger.log;
    const previousLevel = getLogLevel();
    AzureLogger.log = (...args: unknown[]) => logs.push(util.format(...args));
    setLogLevel("warning");
    restoreLogs = () => {
      AzureLogger.log = previousLog;
      setLogLevel(previousLevel);
    };
  });
  afterEach(() => {
    restoreLogs();
    nock.cleanAll();
    for (const name of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"])
      delete process.env[name];
  });

  function assertNoSecret(error: unknown, ...secrets: string[]): void {
    const texts = [
      String((error as Error).message),
      String((error as Error).stack),
      util.inspect(error, { depth: 6 }),
      JSON.stringify(diagnose(error)),
      ...logs,
    ];
    for (const secret of secrets) {
      for (const text of texts) assert.ok(!text.includes(secret), "the secret appears nowhere");
    }
  }

  for (const installation of installations) {
    // `pipeline.addPolicy` without options lands after bearerTokenAuthenticationPolicy, so errors the
    // credential throws never pass through the policy; diagnose() classifies them all the same.
    const seesCredentialErrors = installation === "additionalPolicies";

    describe(`installed with ${installation}`, () => {
      it("EnvironmentCredential with nothing configured -> credentialUnavailable, nothing sent", async () => {
        const service = nock(ENDPOINT).get(/.*/).reply(200, "42");
        const client = searchClient({
          endpoint: ENDPOINT,
          credential: new EnvironmentCredential(),
          installation,
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.equal(
          (error as Error).name,
          "CredentialUnavailableError",
          "the identity error itself is rethrown",
        );
        assert.match(
          (error as Error).message,
          /^EnvironmentCredential is unavailable\./,
          "its text comes first",
        );
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "credentialUnavailable");
        assert.equal(diagnosis?.evidence.errorName, "CredentialUnavailableError");
        if (seesCredentialErrors) {
          assert.equal((error as Error).message.split("[azure-sdk-doctor]").length, 2, "enriched once");
          assert.equal(
            logs.filter((line) => line.includes("credentialUnavailable")).length,
            1,
            "logged once",
          );
        }
        assert.ok(!service.isDone(), "no request reached the service");
      });

      it("a ChainedTokenCredential of unconfigured credentials -> credentialUnavailable", async () => {
        const credential = new ChainedTokenCredential(
          new EnvironmentCredential(),
          new EnvironmentCredential(),
        );
        const client = searchClient({ endpoint: ENDPOINT, credential, installation });
        const error = await failure(() => client.getDocumentsCount());

        assert.equal((error as Error).name, "AggregateAuthenticationError");
        assert.equal(diagnose(error)?.cause, "credentialUnavailable");
      });

      it("ClientSecretCredential with a rotated secret -> entraClientSecretInvalid", async () => {
        const client = searchClient({
          endpoint: ENDPOINT,
          credential: clientSecretCredential(BAD_SECRET),
          installation,
        });
        const error = await failure(() => client.getDocumentsCount());

        // @azure/identity 4 reports an MSAL server error from this credential as AuthenticationRequiredError.
        assert.match((error as Error).name, /^Authentication(Required)?Error$/);
        assert.match((error as Error).message, /AADSTS7000215/, "the AADSTS code stays in the message");
        assert.equal(diagnose(error)?.cause, "entraClientSecretInvalid");
        if (seesCredentialErrors)
          assert.match((error as Error).message, /\[azure-sdk-doctor\] entraClientSecretInvalid: /);
        assertNoSecret(error, BAD_SECRET);
      });

      it("EnvironmentCredential with a rotated secret -> a real AuthenticationError -> entraClientSecretInvalid", async () => {
        Object.assign(process.env, {
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT_ID,
          AZURE_CLIENT_SECRET: BAD_SECRET,
        });
        const credential = new EnvironmentCredential({
          authorityHost: authorityHost(),
          disableInstanceDiscovery: true,
        });
        const client = searchClient({ endpoint: ENDPOINT, credential, installation });
        const error = await failure(() => client.getDocumentsCount());

        assert.equal((error as Error).name, "AuthenticationError");
        assert.equal((error as { statusCode?: number }).statusCode, 400, "identity's own status is kept");
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "entraClientSecretInvalid");
        assert.equal(diagnosis?.evidence.errorName, "AuthenticationError");
        if (seesCredentialErrors)
          assert.match((error as Error).message, /\[azure-sdk-doctor\] entraClientSecretInvalid: /);
        assertNoSecret(error, BAD_SECRET);
      });

      it("401 with a bearer challenge to a token -> rbacNotEnabled", async () => {
        const service = nock(ENDPOINT, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
          .get(/.*/)
          .reply(401, "", {
            "www-authenticate":
              'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
            "request-id": REQUEST_ID,
          });
        const client = searchClient({
          endpoint: ENDPOINT,
          credential: clientSecretCredential(GOOD_SECRET),
          installation,
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.ok(service.isDone(), "the token reached the service");
        assert.ok(isRestError(error));
        assert.equal(error.statusCode, 401);
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "rbacNotEnabled");
        assert.equal(diagnosis?.evidence.credential, "bearer");
        assert.equal(diagnosis?.evidence.requestId, REQUEST_ID);
        assertNoSecret(error, ACCESS_TOKEN, GOOD_SECRET);
      });

      const roleAnswers: { name: string; body: string; contentType: string }[] = [
        {
          name: 'JSON "Authorization failed."',
          body: JSON.stringify({ error: { code: "", message: "Authorization failed." } }),
          contentType: "application/json; charset=utf-8",
        },
        {
          name: "text/plain CheckAccess",
          body: "CheckAccess API call with non successful response. StatusCode: Forbidden, Reason: Forbidden",
          contentType: "text/plain; charset=utf-8",
        },
      ];
      for (const answer of roleAnswers) {
        it(`403 ${answer.name} to a token -> missingRoleAssignment`, async () => {
          nock(ENDPOINT)
            .post(/.*/)
            .reply(403, answer.body, { "content-type": answer.contentType, "request-id": REQUEST_ID });
          const client = searchClient({
            endpoint: ENDPOINT,
            credential: clientSecretCredential(GOOD_SECRET),
            installation,
          });
          const error = (await failure(() => client.uploadDocuments([{ id: "1" }]))) as RestError;

          assert.equal(error.statusCode, 403);
          assert.ok(error.response?.bodyAsText?.startsWith(answer.body.slice(0, 20)), "the response is kept");
          const diagnosis = diagnose(error);
          assert.equal(diagnosis?.cause, "missingRoleAssignment");
          assert.equal(diagnosis?.confidence, "exact");
          assert.match(diagnosis?.remediation[0] ?? "", /Search Index Data Contributor/);
          assertNoSecret(error, ACCESS_TOKEN);
        });
      }

      it("an empty 403 to a token -> ipFirewallBlocked, with missingRoleAssignment as an alternative", async () => {
        nock(ENDPOINT).get(/.*/).reply(403, "", { "request-id": REQUEST_ID });
        const client = searchClient({
          endpoint: ENDPOINT,
          credential: clientSecretCredential(GOOD_SECRET),
          installation,
        });
        const error = await failure(() => client.getDocumentsCount());

        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, "ipFirewallBlocked");
        assert.equal(diagnosis?.confidence, "inferred");
        assert.ok(diagnosis?.alternatives.includes("missingRoleAssignment"));
        assertNoSecret(error, ACCESS_TOKEN);
      });

      it("a token credential with an http:// endpoint -> the bearer policy's refusal -> httpNotHttps", async () => {
        const service = nock("http://contoso-search.search.windows.net").get(/.*/).reply(200, "42");
        const client = searchClient({
          endpoint: "http://contoso-search.search.windows.net",
          credential: clientSecretCredential(GOOD_SECRET),
          installation,
          allowInsecureConnection: true,
        });
        const error = await failure(() => client.getDocumentsCount());

        assert.match((error as Error).message, /^Bearer token authentication is not permitted for non-TLS/);
        assert.equal(diagnose(error)?.cause, "httpNotHttps");
        if (seesCredentialErrors)
          assert.match((error as Error).message, /\[azure-sdk-doctor\] httpNotHttps: /);
        assert.ok(!service.isDone(), "nothing was sent");
      });
    });
  }

  it("pipeline.addPolicy with beforePolicies: [bearerTokenAuthenticationPolicy] sees the credential's errors", async () => {
    const client = new SearchClient(ENDPOINT, "hotels", clientSecretCredential(BAD_SECRET), {
      retryOptions: { maxRetries: 0 },
    });
    client.pipeline.addPolicy(diagnosisPolicy(), { beforePolicies: [bearerTokenAuthenticationPolicyName] });
    const error = await failure(() => client.getDocumentsCount());

    assert.match(
      (error as Error).message,
      /AADSTS7000215[\s\S]*\n\[azure-sdk-doctor\] entraClientSecretInvalid: /,
    );
    assert.equal(logs.filter((line) => line.includes("entraClientSecretInvalid")).length, 1);
    assertNoSecret(error, BAD_SECRET);
  });
});
