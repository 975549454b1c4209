import { importOptional, isMissing } from "../optional.js";
import type { TokenCredential } from "../call.js";

/** The management packages `--entra` reads the service with: optional peers, loaded only then. */
export const MANAGEMENT_PACKAGES = [
  "@azure/arm-resourcegraph",
  "@azure/arm-search",
  "@azure/arm-authorization",
] as const;

/** The packages, loaded; their types are read off this import, which resolves the same way in both builds. */
function loadPackages() {
  return Promise.all([
    import("@azure/arm-resourcegraph"),
    import("@azure/arm-search"),
    import("@azure/arm-authorization"),
  ]);
}

type Packages = Awaited<ReturnType<typeof loadPackages>>;

/** The Resource Manager clients of one run, all for one endpoint and token audience. */
export interface ManagementClients {
  graph: InstanceType<Packages[0]["ResourceGraphClient"]>;
  search(subscriptionId: string): InstanceType<Packages[1]["SearchManagementClient"]>;
  authorization(subscriptionId: string): InstanceType<Packages[2]["AuthorizationManagementClient"]>;
}

/** The search service resource as @azure/arm-search returns it. */
export type SearchServiceResource = Awaited<
  ReturnType<ReturnType<ManagementClients["search"]>["services"]["get"]>
>;

/**
 * Loads the management packages and makes their clients, or says in one line why it cannot.
 *
 * @param credential - the signed-in identity.
 * @param endpoint - the Resource Manager endpoint, without a trailing slash.
 * @param audience - the audience of Resource Manager tokens in the cloud.
 */
export async function managementClients(
  credential: TokenCredential,
  endpoint: string,
  audience: string,
): Promise<ManagementClients | string> {
  const modules = await importOptional(
    loadPackages,
    MANAGEMENT_PACKAGES,
    "Reading the service's settings (--entra)",
  );
  if (isMissing(modules)) return modules.missing;
  const [{ ResourceGraphClient }, { SearchManagementClient }, { AuthorizationManagementClient }] = modules;
  const scopes = [`${audience}/.default`];
  // One answer, at once: the command's own timeout bounds each read.
  const retryOptions = { maxRetries: 0 };
  // The generated clients build request URLs from $host and sign for credentialScopes; endpoint alone moves neither.
  const generated = { endpoint, $host: endpoint, credentialScopes: scopes, retryOptions };
  const clients: ManagementClients = {
    graph: new ResourceGraphClient(credential, { endpoint, credentials: { scopes }, retryOptions }),
    search: (subscriptionId) => new SearchManagementClient(credential, subscriptionId, generated),
    authorization: (subscriptionId) =>
      new AuthorizationManagementClient(credential, subscriptionId, generated),
  };
  return clients;
}
