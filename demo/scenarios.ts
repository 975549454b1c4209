/**
 * The failures the demo walks through, as data: what the user's code did, what it calls, and the
 * cause the diagnosis must name. Every call goes through the real SDK clients with the policy.
 */
import type { TokenCredential } from "@azure/identity";
import {
  AzureKeyCredential,
  SearchClient,
  SearchIndexClient,
  type SearchClientOptions,
  type SearchIndex,
} from "@azure/search-documents";
import { run } from "../src/cli/run.js";
import { diagnosisPolicy, type CauseId, type DiagnosisPolicyOptions } from "../src/index.js";
import { startManagedSearch } from "../standin/managedSearch.js";
import { BUILT_IN_ROLES } from "../standin/searchResourceManager.js";
import { MADE_UP_SERVICE, type DemoEnvironment } from "./environment.js";

/** A key the service never issued, as after the admin keys were regenerated. */
export const WRONG_KEY = "demo-wrong-key-4c1d8e27b9";

/** A proxy password the demo's proxy does not accept. */
export const WRONG_PROXY_PASSWORD = "demo-wrong-proxy-pa55-2b8f";

/** One failure the demo shows. */
export interface DemoScenario {
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
    title: `Customer-managed key: ${title}`,
    call: `indexClient.createOrUpdateIndex({ name: "${indexName}", encryptionKey: { vaultUrl, keyName, keyVersion }, ... })`,
    cause,
    run: (env) =>
      indexClient(env.service.endpoint, admin(env)).createOrUpdateIndex(encryptedIndex(indexName)),
  };
}

function tls(title: string, endpoint: (env: DemoEnvironment) => string, cause: CauseId): DemoScenario {
  return {
    title,
    call: "searchClient.getDocumentsCount()",
    cause,
    run: (env) => searchClient(endpoint(env), "hotels", admin(env)).getDocumentsCount(),
  };
}

export const scenarios: readonly DemoScenario[] = [
  {
    title: "403 on a query: the api-key is wrong or was regenerated",
    call: "searchClient.getDocumentsCount() with a key the service does not know",
    cause: "invalidApiKey",
    run: (env) =>
      searchClient(env.service.endpoint, "hotels", new AzureKeyCredential(WRONG_KEY)).getDocumentsCount(),
  },
  {
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
    title: "502 from an http:// endpoint",
    call: 'new SearchClient("http://...", ..., { allowInsecureConnection: true }).getDocumentsCount()',
    cause: "httpNotHttps",
    run: (env) =>
      searchClient(env.faulty.httpEndpoint, "hotels", admin(env), {
        allowInsecureConnection: true,
      }).getDocumentsCount(),
  },
  {
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
    run: (env) =>
      searchClient(env.service.endpoint, "hotels", admin(env), {
        proxyOptions: { host: "http://127.0.0.1", port: env.proxies.closedPort },
      }).getDocumentsCount(),
  },
  {
    title: "407 from the proxy: a wrong proxy password, told from a missing one",
    call: "searchClient.getDocumentsCount() through a proxy, with a wrong password in proxyOptions",
    cause: "proxyAuthenticationFailed",
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
    title: "403 with Microsoft Entra ID: no data-plane role",
    call: 'searchClient.search("*") with a token whose identity has no Search role',
    cause: "missingRoleAssignment",
    run: (env) => searchClient(env.service.endpoint, "hotels", staticToken("token-without-role")).search("*"),
  },
  {
    title: "401 with Microsoft Entra ID: the service accepts API keys only",
    call: 'searchClient.search("*") with a token, service set to "API keys"',
    cause: "rbacNotEnabled",
    run: (env) =>
      searchClient(env.keysOnlyService.endpoint, "hotels", staticToken("token-with-role")).search("*"),
  },
  {
    title: "503: throttled, not enough replicas",
    call: 'searchClient.search("*") under load',
    cause: "throttled",
    run: (env) => searchClient(env.service.endpoint, "throttled", admin(env)).search("*"),
  },
  {
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
    title: "404: index not found",
    call: 'new SearchClient(endpoint, "missing-index", key).search("*")',
    cause: "indexNotFound",
    run: (env) => searchClient(env.service.endpoint, "missing-index", admin(env)).search("*"),
  },
  {
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
