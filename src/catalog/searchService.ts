import type { DiagnosisRule } from "../diagnosis.js";
import { DOCS } from "./docs.js";

/**
 * A response alone cannot show these causes: `azure-sdk-doctor --entra` names them after reading the
 * service's settings through Resource Manager, or the token it sent, and joining them with the failure.
 */
const toldByTheCommand = (): boolean => false;

/** Azure AI Search causes that the service's configuration or the token's claims make exact. */
export const searchServiceRules: readonly DiagnosisRule[] = [
  {
    cause: "apiKeysDisabled",
    category: "authentication",
    statuses: [403],
    signal:
      "empty 403 to an api-key on a service whose `disableLocalAuth` is true (`azure-sdk-doctor --entra`)",
    summary:
      "The service refuses every api-key: key authentication is disabled on it (disableLocalAuth), so it accepts Microsoft Entra ID tokens only.",
    remediation: [
      "Sign in with Microsoft Entra ID instead of a key: pass a credential from @azure/identity (DefaultAzureCredential) to the client, and give its identity a Search role on the service.",
      "Or turn API keys back on: set API access control to API keys or Both (Settings > Keys in the portal, or authOptions in the management API).",
    ],
    docs: [DOCS.enableRoles, DOCS.keyless],
    match: toldByTheCommand,
  },
  {
    cause: "tokenAudienceMismatch",
    category: "authentication",
    statuses: [401, 403],
    signal:
      "401 or 403 to a token whose `aud` claim is not the cloud's search audience (`azure-sdk-doctor --entra`)",
    summary:
      "The Microsoft Entra token was issued for another audience than Azure AI Search in the service's cloud, so the service refuses it.",
    remediation: [
      "Ask for a token for the search audience of the service's cloud: set the client's audience option to https://search.azure.com (https://search.azure.us in Azure Government, https://search.azure.cn in Azure China).",
      "If the token comes from a credential of your own, request the scope <audience>/.default for it.",
    ],
    docs: [DOCS.keyless, DOCS.enableRoles],
    match: toldByTheCommand,
  },
  {
    cause: "tokenTenantMismatch",
    category: "authentication",
    statuses: [401, 403],
    signal:
      "401 or 403 to a token whose `tid` claim is not the service's tenant (`azure-sdk-doctor --entra`)",
    summary:
      "The Microsoft Entra token was issued by another tenant than the one that holds the search service's subscription.",
    remediation: [
      "Sign in to the service's tenant: set AZURE_TENANT_ID (or tenantId in the credential's options) to the tenant of the service's subscription.",
      "For a user who is a guest in that tenant, sign in to it explicitly: `az login --tenant <tenant id>`.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.keyless],
    match: toldByTheCommand,
  },
  {
    cause: "tokenExpired",
    category: "authentication",
    statuses: [401, 403],
    signal: "401 or 403 to a token whose `exp` claim has passed (`azure-sdk-doctor --entra`)",
    summary: "The Microsoft Entra token had expired when it was sent.",
    remediation: [
      "Check this machine's date and time against a time server: a clock that is off makes fresh tokens look expired, or expired ones look fresh.",
      "If the token comes from a credential of your own that caches tokens, ask for a new one before the expiresOnTimestamp it returned.",
    ],
    docs: [DOCS.identityTroubleshooting],
    match: toldByTheCommand,
  },
];
