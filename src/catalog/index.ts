import type { DiagnosisRule } from "../diagnosis.js";
import { gatewayRules } from "./gateway.js";
import { identityRules } from "./identity.js";
import { keyVaultRules } from "./keyVault.js";
import { networkRules } from "./network.js";
import { preflightRules } from "./preflight.js";
import { searchSdkRules, searchStatusRules, searchTextRules } from "./search.js";
import { searchServiceRules } from "./searchService.js";
import { httpRules, tlsRules } from "./tls.js";

/**
 * The built-in causes, in the order they are tried: thrown errors first (credentials, plain HTTP,
 * TLS, network), then service texts, then foreign answers, then what status and context alone say.
 * The first entry whose `match` accepts a failure explains it.
 */
export const catalog: readonly DiagnosisRule[] = Object.freeze([
  ...identityRules,
  ...httpRules,
  ...tlsRules,
  ...networkRules,
  ...keyVaultRules,
  ...searchTextRules,
  ...gatewayRules,
  ...searchStatusRules,
  ...searchSdkRules,
  ...searchServiceRules,
  ...preflightRules,
]);
