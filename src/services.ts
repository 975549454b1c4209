import type { ServiceId } from "./types.js";

/** How a service is recognised and named. */
export interface ServiceInfo {
  /** The service's name as its documentation writes it. */
  name: string;
  /**
   * The client packages that call it, as they name themselves in the `User-Agent` header
   * (`azsdk-js-<package>/<version>`); a name ending in `-` stands for every package it starts.
   */
  packages: readonly string[];
  /** Host name suffixes of its endpoints, in the public and sovereign clouds. */
  hosts: readonly string[];
}

/** The services the catalog speaks for, and how a request shows which one it went to. */
export const SERVICES: Readonly<Record<ServiceId, ServiceInfo>> = {
  search: {
    name: "Azure AI Search",
    packages: ["search-documents"],
    hosts: [".search.windows.net", ".search.azure.us", ".search.azure.cn"],
  },
  storage: {
    name: "Azure Storage",
    packages: ["storage-", "azure-storage-"],
    hosts: [".core.windows.net", ".core.usgovcloudapi.net", ".core.chinacloudapi.cn"],
  },
  keyVault: {
    name: "Azure Key Vault",
    packages: ["keyvault-"],
    hosts: [
      ".vault.azure.net",
      ".vault.usgovcloudapi.net",
      ".vault.azure.cn",
      ".managedhsm.azure.net",
      ".managedhsm.usgovcloudapi.net",
      ".managedhsm.azure.cn",
    ],
  },
  appConfiguration: {
    name: "Azure App Configuration",
    packages: ["app-configuration"],
    hosts: [".azconfig.io", ".azconfig.azure.us", ".azconfig.azure.cn"],
  },
  resourceManager: {
    name: "Azure Resource Manager",
    packages: ["arm-"],
    hosts: ["management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn"],
  },
  entraId: {
    name: "Microsoft Entra ID",
    packages: ["identity"],
    hosts: ["login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn"],
  },
};

const IDS = Object.keys(SERVICES) as ServiceId[];

/** The SDK's own mark in a User-Agent: `azsdk-js-<package>/<version>`. */
const SDK_MARK = "azsdk-js-";

/** Each client package of the table by its exact name, and the prefixes that stand for many. */
const BY_PACKAGE: ReadonlyMap<string, ServiceId> = new Map(
  IDS.flatMap((id) => SERVICES[id].packages.filter((name) => !name.endsWith("-")).map((name) => [name, id])),
);
const BY_PREFIX: readonly (readonly [string, ServiceId])[] = IDS.flatMap((id) =>
  SERVICES[id].packages.filter((name) => name.endsWith("-")).map((name) => [name, id] as const),
);

/**
 * The service a client package calls, from its name in the `User-Agent` header: the first
 * `azsdk-js-<package>/` in it, as an application's own prefix may stand before it.
 *
 * @param userAgent - the request's `User-Agent` (or `x-ms-useragent`) value.
 */
export function serviceOfUserAgent(userAgent: string | undefined): ServiceId | undefined {
  if (userAgent === undefined) return undefined;
  for (let at = userAgent.indexOf(SDK_MARK); at >= 0; at = userAgent.indexOf(SDK_MARK, at + 1)) {
    const start = at + SDK_MARK.length;
    const slash = userAgent.indexOf("/", start);
    const space = userAgent.indexOf(" ", start);
    // `azsdk-js-client azsdk-js-api ...` names no package: only a name followed by its version does.
    if (slash < 0 || (space >= 0 && space < slash)) continue;
    const name = userAgent.slice(start, slash);
    const exact = BY_PACKAGE.get(name);
    if (exact !== undefined) return exact;
    for (const [prefix, id] of BY_PREFIX)
      if (name.startsWith(prefix) && name.length > prefix.length) return id;
    return undefined;
  }
  return undefined;
}

/**
 * The service an endpoint belongs to, from its host name's suffix.
 *
 * @param host - a lower-case host name, without port.
 */
export function serviceOfHost(host: string | undefined): ServiceId | undefined {
  if (host === undefined) return undefined;
  return IDS.find((id) =>
    SERVICES[id].hosts.some((suffix) => (suffix.startsWith(".") ? host.endsWith(suffix) : host === suffix)),
  );
}
