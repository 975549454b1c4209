/**
 * Real @azure/identity credentials refused by a loopback token endpoint with Entra ID's AADSTS errors,
 * through a real client with the policy and through diagnose() alone: each code gets its cause, the
 * error keeps its class and status, and the client secret appears nowhere the package writes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { addDiagnosisPolicy, diagnose, type CauseId } from "../../src/index.js";
import { startEntra, type EntraStandIn } from "../../standin/entra.js";
import { startStorage, type StorageStandIn } from "../../standin/storage.js";
import {
  startTokenEndpoint,
  type EntraRefusalScenario,
  type TokenEndpointStandIn,
} from "../../standin/tokenErrors.js";
import { useTrustedRoot } from "../support/trust.js";
import { assertNoSecretIn, outcomeOf, textsOf, useLogCapture } from "./semantics.js";

const SECRET = "entra-client-secret~Qx7.vN2-kd9";
const TENANT = "7d3c2b1a-0000-4000-8000-00000000aaaa";

const CAUSES: Record<EntraRefusalScenario, CauseId> = {
  "secret-invalid": "entraClientSecretInvalid",
  "secret-expired": "entraClientSecretExpired",
  "app-not-found": "entraApplicationNotFound",
  "tenant-not-found": "entraTenantNotFound",
  "federation-mismatch": "entraFederatedCredentialMismatch",
  "assertion-expired": "entraClientAssertionExpired",
  "resource-not-found": "entraResourceNotFound",
  "scope-invalid": "entraInvalidScope",
  "assertion-invalid": "entraCertificateInvalid",
  "mfa-required": "entraInteractionRequired",
  "unknown-code": "tokenRequestFailed",
};

describe("@azure/identity credentials refused by Microsoft Entra ID", function () {
  const root = useTrustedRoot("Entra ID Test Root");
  const logs = useLogCapture();
  let entra: TokenEndpointStandIn;
  let storage: StorageStandIn;
  let tokenFile: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    entra = root.keep(await startTokenEndpoint({ authority: root.ca, trust: false }));
    storage = root.keep(await startStorage({ authority: root.ca, trust: false }));
    const directory = mkdtempSync(path.join(tmpdir(), "azure-sdk-doctor-"));
    tokenFile = path.join(directory, "token");
    writeFileSync(
      tokenFile,
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDp3b3JrbG9hZCJ9.c2ln",
    );
    // The credentials must see none of the AZURE_* settings of the machine running the tests.
    for (const name of Object.keys(process.env).filter((n) => n.startsWith("AZURE_") || n === "PATH")) {
      saved[name] = process.env[name];
      if (name !== "PATH") delete process.env[name];
    }
  });
  after(() => {
    for (const name of Object.keys(process.env).filter((n) => n.startsWith("AZURE_")))
      delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(path.dirname(tokenFile), { recursive: true, force: true });
  });

  const options = () => ({ authorityHost: entra.endpoint, disableInstanceDiscovery: true });
  const credentialFor = (scenario: EntraRefusalScenario): TokenCredential =>
    scenario === "federation-mismatch" || scenario === "assertion-expired"
      ? new WorkloadIdentityCredential({
          tenantId: TENANT,
          clientId: scenario,
          tokenFilePath: tokenFile,
          ...options(),
        })
      : new ClientSecretCredential(TENANT, scenario, SECRET, options());

  /** A Storage call with a token credential: the bearer policy asks for a token before sending anything. */
  const call = (credential: TokenCredential, withPolicy: boolean) => {
    const service = new BlobServiceClient(storage.url, credential, { retryOptions: { maxTries: 1 } });
    if (withPolicy) addDiagnosisPolicy(service);
    return outcomeOf(() => service.getContainerClient("photos").exists());
  };

  for (const [scenario, cause] of Object.entries(CAUSES) as [EntraRefusalScenario, CauseId][]) {
    it(`${scenario}: ${cause}, in the message through the policy and from diagnose() alone, the error unchanged`, async () => {
      const before = storage.requests.length;
      const alone = await call(credentialFor(scenario), false);
      const enriched = await call(credentialFor(scenario), true);
      assert.equal(storage.requests.length, before, "no request reached the service");
      assert.deepEqual(enriched.outcome, alone.outcome);
      assert.equal(diagnose(alone.thrown)?.cause, cause);
      assert.equal(diagnose(enriched.thrown)?.cause, cause);
      assert.match((enriched.thrown as Error).message, new RegExp(`\\n\\[azure-sdk-doctor\\] ${cause}: `));
      assert.match(diagnose(enriched.thrown)?.detail ?? "", /^Microsoft Entra ID answered AADSTS\d+ /);
      assertNoSecretIn(
        [...logs.all, ...textsOf(enriched.thrown, diagnose(enriched.thrown))],
        [SECRET, entra.accessToken],
      );
    });
  }

  describe("against the Entra ID stand-in's own tenants and app registrations", () => {
    const CLIENT_ID = "1b730954-0000-4000-8000-00000000bbbb";
    let realistic: EntraStandIn;
    before(async () => {
      realistic = root.keep(
        await startEntra({
          authority: root.ca,
          tenants: [TENANT],
          applications: [
            {
              clientId: CLIENT_ID,
              clientSecret: SECRET,
              objectId: "0b1c2d3e-0000-4000-8000-00000000cccc",
              tenants: [TENANT],
            },
          ],
        }),
      );
    });
    const refused = async (tenant: string, clientId: string, secret: string) =>
      (
        await call(
          new ClientSecretCredential(tenant, clientId, secret, {
            authorityHost: realistic.authorityHost,
            disableInstanceDiscovery: true,
          }),
          true,
        )
      ).thrown;

    it("a secret that is not the app's: entraClientSecretInvalid", async () => {
      const thrown = await refused(TENANT, CLIENT_ID, "the-secret-id-not-its-value");
      assert.equal(diagnose(thrown)?.cause, "entraClientSecretInvalid");
      assertNoSecretIn(textsOf(thrown, diagnose(thrown)), ["the-secret-id-not-its-value"]);
    });

    it("a client id the tenant does not know: entraApplicationNotFound", async () => {
      assert.equal(
        diagnose(await refused(TENANT, "5c6d7e8f-0000-4000-8000-00000000dddd", SECRET))?.cause,
        "entraApplicationNotFound",
      );
    });

    it("a tenant that does not exist: entraTenantNotFound", async () => {
      assert.equal(
        diagnose(await refused("00000000-0000-4000-8000-0000000000ff", CLIENT_ID, SECRET))?.cause,
        "entraTenantNotFound",
      );
    });
  });

  it("EnvironmentCredential's AuthenticationError keeps its status 400 and gets the code's cause", async () => {
    Object.assign(process.env, {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: "secret-invalid",
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: entra.endpoint,
    });
    try {
      const { thrown } = await call(
        new EnvironmentCredential({ disableInstanceDiscovery: true } as object),
        true,
      );
      assert.equal((thrown as Error).name, "AuthenticationError");
      assert.equal((thrown as { statusCode?: number }).statusCode, 400);
      assert.equal(diagnose(thrown)?.cause, "entraClientSecretInvalid");
      assertNoSecretIn(textsOf(thrown, diagnose(thrown)), [SECRET]);
    } finally {
      for (const name of [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
      ])
        delete process.env[name];
    }
  });

  it("DefaultAzureCredential with nothing set up: credentialUnavailable names each credential it tried and why", async () => {
    // The developer tools only, with none on the PATH: no network, no managed identity endpoint.
    process.env.AZURE_TOKEN_CREDENTIALS = "dev";
    process.env.PATH = path.dirname(tokenFile);
    try {
      const { thrown } = await call(new DefaultAzureCredential(), true);
      assert.equal((thrown as Error).name, "AggregateAuthenticationError");
      const diagnosis = diagnose(thrown);
      assert.equal(diagnosis?.cause, "credentialUnavailable");
      assert.equal(
        diagnosis?.detail,
        "Credentials tried: VisualStudioCode (not signed in), AzureCli (not installed), AzurePowerShell (not installed), AzureDeveloperCli (not installed).",
      );
      assert.match((thrown as Error).message, /\n {2}Seen: Credentials tried: VisualStudioCode/);
    } finally {
      delete process.env.AZURE_TOKEN_CREDENTIALS;
      process.env.PATH = saved.PATH;
    }
  });
});
