/**
 * A search service with its surroundings, all on loopback under one certificate authority made at
 * run time: the Entra ID stand-in that signs the app in, the Resource Manager stand-in that holds the
 * service's settings and role assignments, and the Search stand-in that obeys them. The command reaches
 * them with AZURE_AUTHORITY_HOST (through the real @azure/identity) and `--arm-endpoint`.
 */
import { randomUUID } from "node:crypto";
import { startEntra, type EntraApplication, type EntraStandIn } from "./entra.js";
import {
  BUILT_IN_ROLES,
  resourceIdOf,
  startResourceManager,
  type ResourceManagerStandIn,
  type ResourceManagerWorld,
  type SearchServiceResource,
} from "./searchResourceManager.js";
import { searchAccess } from "./searchAccess.js";
import { createAuthority, type Authority } from "./certs.js";
import { startSearchStandIn, type SearchStandIn } from "./search.js";

/** The token audiences each cloud's Resource Manager and Azure AI Search accept, as Azure documents them. */
const AUDIENCES = {
  AzurePublicCloud: { resourceManager: "https://management.azure.com", search: "https://search.azure.com" },
  AzureUSGovernment: {
    resourceManager: "https://management.usgovcloudapi.net",
    search: "https://search.azure.us",
  },
  AzureChinaCloud: {
    resourceManager: "https://management.chinacloudapi.cn",
    search: "https://search.azure.cn",
  },
} as const;

/** Options of {@link startManagedSearch}. */
export interface ManagedSearchOptions {
  /** The cloud whose audiences the stand-ins expect. Defaults to AzurePublicCloud. */
  cloud?: keyof typeof AUDIENCES;
  /** Signs every certificate. Defaults to a new "Stand-in Test Root". */
  authority?: Authority;
  /** Make this process trust the authority. Defaults to true. */
  trust?: boolean;
}

/** The running stand-ins, the world they share and what the command needs to reach them. */
export interface ManagedSearch {
  entra: EntraStandIn;
  resourceManager: ResourceManagerStandIn;
  search: SearchStandIn;
  /** Resource Manager's state: change the service's settings and the role assignments between runs. */
  world: ResourceManagerWorld;
  /** The service the Search stand-in plays. */
  service: SearchServiceResource;
  resourceId: string;
  /** The app the command signs in as. */
  app: EntraApplication;
  /** A tenant that exists but holds none of the subscriptions, for a sign-in to the wrong tenant. */
  otherTenantId: string;
  /** The root that signed the certificates, PEM. */
  ca: string;
  /**
   * The environment DefaultAzureCredential signs the app in with, through this Entra ID stand-in only.
   *
   * @param tenantId - the tenant to sign in to. Defaults to the service's.
   */
  credentialEnv(tenantId?: string): Record<string, string>;
  /** Puts the world back as it started: every setting a default, the app a Reader on the resource group only. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the three stand-ins for a search service named `contoso-search` in resource group `search-rg`.
 *
 * @param options - the cloud and the certificate authority.
 */
export async function startManagedSearch(options: ManagedSearchOptions = {}): Promise<ManagedSearch> {
  const audiences = AUDIENCES[options.cloud ?? "AzurePublicCloud"];
  const authority = options.authority ?? createAuthority("Stand-in Test Root");
  const tenantId = randomUUID();
  const otherTenantId = randomUUID();
  const subscriptionId = randomUUID();
  const app: EntraApplication = {
    clientId: randomUUID(),
    clientSecret: `stand-in-secret~${randomUUID()}`,
    objectId: randomUUID(),
    tenants: [tenantId, otherTenantId],
  };
  const entra = await startEntra({ authority, tenants: [tenantId, otherTenantId], applications: [app] });
  const world: ResourceManagerWorld = {
    tenantId,
    subscriptions: [subscriptionId],
    audience: audiences.resourceManager,
    services: [],
    roleAssignments: [],
    groups: {},
  };
  const closing: { close(): Promise<void> }[] = [entra];
  try {
    const resourceManager = await startResourceManager(authority, world, entra);
    closing.push(resourceManager);
    const name = "contoso-search";
    const search = await startSearchStandIn({
      authority,
      trust: options.trust,
      access: searchAccess(world, name, entra, audiences.search),
    });
    closing.push(search);
    const service: SearchServiceResource = {
      subscriptionId,
      resourceGroup: "search-rg",
      name,
      location: "westeurope",
      sku: "standard",
      properties: {},
    };
    const resourceId = resourceIdOf(service);
    const reset = (): void => {
      service.properties = { endpoint: `${search.endpoint}/` };
      world.services = [service];
      world.groups = {};
      world.roleAssignments = [
        {
          principalId: app.objectId,
          principalType: "ServicePrincipal",
          roleDefinitionId: BUILT_IN_ROLES.reader.id,
          scope: `/subscriptions/${subscriptionId}/resourceGroups/search-rg`,
        },
      ];
      entra.issuing.audience = undefined;
      entra.issuing.lifetimeSeconds = undefined;
    };
    reset();
    return {
      entra,
      resourceManager,
      search,
      world,
      service,
      resourceId,
      app,
      otherTenantId,
      ca: authority.cert,
      credentialEnv: (tenant = tenantId) => ({
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: app.clientId,
        AZURE_CLIENT_SECRET: app.clientSecret,
        AZURE_AUTHORITY_HOST: entra.authorityHost,
        // Only the environment's service principal: no managed identity probe, no developer tool sign-in.
        AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
      }),
      reset,
      close: async () => {
        await Promise.all(closing.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(closing.map((server) => server.close()));
    throw error;
  }
}
