import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";

/**
 * Azure AI Search causes a response alone cannot show: `azure-sdk-doctor --entra` names them by id after
 * reading the service's settings through Resource Manager, or the token it sent, and joining them with
 * the call's failure.
 */
export const searchServiceFindings = forService("search", [
  rule({
    cause: "apiKeysDisabled",
    category: "authentication",
    signal:
      "empty 403 to an api-key on a service whose `disableLocalAuth` is true (`azure-sdk-doctor --entra`)",
    summary:
      "The service refuses every api-key: key authentication is disabled on it (disableLocalAuth), so it accepts Microsoft Entra ID tokens only.",
    remediation: [
      "Sign in with Microsoft Entra ID instead of a key: pass a credential from @azure/identity (DefaultAzureCredential) to the client, and give its identity a Search role on the service.",
      "Or turn API keys back on: set API access control to API keys or Both (Settings > Keys in the portal, or authOptions in the management API).",
    ],
    docs: [DOCS.enableRoles, DOCS.keyless],
  }),
  rule({
    cause: "tokenAudienceMismatch",
    category: "authentication",
    signal:
      "401 or 403 to a token whose `aud` claim is not the cloud's search audience (`azure-sdk-doctor --entra`)",
    summary:
      "The Microsoft Entra token was issued for another audience than Azure AI Search in the service's cloud, so the service refuses it.",
    remediation: [
      "Ask for a token for the search audience of the service's cloud: set the client's audience option to https://search.azure.com (https://search.azure.us in Azure Government, https://search.azure.cn in Azure China).",
      "If the token comes from a credential of your own, request the scope <audience>/.default for it.",
    ],
    docs: [DOCS.keyless, DOCS.enableRoles],
  }),
  rule({
    cause: "tokenTenantMismatch",
    category: "authentication",
    signal:
      "401 or 403 to a token whose `tid` claim is not the service's tenant (`azure-sdk-doctor --entra`)",
    summary:
      "The Microsoft Entra token was issued by another tenant than the one that holds the search service's subscription.",
    remediation: [
      "Sign in to the service's tenant: set AZURE_TENANT_ID (or tenantId in the credential's options) to the tenant of the service's subscription.",
      "For a user who is a guest in that tenant, sign in to it explicitly: `az login --tenant <tenant id>`.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.keyless],
  }),
  rule({
    cause: "tokenExpired",
    category: "authentication",
    signal: "401 or 403 to a token whose `exp` claim has passed (`azure-sdk-doctor --entra`)",
    summary: "The Microsoft Entra token had expired when it was sent.",
    remediation: [
      "Check this machine's date and time against a time server: a clock that is off makes fresh tokens look expired, or expired ones look fresh.",
      "If the token comes from a credential of your own that caches tokens, ask for a new one before the expiresOnTimestamp it returned.",
    ],
    docs: [DOCS.identityTroubleshooting],
  }),
]);
