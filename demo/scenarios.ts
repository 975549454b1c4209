/**
 * The failures the demo walks through, as data: what the user's code did, what it calls, and the
 * cause the diagnosis must name. Every call goes through the real SDK clients with the policy: first
 * Azure AI Search, then a short section for each other service.
 */
import { AppConfigurationClient } from "@azure/app-configuration";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import {
  AzureKeyCredential,
  SearchClient,
  SearchIndexClient,
  type SearchClientOptions,
  type SearchIndex,
} from "@azure/search-documents";
import { run } from "../src/cli/run.js";
import {
  addDiagnosisPolicy,
  diagnosisPolicy,
  type CauseId,
  type DiagnosisPolicyOptions,
} from "../src/index.js";
import { startManagedSearch } from "../standin/managedSearch.js";
import { BUILT_IN_ROLES } from "../standin/searchResourceManager.js";
import { ARM_SUBSCRIPTION, UNREGISTERED_NAMESPACE } from "../standin/resourceManager.js";
import { MADE_UP_SERVICE, type DemoEnvironment } from "./environment.js";

/** A key the service never issued, as after the admin keys were regenerated. */
export const WRONG_KEY = "demo-wrong-key-4c1d8e27b9";

/** A proxy password the demo's proxy does not accept. */
export const WRONG_PROXY_PASSWORD = "demo-wrong-proxy-pa55-2b8f";

/** One failure the demo shows. */
export interface DemoScenario {
  /** The service whose section it is in. */
  section: string;
  /** The heading. */
  title: string;
  /** The call, as it reads in the user's code. */
  call: string;
  /** The cause the diagnosis must name. */
  cause: CauseId;
  /** Makes the call, which must fail; returns what a check after it found, if anything. */
  run(env: DemoEnvironment): Promise<unknown>;
}

/** A token of Microsoft Entra ID, as the stand-in knows them; a real app gets one from @azure/identity. */
function staticToken(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

function options(extra: SearchClientOptions = {}, policy: DiagnosisPolicyOptions = {}): SearchClientOptions {
  return {
    // The SDK's default backoff would make the 5xx scenarios take seconds each.
    retryOptions: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 },
    additionalPolicies: [{ policy: diagnosisPolicy(policy), position: "perCall" }],
    ...extra,
  };
}

type Credential = AzureKeyCredential | TokenCredential;

function searchClient(
  endpoint: string,
  indexName: string,
  credential: Credential,
  extra?: SearchClientOptions,
  policy?: DiagnosisPolicyOptions,
) {
  return new SearchClient<Record<string, unknown>>(endpoint, indexName, credential, options(extra, policy));
}

function indexClient(endpoint: string, credential: Credential): SearchIndexClient {
  return new SearchIndexClient(endpoint, credential, options());
}

const admin = (env: DemoEnvironment): AzureKeyCredential => new AzureKeyCredential(env.service.adminKey);

/** An index definition with a customer-managed key, as the seed article's failures come from. */
function encryptedIndex(name: string): SearchIndex {
  return {
    name,
    fields: [{ name: "hotelId", type: "Edm.String", key: true }],
    encryptionKey: {
      keyName: "search-cmk",
      keyVersion: "0123456789abcdef0123456789abcdef",
      vaultUrl: "https://contoso-keys.vault.azure.net",
    },
  };
}

function keyVault(title: string, indexName: string, cause: CauseId): DemoScenario {
  return {
    section: SEARCH,
    title: `Customer-managed key: ${title}`,
    call: `indexClient.createOrUpdateIndex({ name: "${indexName}", encryptionKey: { vaultUrl, keyName, keyVersion }, ... })`,
    cause,
    run: (env) =>
      indexClient(env.service.endpoint, admin(env)).createOrUpdateIndex(encryptedIndex(indexName)),
  };
}

function tls(title: string, endpoint: (env: DemoEnvironment) => string, cause: CauseId): DemoScenario {
  return {
    section: SEARCH,
    title,
    call: "searchClient.getDocumentsCount()",
    cause,
    run: (env) => searchClient(endpoint(env), "hotels", admin(env)).getDocumentsCount(),
  };
}

const SEARCH = "Azure AI Search";

const searchScenarios: readonly DemoScenario[] = [
  {
    section: SEARCH,
    title: "403 on a query: the api-key is wrong or was regenerated",
    call: "searchClient.getDocumentsCount() with a key the service does not know",
    cause: "invalidApiKey",
    run: (env) =>
      searchClient(env.service.endpoint, "hotels", new AzureKeyCredential(WRONG_KEY)).getDocumentsCount(),
  },
  {
    section: SEARCH,
    title: "403 on an index update: a query key used for an admin operation",
    call: 'indexClient.createOrUpdateIndex({ name: "hotels", ... }) with the query key',
    cause: "queryKeyForAdminOperation",
    run: (env) =>
      indexClient(env.service.endpoint, new AzureKeyCredential(env.service.queryKey)).createOrUpdateIndex({
        name: "hotels",
        fields: [{ name: "hotelId", type: "Edm.String", key: true }],
      }),
  },
  {
    section: SEARCH,
    title: "502 from an http:// endpoint",
    call: 'new SearchClient("http://...", ..., { allowInsecureConnection: true }).getDocumentsCount()',
    cause: "httpNotHttps",
    run: (env) =>
      searchClient(env.faulty.httpEndpoint, "hotels", admin(env), {
        allowInsecureConnection: true,
      }).getDocumentsCount(),
  },
  {
    section: SEARCH,
    title: "http:// to a public host name: the key is not sent",
    call: `new SearchClient("http://${MADE_UP_SERVICE}", ..., { allowInsecureConnection: true }).getDocumentsCount()`,
    cause: "httpNotHttps",
    run: async (env) => {
      try {
        await searchClient(`http://${MADE_UP_SERVICE}`, "hotels", admin(env), {
          allowInsecureConnection: true,
          proxyOptions: { host: "http://127.0.0.1", port: env.proxy.port },
        }).getDocumentsCount();
      } catch (error) {
        if (env.proxy.requests.length > 0)
          throw new Error("a request reached the demo's proxy", { cause: error });
        throw error;
      }
    },
  },
  keyVault("the service lost access to the vault", "cmk-access-denied", "keyVaultAccessDenied"),
  keyVault("the vault URI does not resolve", "cmk-uri", "keyVaultUriUnresolved"),
  keyVault("the key or version is not in the vault", "cmk-key-missing", "keyVaultKeyNotFound"),
  keyVault("no managed identity on the service", "cmk-no-identity", "managedIdentityNotDefined"),
  keyVault("the Entra application is gone", "cmk-app-id", "applicationIdInvalid"),
  keyVault("the application secret is wrong", "cmk-app-secret", "applicationSecretInvalid"),
  {
    section: SEARCH,
    title: "Customer-managed key: the key was revoked or disabled",
    call: 'searchClient.search("*") on an encrypted index',
    cause: "encryptionKeyRevoked",
    run: (env) => searchClient(env.service.endpoint, "cmk-revoked", admin(env)).search("*"),
  },
  tls("TLS 1.0/1.1 only on the server side", (env) => env.faulty.legacyTls, "tlsVersionUnsupported"),
  tls("Plain HTTP behind an https:// URL", (env) => env.faulty.plainHttpBehindHttps, "endpointNotTls"),
  tls("Self-signed certificate", (env) => env.faulty.selfSigned, "tlsUntrustedCertificate"),
  tls("Expired certificate", (env) => env.faulty.expired, "tlsCertificateExpired"),
  tls(
    'Untrusted certificate from a TLS-inspecting proxy ("Zscaler Root CA")',
    (env) => env.faulty.inspectingProxy,
    "tlsUntrustedCertificate",
  ),
  tls("An old appliance's certificate signed with SHA-1", (env) => env.faulty.sha1Signed, "tlsWeakSignature"),
  tls(
    "An old appliance offering only cipher suites Node.js does not (Camellia)",
    (env) => env.faulty.legacyCiphers,
    "tlsNoSharedCipher",
  ),
  tls(
    "A gateway that wants a client certificate (mutual TLS)",
    (env) => env.faulty.mutualTls,
    "tlsClientCertificateRequired",
  ),
  {
    title: "HTTPS_PROXY names a proxy that is not running: the proxy is named, not the service",
    call: "searchClient.getDocumentsCount() with proxyOptions at a port nothing listens on",
    cause: "proxyUnreachable",
    section: SEARCH,
    run: (env) =>
      searchClient(env.service.endpoint, "hotels", admin(env), {
        proxyOptions: { host: "http://127.0.0.1", port: env.proxies.closedPort },
      }).getDocumentsCount(),
  },
  {
    title: "407 from the proxy: a wrong proxy password, told from a missing one",
    call: "searchClient.getDocumentsCount() through a proxy, with a wrong password in proxyOptions",
    cause: "proxyAuthenticationFailed",
    section: SEARCH,
    run: (env) =>
      searchClient(env.service.endpoint, "hotels", admin(env), {
        proxyOptions: {
          host: "http://127.0.0.1",
          port: env.proxies.guarded.port,
          username: env.proxies.credentials.username,
          password: WRONG_PROXY_PASSWORD,
        },
      }).getDocumentsCount(),
  },
  {
    title: "The proxy refuses the tunnel to the service: its own 403, never blamed on Azure",
    call: `new SearchClient("https://${MADE_UP_SERVICE}", ...) through a proxy that allows loopback only`,
    cause: "proxyTunnelRefused",
    section: SEARCH,
    run: (env) =>
      searchClient(`https://${MADE_UP_SERVICE}`, "hotels", admin(env), {
        proxyOptions: {
          host: "http://127.0.0.1",
          port: env.proxies.guarded.port,
          ...env.proxies.credentials,
        },
      }).getDocumentsCount(),
  },
  {
    section: SEARCH,
    title: "diagnosisPolicy({ preflight: true }): no request to an endpoint that fails the preflight",
    call: "searchClient.getDocumentsCount() with the preflight on",
    cause: "tlsUntrustedCertificate",
    run: (env) =>
      searchClient(
        env.faulty.inspectingProxy,
        "hotels",
        admin(env),
        {},
        { preflight: { timeoutMs: 2000 } },
      ).getDocumentsCount(),
  },
  {
    section: SEARCH,
    title: "403 with Microsoft Entra ID: no data-plane role",
    call: 'searchClient.search("*") with a token whose identity has no Search role',
    cause: "missingRoleAssignment",
    run: (env) => searchClient(env.service.endpoint, "hotels", staticToken("token-without-role")).search("*"),
  },
  {
    section: SEARCH,
    title: "401 with Microsoft Entra ID: the service accepts API keys only",
    call: 'searchClient.search("*") with a token, service set to "API keys"',
    cause: "rbacNotEnabled",
    run: (env) =>
      searchClient(env.keysOnlyService.endpoint, "hotels", staticToken("token-with-role")).search("*"),
  },
  {
    section: SEARCH,
    title: "503: throttled, not enough replicas",
    call: 'searchClient.search("*") under load',
    cause: "throttled",
    run: (env) => searchClient(env.service.endpoint, "throttled", admin(env)).search("*"),
  },
  {
    section: SEARCH,
    title: "429: index quota of the tier reached",
    call: 'indexClient.createOrUpdateIndex({ name: "index-quota", ... })',
    cause: "quotaExceeded",
    run: (env) =>
      indexClient(env.service.endpoint, admin(env)).createOrUpdateIndex({
        name: "index-quota",
        fields: [{ name: "hotelId", type: "Edm.String", key: true }],
      }),
  },
  {
    section: SEARCH,
    title: "404: index not found",
    call: 'new SearchClient(endpoint, "missing-index", key).search("*")',
    cause: "indexNotFound",
    run: (env) => searchClient(env.service.endpoint, "missing-index", admin(env)).search("*"),
  },
  {
    section: SEARCH,
    title: "502 with an HTML page: a proxy answered, not the service",
    call: 'searchClient.search("*") through a corporate proxy',
    cause: "gatewayError",
    run: (env) => searchClient(env.service.endpoint, "proxy-page", admin(env)).search("*"),
  },
];

/**
 * The demo's last step: the command with --entra against a service whose identity is Owner of the
 * resource group but holds no Search data role, read through the Resource Manager stand-in.
 */
export const commandRun = {
  title: "The command with --entra: the service's settings and your roles, read through Resource Manager",
  command: "azure-sdk-doctor <endpoint> --index hotels --entra --arm-endpoint <Resource Manager stand-in>",
  cause: "missingRoleAssignment" as CauseId,
  /** Runs the command in this process, signed in through the Entra ID stand-in; returns its report. */
  async run(env: DemoEnvironment): Promise<{ output: string; expected: boolean }> {
    const azure = await startManagedSearch({ authority: env.service.authority, trust: false });
    const credentialEnv = azure.credentialEnv();
    const saved = Object.fromEntries(Object.keys(credentialEnv).map((name) => [name, process.env[name]]));
    try {
      azure.world.roleAssignments = [
        {
          principalId: azure.app.objectId,
          principalType: "ServicePrincipal",
          roleDefinitionId: BUILT_IN_ROLES.owner.id,
          scope: `/subscriptions/${azure.service.subscriptionId}/resourceGroups/${azure.service.resourceGroup}`,
        },
      ];
      // DefaultAzureCredential reads the process's environment.
      Object.assign(process.env, credentialEnv);
      let output = "";
      const code = await run(
        [
          azure.search.endpoint,
          "--index",
          "hotels",
          "--entra",
          "--arm-endpoint",
          azure.resourceManager.endpoint,
        ],
        {
          stdout: { write: (text: string) => (output += text) },
          stderr: { write: (text: string) => (output += text) },
          env: process.env,
        },
      );
      const expected =
        code === 1 && /^✗ call .*\[missingRoleAssignment\]$/m.test(output) && /^ {4}Exact: /m.test(output);
      return { output, expected };
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await azure.close();
    }
  },
};
/** A SAS signature, an App Configuration secret and a client secret the demo must never print. */
export const DEMO_SAS_SIGNATURE = "ZGVtby1zYXMtc2lnbmF0dXJlLXZhbHVl";
export const DEMO_OLD_SECRET = Buffer.alloc(32, 9).toString("base64");
export const DEMO_CLIENT_SECRET = "1b2c3d4e-demo-secret-id-5f6a";

/** What a Storage client sends with: a token for a data-plane call, as DefaultAzureCredential gives. */
const storageToken = (): TokenCredential => staticToken("demo-storage-token");

function blobService(
  env: DemoEnvironment,
  credential = new StorageSharedKeyCredential(env.storage.accountName, env.storage.accountKey) as
    StorageSharedKeyCredential | TokenCredential | AnonymousCredential,
  url = env.storage.url,
): BlobServiceClient {
  const service = new BlobServiceClient(url, credential, { retryOptions: { maxTries: 1 } });
  // Storage's clients share one pipeline with every container and blob client derived from them.
  addDiagnosisPolicy(service);
  return service;
}

function secretClient(env: DemoEnvironment): SecretClient {
  return new SecretClient(env.keyVault.endpoint, staticToken("demo-vault-token"), {
    // The stand-in's challenge names vault.azure.net, which localhost is not.
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
  });
}

function appConfiguration(env: DemoEnvironment, connectionString?: string): AppConfigurationClient {
  const options = {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" as const }],
  };
  return connectionString
    ? new AppConfigurationClient(connectionString, options)
    : new AppConfigurationClient(env.appConfiguration.endpoint, staticToken("demo-config-token"), options);
}

function resourceManager(env: DemoEnvironment): ResourceManagementClient {
  return new ResourceManagementClient(staticToken("demo-arm-token"), ARM_SUBSCRIPTION, {
    endpoint: env.resourceManager.endpoint,
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
  });
}

const STORAGE = "Azure Storage";
const KEY_VAULT = "Azure Key Vault";
const APP_CONFIGURATION = "Azure App Configuration";
const RESOURCE_MANAGER = "Azure Resource Manager";
const ENTRA = "Microsoft Entra ID";

const serviceScenarios: readonly DemoScenario[] = [
  {
    section: STORAGE,
    title: "403 AuthorizationPermissionMismatch: a token whose identity has no Storage data role",
    call: "containerClient.getProperties() with DefaultAzureCredential, the identity an Owner of the account",
    cause: "storagePermissionMismatch",
    run: (env) => blobService(env, storageToken()).getContainerClient("permission-mismatch").getProperties(),
  },
  {
    section: STORAGE,
    title: "403 KeyBasedAuthenticationNotPermitted: the account refuses its keys",
    call: "containerClient.getProperties() with StorageSharedKeyCredential",
    cause: "storageSharedKeyDisabled",
    run: (env) => blobService(env).getContainerClient("shared-key-disabled").getProperties(),
  },
  {
    section: STORAGE,
    title: "403 AuthenticationFailed: a SAS past its expiry",
    call: "new BlobServiceClient(`${url}?${sas}`).getContainerClient(name).getProperties()",
    cause: "storageSasExpired",
    run: (env) =>
      blobService(
        env,
        new AnonymousCredential(),
        `${env.storage.url}?sv=2025-05-05&ss=b&srt=co&sp=rl&st=2024-01-01T00%3A00%3A00Z&se=2024-01-02T00%3A00%3A00Z&spr=https&sig=${encodeURIComponent(DEMO_SAS_SIGNATURE)}`,
      )
        .getContainerClient("sas-expired")
        .getProperties(),
  },
  {
    section: STORAGE,
    title: "403 AuthorizationFailure on a HEAD request: the storage firewall, named by x-ms-error-code alone",
    call: "blobClient.getProperties()",
    cause: "storageNetworkRuleBlocked",
    run: (env) =>
      blobService(env).getContainerClient("network-blocked").getBlobClient("report.pdf").getProperties(),
  },
  {
    section: KEY_VAULT,
    title: "403 ForbiddenByRbac: the identity holds no Key Vault role",
    call: 'secretClient.getSecret("rbac-denied")',
    cause: "keyVaultRbacDenied",
    run: (env) => secretClient(env).getSecret("rbac-denied"),
  },
  {
    section: KEY_VAULT,
    title: "403 ForbiddenByFirewall: the vault's firewall, and the address it saw",
    call: 'secretClient.getSecret("firewall-blocked")',
    cause: "keyVaultFirewallBlocked",
    run: (env) => secretClient(env).getSecret("firewall-blocked"),
  },
  {
    section: KEY_VAULT,
    title: "409: the name of a soft-deleted secret",
    call: 'secretClient.setSecret("deleted-secret", value)',
    cause: "keyVaultDeletedButRecoverable",
    run: (env) => secretClient(env).setSecret("deleted-secret", "value"),
  },
  {
    section: APP_CONFIGURATION,
    title: "401 Invalid Signature: the connection string's secret was regenerated",
    call: "new AppConfigurationClient(oldConnectionString).getConfigurationSetting({ key })",
    cause: "appConfigSignatureInvalid",
    run: (env) =>
      appConfiguration(
        env,
        `Endpoint=${env.appConfiguration.endpoint};Id=${env.appConfiguration.credential.id};Secret=${DEMO_OLD_SECRET}`,
      ).getConfigurationSetting({ key: "app:greeting" }),
  },
  {
    section: APP_CONFIGURATION,
    title: "An empty 403 to a token: no App Configuration Data Reader role",
    call: 'appConfigClient.getConfigurationSetting({ key: "role-missing" })',
    cause: "appConfigRoleMissing",
    run: (env) => appConfiguration(env).getConfigurationSetting({ key: "role-missing" }),
  },
  {
    section: APP_CONFIGURATION,
    title: "403 ip-address-rejected: the store's network rules",
    call: 'appConfigClient.getConfigurationSetting({ key: "ip-rejected" })',
    cause: "appConfigNetworkBlocked",
    run: (env) => appConfiguration(env).getConfigurationSetting({ key: "ip-rejected" }),
  },
  {
    section: RESOURCE_MANAGER,
    title: "403 AuthorizationFailed: the action and scope the identity lacks",
    call: 'resourceClient.resourceGroups.get("denied")',
    cause: "armAuthorizationFailed",
    run: (env) => resourceManager(env).resourceGroups.get("denied"),
  },
  {
    section: RESOURCE_MANAGER,
    title: "409 MissingSubscriptionRegistration: the provider to register",
    call: "resourceClient.resources.getById(`.../providers/Microsoft.Contoso/widgets/w1`, apiVersion)",
    cause: "armProviderNotRegistered",
    run: (env) =>
      resourceManager(env).resources.getById(
        `/subscriptions/${ARM_SUBSCRIPTION}/resourceGroups/app-rg/providers/${UNREGISTERED_NAMESPACE}/widgets/w1`,
        "2024-01-01",
      ),
  },
  {
    section: ENTRA,
    title: "AADSTS7000215: the client secret's ID given instead of its value",
    call: "new ClientSecretCredential(tenantId, clientId, secretId); containerClient.exists()",
    cause: "entraClientSecretInvalid",
    run: (env) =>
      blobService(
        env,
        new ClientSecretCredential("contoso", "secret-invalid", DEMO_CLIENT_SECRET, {
          authorityHost: env.entra.endpoint,
          disableInstanceDiscovery: true,
        }),
      )
        .getContainerClient("photos")
        .exists(),
  },
];

export const scenarios: readonly DemoScenario[] = [...searchScenarios, ...serviceScenarios];
