import { appConfigurationRules } from "./appConfiguration/refusals.js";
import { appConfigurationSdkRules } from "./appConfiguration/sdk.js";
import { defineCatalog } from "./define.js";
import { keyVaultRules } from "./keyVault/codes.js";
import { keyVaultSdkRules } from "./keyVault/sdk.js";
import { resourceManagerRules } from "./resourceManager/codes.js";
import { encryptionKeyRules } from "./search/encryptionKeys.js";
import { searchEndpointFindings } from "./search/endpoint.js";
import { searchSdkRules } from "./search/sdk.js";
import { searchServiceFindings } from "./search/service.js";
import { searchStatusRules } from "./search/statuses.js";
import { searchTextRules } from "./search/texts.js";
import { gatewayRules } from "./shared/gateway.js";
import { httpRules } from "./shared/http.js";
import { entraRules, identityRules } from "./shared/identity.js";
import { networkRules } from "./shared/network.js";
import { neutralRules } from "./shared/neutral.js";
import { proxyRules } from "./shared/proxy.js";
import { tlsFindings, tlsRules } from "./shared/tls.js";
import { storageRules } from "./storage/codes.js";

/**
 * The built-in causes, in the order they are tried: thrown errors first (plain HTTP, TLS, proxies, the
 * network, credentials), with what a TLS gateway or a proxy answers in the service's place beside them
 * (a proxy's refusal must never read as the service's), then what services say in so many words (their
 * codes and texts), then other foreign answers, then what status and context alone say, then the errors
 * clients make of their own, then the neutral last resort. A service's entries are tried only on its
 * own failures; the first entry whose `match` accepts a failure explains it. The entries without
 * `match` at the end are findings the preflight and the command name by id.
 */
export const catalog = defineCatalog([
  ...httpRules,
  ...tlsRules,
  ...proxyRules,
  ...networkRules,
  ...entraRules,
  ...identityRules,
  ...encryptionKeyRules,
  ...searchTextRules,
  ...storageRules,
  ...keyVaultRules,
  ...appConfigurationRules,
  ...resourceManagerRules,
  ...gatewayRules,
  ...searchStatusRules,
  ...searchSdkRules,
  ...keyVaultSdkRules,
  ...appConfigurationSdkRules,
  ...neutralRules,
  ...tlsFindings,
  ...searchEndpointFindings,
  ...searchServiceFindings,
]);

/**
 * The id of a built-in cause, such as `"invalidApiKey"` or `"tlsUntrustedCertificate"`: a contract,
 * like a Node.js error code. A rule of your own may use any other string.
 */
export type CauseId = (typeof catalog)[number]["cause"];
