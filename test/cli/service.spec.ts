import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startManagedSearch, type ManagedSearch } from "../../standin/managedSearch.js";
import { BUILT_IN_ROLES } from "../../standin/searchResourceManager.js";
import { spawnDoctor, type CommandRun } from "../support/doctor.js";

type Outcome = CommandRun;

interface Diagnosis {
  cause: string;
  confidence: string;
  remediation: string[];
  evidence: Record<string, unknown>;
}

interface JsonReport {
  ok: boolean;
  service?: {
    read: boolean;
    reason?: string;
    cloud: string;
    resourceManager: string;
    foundBy?: string;
    resourceId?: string;
    tenantId?: string;
    configuration?: {
      sku?: string;
      authOptions?: string;
      aadAuthFailureMode?: string;
      disableLocalAuth: boolean;
      publicNetworkAccess?: string;
      ipRules: string[];
      bypass?: string;
      privateEndpoints: { name?: string; status?: string }[];
      cmkEnforcement?: string;
      semanticSearch?: string;
    };
    principal?: { objectId?: string; tenantId?: string };
    roles?: {
      read: boolean;
      reason?: string;
      assignments: { role: string; scopeKind: string; viaGroup: boolean }[];
      searchDataRoles: string[];
      operationNeeds: string[];
      holdsNeeded: boolean;
    };
  };
  call?: {
    credential: string;
    status: string;
    summary: string;
    basis?: string;
    error?: string;
    diagnosis?: Diagnosis;
    token?: { status: string; summary: string; problem?: string; claims?: Record<string, string> };
  };
}

/** Hides packages from the command, as if they were not installed. */
function hiding(...packages: string[]): string {
  return `data:text/javascript,${encodeURIComponent(
    'import { registerHooks } from "node:module";' +
      `const hidden = new Set(${JSON.stringify(packages)});` +
      "registerHooks({ resolve(specifier, context, next) {" +
      " if (hidden.has(specifier)) { const e = new Error(`Cannot find package '${specifier}'`); e.code = \"ERR_MODULE_NOT_FOUND\"; throw e; }" +
      " return next(specifier, context); } });",
  )}`;
}

describe("azure-sdk-doctor --entra: the service read through Resource Manager", function () {
  // Each run spawns Node with tsx and signs in through the real @azure/identity; the machine is shared.
  this.timeout(120_000);

  let azure: ManagedSearch;
  let tmp: string;
  let caFile: string;

  before(async () => {
    azure = await startManagedSearch();
    tmp = mkdtempSync(path.join(os.tmpdir(), "doctor-service-"));
    caFile = path.join(tmp, "stand-in-root.pem");
    writeFileSync(caFile, azure.ca);
  });
  after(async () => {
    await azure.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => azure.reset());

  /** Runs the command from source as a user would, signed in as the stand-in's app unless `env` says otherwise. */
  function doctor(
    args: string[],
    env: Record<string, string> = azure.credentialEnv(),
    nodeArgs: string[] = [],
  ): Promise<Outcome> {
    return spawnDoctor(args, { env: { NODE_EXTRA_CA_CERTS: caFile, ...env }, nodeArgs });
  }

  /** The command against the Search stand-in, reading Resource Manager at the stand-in. */
  const entra = (...extra: string[]): string[] => [
    azure.search.endpoint,
    "--entra",
    "--arm-endpoint",
    azure.resourceManager.endpoint,
    ...extra,
  ];

  function json(outcome: Outcome): JsonReport {
    return JSON.parse(outcome.stdout) as JsonReport;
  }

  /** No client secret, token or key in either output. */
  function assertNoSecret(...outcomes: Outcome[]): void {
    const secrets = [
      azure.app.clientSecret,
      azure.search.adminKey,
      azure.search.queryKey,
      ...azure.entra.issued,
    ];
    for (const outcome of outcomes) {
      for (const secret of secrets) {
        assert.ok(!outcome.stdout.includes(secret), "no secret in stdout");
        assert.ok(!outcome.stderr.includes(secret), "no secret in stderr");
      }
    }
  }

  function grant(role: { id: string }, scope = azure.resourceId, principalId = azure.app.objectId): void {
    azure.world.roleAssignments.push({
      principalId,
      principalType: principalId === azure.app.objectId ? "ServicePrincipal" : "Group",
      roleDefinitionId: role.id,
      scope,
    });
  }

  describe("what it reads", () => {
    it("finds the service by its endpoint and prints its settings, the roles and the token; the JSON's service section holds them", async () => {
      grant(BUILT_IN_ROLES.searchIndexDataReader);
      azure.service.properties.networkRuleSet = {
        ipRules: [{ value: "203.0.113.7" }],
        bypass: "AzureServices",
      };
      const [text, report] = await Promise.all([
        doctor(entra("--index", "hotels")),
        doctor(entra("--index", "hotels", "--json")),
      ]);
      assert.equal(text.code, 0, text.stdout + text.stderr);
      assert.match(
        text.stdout,
        /^✓ service +contoso-search in search-rg \(standard, westeurope\), tenant [0-9a-f-]{36}, read through Resource Graph and Resource Manager/m,
      );
      assert.match(
        text.stdout,
        /^✓ auth +Accepts API keys and Microsoft Entra ID tokens \(authOptions aadOrApiKey, failures answered http401WithBearerChallenge\)\.$/m,
      );
      assert.match(
        text.stdout,
        /^✓ network +Public network access enabled; 1 IP rule \(203\.0\.113\.7\), bypass AzureServices; no private endpoint\.$/m,
      );
      assert.match(
        text.stdout,
        /^✓ roles +Object id [0-9a-f-]{36} holds Reader on the resource group, Search Index Data Reader on the service; Search data roles: Search Index Data Reader;/m,
      );
      assert.match(
        text.stdout,
        /^✓ token +For https:\/\/search\.azure\.com from tenant [0-9a-f-]{36} \(the service's\), expires in (59|60) min\.$/m,
      );
      assert.match(text.stdout, /^✓ call +Index hotels holds 42 documents\.$/m);

      const { service, call } = json(report);
      assert.equal(service?.read, true);
      assert.equal(service?.foundBy, "resourceGraph");
      assert.equal(service?.resourceId, azure.resourceId);
      assert.equal(service?.tenantId, azure.world.tenantId);
      assert.deepEqual(
        { ...service?.configuration, accepts: undefined },
        {
          sku: "standard",
          authOptions: "aadOrApiKey",
          aadAuthFailureMode: "http401WithBearerChallenge",
          disableLocalAuth: false,
          accepts: undefined,
          publicNetworkAccess: "enabled",
          ipRules: ["203.0.113.7"],
          bypass: "AzureServices",
          privateEndpoints: [],
          cmkEnforcement: "Unspecified",
          cmkCompliance: "Compliant",
          semanticSearch: "free",
        },
      );
      assert.equal(service?.principal?.objectId, azure.app.objectId);
      assert.deepEqual(service?.roles?.searchDataRoles, ["Search Index Data Reader"]);
      assert.deepEqual(service?.roles?.operationNeeds, [
        "Search Index Data Reader",
        "Search Index Data Contributor",
      ]);
      assert.equal(service?.roles?.holdsNeeded, true);
      assert.equal(call?.status, "pass");
      assert.equal(call?.token?.status, "pass");
      assert.equal(call?.token?.claims?.audience, "https://search.azure.com");
      assert.deepEqual([...new Set(azure.entra.requests.map((request) => request.scope))].sort(), [
        "https://management.azure.com/.default",
        "https://search.azure.com/.default",
      ]);
      assertNoSecret(text, report);
    });

    it("counts a role assigned to a group the principal belongs to", async () => {
      const group = "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a";
      azure.world.groups[group] = [azure.app.objectId];
      grant(BUILT_IN_ROLES.searchIndexDataReader, azure.resourceId, group);
      const outcome = await doctor(entra("--index", "hotels"));
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      assert.match(
        outcome.stdout,
        /^✓ roles +.*Search Index Data Reader on the service \(through a group\)/m,
      );
    });

    it("takes --resource-id instead of querying Resource Graph", async () => {
      grant(BUILT_IN_ROLES.searchServiceContributor);
      const graphQueries = (): number =>
        azure.resourceManager.server.requests.filter((request) =>
          request.url.includes("Microsoft.ResourceGraph"),
        ).length;
      const before = graphQueries();
      const outcome = await doctor(entra("--resource-id", azure.resourceId, "--json"));
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      assert.equal(json(outcome).service?.foundBy, "resourceId");
      assert.equal(
        json(outcome).service?.roles?.holdsNeeded,
        true,
        "service statistics: Search Service Contributor",
      );
      assert.equal(graphQueries(), before, "no Resource Graph query");
    });
  });

  describe("verdicts made exact by the service's settings", () => {
    it("an empty 403 to an api-key on a service with disableLocalAuth: apiKeysDisabled, exact; inferred without --entra", async () => {
      Object.assign(azure.service.properties, { disableLocalAuth: true, authOptions: null });
      const [text, report, without] = await Promise.all([
        doctor(entra("--api-key-env", "SEARCH_KEY", "--index", "hotels"), {
          ...azure.credentialEnv(),
          SEARCH_KEY: azure.search.adminKey,
        }),
        doctor(entra("--api-key-env", "SEARCH_KEY", "--index", "hotels", "--json"), {
          ...azure.credentialEnv(),
          SEARCH_KEY: azure.search.adminKey,
        }),
        doctor([azure.search.endpoint, "--api-key-env", "SEARCH_KEY", "--index", "hotels", "--json"], {
          SEARCH_KEY: azure.search.adminKey,
        }),
      ]);
      assert.equal(text.code, 1);
      assert.match(
        text.stdout,
        /^! auth +Accepts Microsoft Entra ID tokens only \(disableLocalAuth is true\)\.$/m,
      );
      assert.match(
        text.stdout,
        /^✗ call +HTTP 403: the service refuses every api-key, as disableLocalAuth is true.* \[apiKeysDisabled\]$/m,
      );
      assert.match(text.stdout, /^ {4}Exact: disableLocalAuth is true \(Resource Manager\)\.$/m);
      const call = json(report).call;
      assert.equal(call?.credential, "apiKey");
      assert.equal(call?.diagnosis?.cause, "apiKeysDisabled");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(call?.diagnosis?.evidence.credential, "apiKey");
      assert.match(call?.basis ?? "", /disableLocalAuth is true/);
      assert.equal(json(report).service?.configuration?.disableLocalAuth, true);

      assert.equal(json(without).call?.diagnosis?.cause, "invalidApiKey");
      assert.equal(json(without).call?.diagnosis?.confidence, "inferred");
      assertNoSecret(text, report, without);
    });

    it("a 401 to a token on an API-keys-only service: rbacNotEnabled, exact, with the one step that applies", async () => {
      azure.service.properties.authOptions = { apiKeyOnly: {} };
      const outcome = await doctor(entra("--json"));
      assert.equal(outcome.code, 1);
      const { call, service } = json(outcome);
      assert.equal(service?.configuration?.authOptions, "apiKeyOnly");
      assert.equal(call?.diagnosis?.cause, "rbacNotEnabled");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(call?.diagnosis?.remediation.length, 1);
      assert.match(
        call?.diagnosis?.remediation[0] ?? "",
        /^Set API access control to Both or Role-based access control/,
      );
      assert.equal(call?.basis, "authOptions is apiKeyOnly (Resource Manager)");
      assert.equal(call?.token?.status, "pass", "the token itself is right");
      assertNoSecret(outcome);
    });

    it("a 403 to a token without a Search data role: missingRoleAssignment, exact, naming the role and the object id", async () => {
      grant(BUILT_IN_ROLES.owner, `/subscriptions/${azure.service.subscriptionId}/resourceGroups/search-rg`);
      const [text, report] = await Promise.all([
        doctor(entra("--index", "hotels")),
        doctor(entra("--index", "hotels", "--json")),
      ]);
      assert.equal(text.code, 1);
      const { objectId } = azure.app;
      assert.match(
        text.stdout,
        /^! roles +Object id .* holds Reader on the resource group, Owner on the resource group; no Search data role;/m,
      );
      assert.match(
        text.stdout,
        new RegExp(
          `^✗ call +HTTP 403: the identity \\(object id ${objectId}\\) holds no role that grants document reads: it needs Search Index Data Reader or Search Index Data Contributor on the service.* \\[missingRoleAssignment\\]$`,
          "m",
        ),
      );
      const call = json(report).call;
      assert.equal(call?.diagnosis?.cause, "missingRoleAssignment");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(
        call?.diagnosis?.remediation[0],
        `Assign Search Index Data Reader to the principal ${objectId} on the search service: az role assignment create --role "Search Index Data Reader" --assignee-object-id ${objectId} --assignee-principal-type ServicePrincipal --scope ${azure.resourceId}`,
      );
      assert.match(
        call?.basis ?? "",
        new RegExp(
          `object id ${objectId} .* hold none of Search Index Data Reader, Search Index Data Contributor`,
        ),
      );
      assertNoSecret(text, report);
    });

    it("a 403 with public access disabled from a host that resolves to no private address: publicAccessDisabled, exact, naming the private endpoint and the zone", async () => {
      grant(BUILT_IN_ROLES.searchIndexDataReader);
      Object.assign(azure.service.properties, {
        publicNetworkAccess: "disabled",
        privateEndpointConnections: [privateEndpoint(azure.resourceId, "search-pe")],
      });
      const outcome = await doctor(entra("--index", "hotels", "--json"));
      assert.equal(outcome.code, 1);
      const { call, service } = json(outcome);
      assert.equal(service?.configuration?.publicNetworkAccess, "disabled");
      assert.deepEqual(service?.configuration?.privateEndpoints, [
        {
          name: "search-pe",
          privateEndpointId: privateEndpoint(azure.resourceId, "search-pe").properties.privateEndpoint.id,
          status: "Approved",
        },
      ]);
      assert.equal(call?.diagnosis?.cause, "publicAccessDisabled");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.match(
        call?.diagnosis?.remediation[0] ?? "",
        /private DNS zone privatelink\.search\.windows\.net \(its record contoso-search\.privatelink\.search\.windows\.net\).*private endpoint search-pe \(Approved\)/,
      );
      assert.match(
        call?.basis ?? "",
        /publicNetworkAccess is disabled \(Resource Manager\) and localhost resolves to 127\.0\.0\.1, no private address/,
      );
      assertNoSecret(outcome);
    });
  });

  describe("the token, checked locally", () => {
    it("a token for another audience: tokenAudienceMismatch, exact, naming both audiences", async () => {
      azure.entra.issuing.audience = (resource) =>
        resource === "https://search.azure.com" ? "https://management.azure.com" : resource;
      const [text, report] = await Promise.all([doctor(entra()), doctor(entra("--json"))]);
      assert.equal(text.code, 1);
      assert.match(
        text.stdout,
        /^✗ token +The token is for https:\/\/management\.azure\.com, not https:\/\/search\.azure\.com\.$/m,
      );
      const call = json(report).call;
      assert.equal(call?.diagnosis?.cause, "tokenAudienceMismatch");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(call?.token?.problem, "tokenAudienceMismatch");
      assert.match(
        call?.basis ?? "",
        /aud claim is https:\/\/management\.azure\.com; Azure AI Search here accepts https:\/\/search\.azure\.com/,
      );
      assertNoSecret(text, report);
    });

    it("a token from another tenant: tokenTenantMismatch, exact, naming both tenants", async () => {
      const env = azure.credentialEnv(azure.otherTenantId);
      const [text, report] = await Promise.all([
        doctor(entra("--resource-id", azure.resourceId), env),
        doctor(entra("--resource-id", azure.resourceId, "--json"), env),
      ]);
      assert.equal(text.code, 1);
      assert.match(
        text.stdout,
        /^- service +Settings not read\. Resource Manager refused to read the service \(401 InvalidAuthenticationTokenTenant\)/m,
      );
      const { call, service } = json(report);
      assert.equal(service?.tenantId, azure.world.tenantId);
      assert.equal(call?.diagnosis?.cause, "tokenTenantMismatch");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(
        call?.summary,
        `HTTP 401: The token is from tenant ${azure.otherTenantId}, but the service is in tenant ${azure.world.tenantId}.`,
      );
      assertNoSecret(text, report);
    });

    it("an expired token: tokenExpired, exact", async () => {
      azure.entra.issuing.lifetimeSeconds = (resource) =>
        resource === "https://search.azure.com" ? -600 : 3599;
      const outcome = await doctor(entra("--json"));
      assert.equal(outcome.code, 1);
      const call = json(outcome).call;
      assert.equal(call?.token?.status, "fail");
      assert.match(
        call?.token?.summary ?? "",
        /^The token expired at \S+, 10 min before this machine's time/,
      );
      assert.equal(call?.diagnosis?.cause, "tokenExpired");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assertNoSecret(outcome);
    });
  });

  describe("when the settings cannot be read, one line and the inferred verdict", () => {
    const WRONG_KEY = "wrong-key-0c3b5a7d9e1f";

    it("403 from Resource Manager: the identity may not read the service", async () => {
      azure.world.roleAssignments = [];
      const env = { ...azure.credentialEnv(), SEARCH_KEY: WRONG_KEY };
      const args = entra(
        "--resource-id",
        azure.resourceId,
        "--api-key-env",
        "SEARCH_KEY",
        "--index",
        "hotels",
      );
      const [text, report] = await Promise.all([doctor(args, env), doctor([...args, "--json"], env)]);
      assert.equal(text.code, 1);
      const serviceLines = text.stdout
        .split("\n")
        .filter((line) => /^. (service|auth|network|roles) /.test(line));
      assert.equal(serviceLines.length, 1, "one line");
      assert.match(
        serviceLines[0] ?? "",
        /^- service +Settings not read\. Resource Manager refused to read the service \(403 AuthorizationFailed\): The client '[0-9a-f-]{36}' with object id .* 'Microsoft\.Search\/searchServices\/read'/,
      );
      assert.match(text.stdout, /^✗ call +.*\[invalidApiKey, likely\]$/m);
      assert.equal(json(report).service?.read, false);
      assert.equal(json(report).call?.diagnosis?.confidence, "inferred");
      assertNoSecret(text, report);
      assert.ok(!text.stdout.includes(WRONG_KEY));
    });

    it("no credential: DefaultAzureCredential finds nothing to sign in with", async () => {
      const env = { AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential", SEARCH_KEY: WRONG_KEY };
      const outcome = await doctor(entra("--api-key-env", "SEARCH_KEY", "--index", "hotels"), env);
      assert.equal(outcome.code, 1);
      assert.match(
        outcome.stdout,
        /^- service +Settings not read\. No token for Resource Manager: ChainedTokenCredential authentication failed\.$/m,
      );
      assert.match(outcome.stdout, /^✗ call +.*\[invalidApiKey, likely\]$/m);
      assert.ok(!outcome.stdout.includes(WRONG_KEY));
    });

    it("the management packages missing: says which to install", async () => {
      const outcome = await doctor(
        entra("--api-key-env", "SEARCH_KEY", "--index", "hotels"),
        { ...azure.credentialEnv(), SEARCH_KEY: WRONG_KEY },
        ["--import", hiding("@azure/arm-search")],
      );
      assert.equal(outcome.code, 1, outcome.stdout + outcome.stderr);
      assert.match(
        outcome.stdout,
        /^- service +Settings not read\. Reading the service's settings \(--entra\) needs .*: run npm install @azure\/arm-resourcegraph @azure\/arm-search @azure\/arm-authorization\.$/m,
      );
      assert.match(outcome.stdout, /^✗ call +.*\[invalidApiKey, likely\]$/m);
    });

    it("without --entra the management packages are never loaded", async () => {
      const outcome = await doctor(
        [azure.search.endpoint, "--api-key-env", "SEARCH_KEY", "--index", "hotels"],
        { SEARCH_KEY: azure.search.adminKey },
        ["--import", hiding("@azure/arm-search", "@azure/arm-authorization", "@azure/arm-resourcegraph")],
      );
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      assert.doesNotMatch(outcome.stdout, /^. service /m);
    });
  });

  it("--entra with no credential: the identity's own text, redacted, in both outputs, and JSON fields that agree", async () => {
    const env = { AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" };
    const [text, report] = await Promise.all([doctor(entra(), env), doctor(entra("--json"), env)]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^✗ call +No token, so no request was sent: .*\[credentialUnavailable\]$/m);
    assert.match(text.stdout, /^ {4}│ CredentialUnavailableError: EnvironmentCredential is unavailable\./m);
    assert.match(text.stdout, /Read the error message above/);
    const call = json(report).call;
    assert.equal(call?.credential, "entra");
    assert.match(call?.error ?? "", /EnvironmentCredential is unavailable\./);
    assert.equal(call?.diagnosis?.cause, "credentialUnavailable");
    assert.equal(call?.diagnosis?.evidence.credential, undefined, "no 'none' beside credential 'entra'");
  });

  describe("a sovereign cloud", () => {
    let gov: ManagedSearch;
    let govCa: string;

    before(async () => {
      gov = await startManagedSearch({ cloud: "AzureUSGovernment" });
      govCa = path.join(tmp, "gov-root.pem");
      writeFileSync(govCa, gov.ca);
    });
    after(() => gov.close());

    it("--cloud AzureUSGovernment: Azure Government audiences, and its private DNS zone in the verdict", async () => {
      Object.assign(gov.service.properties, {
        publicNetworkAccess: "disabled",
        privateEndpointConnections: [privateEndpoint(gov.resourceId, "gov-search-pe")],
      });
      const outcome = await doctor(
        [
          gov.search.endpoint,
          "--entra",
          "--cloud",
          "AzureUSGovernment",
          "--arm-endpoint",
          gov.resourceManager.endpoint,
          "--json",
        ],
        { ...gov.credentialEnv(), NODE_EXTRA_CA_CERTS: govCa },
      );
      assert.equal(outcome.code, 1, outcome.stdout + outcome.stderr);
      const { call, service } = json(outcome);
      assert.equal(service?.cloud, "AzureUSGovernment");
      assert.equal(service?.read, true);
      assert.equal(call?.token?.claims?.audience, "https://search.azure.us");
      assert.equal(call?.token?.status, "pass");
      assert.deepEqual([...new Set(gov.entra.requests.map((request) => request.scope))].sort(), [
        "https://management.usgovcloudapi.net/.default",
        "https://search.azure.us/.default",
      ]);
      assert.equal(call?.diagnosis?.cause, "publicAccessDisabled");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.match(
        call?.diagnosis?.remediation[0] ?? "",
        /privatelink\.search\.azure\.us.*gov-search-pe \(Approved\)/,
      );
      for (const secret of [gov.app.clientSecret, ...gov.entra.issued])
        assert.ok(!outcome.stdout.includes(secret));
    });
  });
});

/** A private endpoint connection as Resource Manager returns it on the service. */
function privateEndpoint(resourceId: string, name: string) {
  return {
    id: `${resourceId}/privateEndpointConnections/${name}.0f1e2d3c`,
    name: `${name}.0f1e2d3c`,
    type: "Microsoft.Search/searchServices/privateEndpointConnections",
    properties: {
      privateEndpoint: {
        id: `/subscriptions/${resourceId.split("/")[2]}/resourceGroups/network-rg/providers/Microsoft.Network/privateEndpoints/${name}`,
      },
      privateLinkServiceConnectionState: {
        status: "Approved",
        description: "Auto-approved",
        actionsRequired: "None",
      },
      groupId: "searchService",
      provisioningState: "Succeeded",
    },
  };
}
