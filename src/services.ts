import type { ServiceId } from "./types.js";

/**
 * A failure a service's clients turn into a result with their own code: `exists()` reading a 404,
 * `createIfNotExists()` reading a 409 `ContainerAlreadyExists`, a delete poller reading a 404 as "not yet".
 */
export interface ClientAnswer {
  /** The HTTP status. */
  status: number;
  /** The service's error codes it applies to; any code when absent. */
  codes?: readonly string[];
  /** A text the request's URL path contains, such as `/deleted`; any path when absent. */
  pathIncludes?: string;
}

/** How a service is recognised and named, and how the policy treats its clients' failures. */
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
  /**
   * The names of the errors its own client package throws: a thrown error of one of these names is
   * this service's failure, whichever client's request it came with (a credential runs inside another
   * client's pipeline).
   */
  errorNames: readonly string[];
  /**
   * Whether the policy throws this service's failing responses itself, as a `RestError` carrying the
   * diagnosis, instead of passing them to the client, which builds its own error after the pipeline.
   * Only where the client's own error path loses the failure: `@azure/search-documents` 13 turns an
   * empty-bodied failure into a TypeError with no status, and its own code reads only `statusCode`.
   */
  policyThrows: boolean;
  /**
   * Failures its clients turn into results: the policy keeps their diagnosis for `diagnose()` and logs
   * it at verbose level only, neither warning nor counting a failure the caller never sees.
   */
  clientAnswers: readonly ClientAnswer[];
}

/** The services the catalog speaks for, and how a request shows which one it went to. */
export const SERVICES: Readonly<Record<ServiceId, ServiceInfo>> = {
  search: {
    name: "Azure AI Search",
    packages: ["search-documents"],
    hosts: [".search.windows.net", ".search.azure.us", ".search.azure.cn"],
    errorNames: [],
    policyThrows: true,
    clientAnswers: [],
  },
  storage: {
    name: "Azure Storage",
    packages: ["storage-", "azure-storage-"],
    hosts: [".core.windows.net", ".core.usgovcloudapi.net", ".core.chinacloudapi.cn"],
    errorNames: [],
    policyThrows: false,
    clientAnswers: [
      // exists(), deleteIfExists() (ContainerNotFound, BlobNotFound, QueueNotFound)
      { status: 404 },
      {
        status: 409,
        codes: [
          // createIfNotExists()
          "ContainerAlreadyExists",
          "BlobAlreadyExists",
          "QueueAlreadyExists",
          "ShareAlreadyExists",
          "ResourceAlreadyExists",
          "PathAlreadyExists",
          "FilesystemAlreadyExists",
          // BlobClient.exists() on a blob encrypted with a customer-provided key it was not given
          "BlobUsesCustomerSpecifiedEncryption",
          "BlobDoesNotUseCustomerSpecifiedEncryption",
        ],
      },
    ],
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
    errorNames: [],
    policyThrows: false,
    clientAnswers: [
      // The delete and recover pollers read a 404 as "not yet".
      { status: 404 },
      // The delete poller reads a 403 on the deleted object as "done, but not readable by you".
      { status: 403, pathIncludes: "/deleted" },
    ],
  },
  appConfiguration: {
    name: "Azure App Configuration",
    packages: ["app-configuration"],
    hosts: [".azconfig.io", ".azconfig.azure.us", ".azconfig.azure.cn"],
    errorNames: [],
    policyThrows: false,
    clientAnswers: [],
  },
  resourceManager: {
    name: "Azure Resource Manager",
    packages: ["arm-"],
    hosts: ["management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn"],
    errorNames: [],
    policyThrows: false,
    clientAnswers: [],
  },
  entraId: {
    name: "Microsoft Entra ID",
    packages: ["identity"],
    hosts: ["login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn"],
    // @azure/identity's errors.
    errorNames: [
      "CredentialUnavailableError",
      "AggregateAuthenticationError",
      "AuthenticationError",
      "AuthenticationRequiredError",
    ],
    policyThrows: false,
    clientAnswers: [],
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
  // A client sends the same User-Agent with every request: read each one once.
  const known = BY_USER_AGENT.get(userAgent);
  if (known !== undefined) return known === NO_SERVICE ? undefined : known;
  const service = readUserAgent(userAgent);
  if (userAgent.length > USER_AGENT_KEPT_LENGTH) return service;
  if (BY_USER_AGENT.size >= USER_AGENTS_KEPT) BY_USER_AGENT.clear();
  BY_USER_AGENT.set(userAgent, service ?? NO_SERVICE);
  return service;
}

/** How many User-Agent values are kept read: an application has a few clients, each with one. */
const USER_AGENTS_KEPT = 64;

/** The longest User-Agent kept read; the SDK's own are about a hundred characters. */
const USER_AGENT_KEPT_LENGTH = 512;

/** What a User-Agent that names no service is kept as. */
const NO_SERVICE = "";

/** The User-Agent values read so far, with the service each names; emptied when full. */
const BY_USER_AGENT = new Map<string, ServiceId | typeof NO_SERVICE>();

function readUserAgent(userAgent: string): ServiceId | undefined {
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

const BY_ERROR_NAME: ReadonlyMap<string, ServiceId> = new Map(
  IDS.flatMap((id) => SERVICES[id].errorNames.map((name) => [name, id] as const)),
);

/**
 * The service whose client package throws errors of this name, such as `"entraId"` for
 * `CredentialUnavailableError`.
 *
 * @param name - a thrown error's name.
 */
export function serviceOfErrorName(name: string | undefined): ServiceId | undefined {
  return name === undefined ? undefined : BY_ERROR_NAME.get(name);
}
