/** The Azure clouds the command knows, by the names the Azure CLI and @azure/identity use. */
export type CloudName = "AzurePublicCloud" | "AzureUSGovernment" | "AzureChinaCloud";

/** Where a cloud's services live and which audiences its tokens are for. */
export interface Cloud {
  name: CloudName;
  /** The Resource Manager endpoint, without a trailing slash. */
  resourceManager: string;
  /** The audience of Resource Manager tokens: the scope asked for is `<audience>/.default`. */
  resourceManagerAudience: string;
  /** The audience of Azure AI Search tokens. */
  searchAudience: string;
  /** The host suffix of Azure AI Search endpoints, with its leading dot. */
  searchHostSuffix: string;
  /** The private DNS zone a private endpoint of Azure AI Search is resolved through. */
  privateDnsZone: string;
  /** The Microsoft Entra ID authority host. */
  authorityHost: string;
}

/** The clouds, in the order `--cloud` lists them. */
export const CLOUDS: Readonly<Record<CloudName, Cloud>> = {
  AzurePublicCloud: {
    name: "AzurePublicCloud",
    resourceManager: "https://management.azure.com",
    resourceManagerAudience: "https://management.azure.com",
    searchAudience: "https://search.azure.com",
    searchHostSuffix: ".search.windows.net",
    privateDnsZone: "privatelink.search.windows.net",
    authorityHost: "https://login.microsoftonline.com",
  },
  AzureUSGovernment: {
    name: "AzureUSGovernment",
    resourceManager: "https://management.usgovcloudapi.net",
    resourceManagerAudience: "https://management.usgovcloudapi.net",
    searchAudience: "https://search.azure.us",
    searchHostSuffix: ".search.azure.us",
    privateDnsZone: "privatelink.search.azure.us",
    authorityHost: "https://login.microsoftonline.us",
  },
  AzureChinaCloud: {
    name: "AzureChinaCloud",
    resourceManager: "https://management.chinacloudapi.cn",
    resourceManagerAudience: "https://management.chinacloudapi.cn",
    searchAudience: "https://search.azure.cn",
    searchHostSuffix: ".search.azure.cn",
    privateDnsZone: "privatelink.search.azure.cn",
    authorityHost: "https://login.chinacloudapi.cn",
  },
};

/**
 * Whether a text names a cloud.
 *
 * @param name - the value of `--cloud`.
 */
export function isCloudName(name: string): name is CloudName {
  return Object.hasOwn(CLOUDS, name);
}

/**
 * The cloud of a run: the one `--cloud` names, else the one whose search host suffix the endpoint
 * has, else the public cloud.
 *
 * @param endpoint - the search endpoint.
 * @param name - the value of `--cloud`, if given.
 */
export function cloudOf(endpoint: string, name?: CloudName): Cloud {
  if (name) return CLOUDS[name];
  const host = new URL(endpoint).hostname.toLowerCase();
  return (
    Object.values(CLOUDS).find((cloud) => host.endsWith(cloud.searchHostSuffix)) ?? CLOUDS.AzurePublicCloud
  );
}

/**
 * The service name in an endpoint of the cloud's search host suffix, such as `contoso` in
 * https://contoso.search.windows.net; undefined for any other host (a custom domain, a stand-in).
 *
 * @param endpoint - the search endpoint.
 * @param cloud - its cloud.
 */
export function serviceNameOf(endpoint: string, cloud: Cloud): string | undefined {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (!host.endsWith(cloud.searchHostSuffix)) return undefined;
  const name = host.slice(0, -cloud.searchHostSuffix.length);
  return /^[a-z0-9][a-z0-9-]*$/.test(name) ? name : undefined;
}
