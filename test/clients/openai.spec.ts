/**
 * diagnose() on the real `openai` package's errors (AzureOpenAI and OpenAI), which no pipeline policy
 * reaches: an HTTP error gets the neutral diagnosis quoting the service's status, code, message and
 * Azure's request id; a transport failure two causes deep gets its TLS or network cause.
 */
import assert from "node:assert/strict";
import { APIConnectionError, AzureOpenAI, OpenAI } from "openai";
import { diagnose } from "../../src/index.js";
import { selfSigned } from "../../standin/certs.js";
import { startLoopbackService } from "../../standin/loopback.js";
import { closedPort, startTlsServer } from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";
import { assertNoSecretIn, outcomeOf } from "./semantics.js";

const API_KEY = "azure-openai-key-for-the-spec-0123";
const REQUEST_ID = "5e1b6c1a-0000-4000-8000-000000000001";

const ANSWERS: Record<string, { status: number; code: string; message: string }> = {
  "bad-key": {
    status: 401,
    code: "401",
    message:
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  },
  "no-such-deployment": {
    status: 404,
    code: "DeploymentNotFound",
    message: "The API deployment for this resource does not exist.",
  },
  busy: {
    status: 429,
    code: "429",
    message: "Requests have exceeded token rate limit. Please retry after 1 second.",
  },
};

describe("diagnose() on the openai package's errors", function () {
  const root = useTrustedRoot("OpenAI Test Root");
  let endpoint = "";

  before(async () => {
    const azure = root.keep(
      await startLoopbackService(
        "Azure OpenAI",
        (request) => {
          const answer =
            ANSWERS[/\/deployments\/([^/]+)\//.exec(request.path)?.[1] ?? ""] ??
            ANSWERS["no-such-deployment"]!;
          return {
            status: answer.status,
            headers: {
              "content-type": "application/json",
              "apim-request-id": REQUEST_ID,
              "retry-after": "0",
            },
            body: JSON.stringify({ error: { code: answer.code, message: answer.message } }),
          };
        },
        { authority: root.ca, trust: false },
      ),
    );
    endpoint = azure.endpoint;
  });

  const chat = (deployment: string) =>
    outcomeOf(() =>
      new AzureOpenAI({
        endpoint,
        apiKey: API_KEY,
        apiVersion: "2024-10-21",
        deployment,
        maxRetries: 0,
      }).chat.completions.create({
        model: deployment,
        messages: [{ role: "user", content: "hello" }],
      }),
    );

  for (const [deployment, answer] of Object.entries(ANSWERS)) {
    it(`${answer.status} ${answer.code}: the neutral diagnosis, quoting the service and Azure's request id`, async () => {
      const { thrown } = await chat(deployment);
      const diagnosis = diagnose(thrown);
      assert.equal(diagnosis?.cause, "unrecognizedServiceError");
      assert.equal(diagnosis?.evidence.status, answer.status);
      assert.equal(diagnosis?.evidence.serviceCode, answer.code);
      assert.equal(diagnosis?.evidence.requestId, REQUEST_ID);
      assert.match(
        diagnosis?.detail ?? "",
        new RegExp(
          `^The service answered ${answer.status} with code ${answer.code}: "${answer.message.slice(0, 40)}`,
        ),
      );
      assert.doesNotMatch(
        `${diagnosis?.summary} ${diagnosis?.remediation.join(" ")}`,
        /Search|Storage|Key Vault/,
      );
      assertNoSecretIn([JSON.stringify(diagnosis)], [API_KEY]);
    });
  }

  it("an untrusted certificate two causes deep: APIConnectionError -> fetch failed -> tlsUntrustedCertificate", async () => {
    const untrusted = root.keep(await startTlsServer(selfSigned()));
    const { thrown } = await outcomeOf(() =>
      new OpenAI({
        baseURL: `https://localhost:${untrusted.port}/v1`,
        apiKey: API_KEY,
        maxRetries: 0,
      }).models.list(),
    );
    assert.ok(thrown instanceof APIConnectionError);
    const diagnosis = diagnose(thrown);
    assert.equal(diagnosis?.cause, "tlsUntrustedCertificate");
    assert.equal(diagnosis?.evidence.nodeCode, "DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("a refused connection the same way -> connectionRefused", async () => {
    const port = await closedPort();
    const { thrown } = await outcomeOf(() =>
      new OpenAI({ baseURL: `https://localhost:${port}/v1`, apiKey: API_KEY, maxRetries: 0 }).models.list(),
    );
    assert.equal(diagnose(thrown)?.cause, "connectionRefused");
  });

  it("an APIConnectionError with no cause names nothing", () => {
    assert.equal(diagnose(new APIConnectionError({ message: "Connection error." })), undefined);
  });
});
