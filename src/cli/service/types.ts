import type { CloudName } from "../cloud.js";

/** The operation the command's call reports, which decides the role it needs. */
export type CallOperation = "documentCount" | "serviceStatistics";

/** The search service's settings as Resource Manager returned them: no key, no secret. */
export interface SearchServiceConfiguration {
  /** The pricing tier (`sku.name`), such as `basic` or `standard`. */
  sku?: string;
  /** `authOptions`: `apiKeyOnly`, `aadOrApiKey`, or absent (API keys only unless `disableLocalAuth`). */
  authOptions?: "apiKeyOnly" | "aadOrApiKey";
  /** `authOptions.aadOrApiKey.aadAuthFailureMode`: `http403` or `http401WithBearerChallenge`. */
  aadAuthFailureMode?: string;
  /** `disableLocalAuth`: true when API keys are refused. */
  disableLocalAuth: boolean;
  /** Whether the data plane accepts api-keys and Microsoft Entra ID tokens, as the two settings above make it. */
  accepts: { apiKeys: boolean; entraTokens: boolean };
  /** `publicNetworkAccess`: `enabled`, `disabled` or `securedByPerimeter`. */
  publicNetworkAccess?: string;
  /** `networkRuleSet.ipRules`: the addresses and ranges allowed in while public access is enabled. */
  ipRules: string[];
  /** `networkRuleSet.bypass`: `None` or `AzureServices`. */
  bypass?: string;
  /** `privateEndpointConnections`: each private endpoint and the state of its connection. */
  privateEndpoints: { name?: string; privateEndpointId?: string; status?: string }[];
  /** `encryptionWithCmk.enforcement`: `Enabled`, `Disabled` or `Unspecified`. */
  cmkEnforcement?: string;
  /** `encryptionWithCmk.encryptionComplianceStatus`. */
  cmkCompliance?: string;
  /** `semanticSearch`: `disabled`, `free` or `standard` (absent when the tier has no semantic ranker). */
  semanticSearch?: string;
}

/** One role assignment of the signed-in principal that applies to the service. */
export interface RoleAssignmentFact {
  /** The role's name, such as `Search Index Data Reader`. */
  role: string;
  /** The role definition's id (its GUID name). */
  roleDefinitionId: string;
  /** Where it is assigned. */
  scope: string;
  /** Which of the service's scopes that is. */
  scopeKind: "service" | "index" | "resourceGroup" | "subscription" | "managementGroup" | "root";
  /** Whether it is assigned to a group the principal belongs to rather than to the principal itself. */
  viaGroup: boolean;
}

/** The signed-in principal's roles on the service, and what the call's operation needs. */
export interface RolesSection {
  /** Whether the assignments were read. */
  read: boolean;
  /** Why they were not, one line. */
  reason?: string;
  /** The assignments on the service and its parents (and on the index, for a document count). */
  assignments: RoleAssignmentFact[];
  /** The Search data roles among them. */
  searchDataRoles: string[];
  /** The call's operation. */
  operation: CallOperation;
  /** The roles of which the operation needs one, the one to assign first. */
  operationNeeds: string[];
  /** Whether one of the assignments grants the operation. */
  holdsNeeded: boolean;
}

/** The signed-in principal, read from its Resource Manager token's claims. */
export interface PrincipalFacts {
  objectId?: string;
  tenantId?: string;
  /** `app` (service principal, managed identity) or `user`. */
  type?: string;
}

/** What the command read about the search service through Resource Manager: the JSON report's `service`. */
export interface ServiceSection {
  /** Whether the service's configuration was read. */
  read: boolean;
  /** Why it was not, one line. */
  reason?: string;
  /** The cloud of the run. */
  cloud: CloudName;
  /** The Resource Manager endpoint the reads went to. */
  resourceManager: string;
  /** How the resource was found: a Resource Graph query by endpoint, or `--resource-id`. */
  foundBy?: "resourceGraph" | "resourceId";
  resourceId?: string;
  /** The tenant that holds the service's subscription. */
  tenantId?: string;
  /** Where the tenant was learnt. */
  tenantSource?: string;
  location?: string;
  configuration?: SearchServiceConfiguration;
  principal?: PrincipalFacts;
  roles?: RolesSection;
  /** What the endpoint's host resolves to from here, read when public network access is not enabled. */
  endpointAddresses?: string[];
}
