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

/** `azsdk-js-<package>/` anywhere in a User-Agent: an application's own prefix may stand before it. */
const SDK_PACKAGE = /azsdk-js-([a-z0-9-]+)\//;

/**
 * The service a client package calls, from its name in the `User-Agent` header.
 *
 * @param userAgent - the request's `User-Agent` (or `x-ms-useragent`) value.
 */
export function serviceOfUserAgent(userAgent: string | undefined): ServiceId | undefined {
  const name = userAgent === undefined ? undefined : SDK_PACKAGE.exec(userAgent)?.[1];
  if (name === undefined) return undefined;
  return IDS.find((id) =>
    SERVICES[id].packages.some((known) => (known.endsWith("-") ? name.startsWith(known) : name === known)),
  );
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
