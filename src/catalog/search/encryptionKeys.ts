import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { serviceSays } from "../match.js";

/** The statuses the six configuration texts come with, as documented: 400, or 403. */
const CONFIGURATION_STATUSES = [400, 403] as const;

const CACHE_NOTE =
  "The service caches keys for up to 60 minutes, so a fix in Key Vault can take that long to show.";

/**
 * Customer-managed encryption keys in Azure Key Vault: the six configuration texts the service
 * returns on index create and update, and the revoked-key answer.
 */
export const encryptionKeyRules = forService("search", [
  rule({
    cause: "keyVaultAccessDenied",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`Access to the required key vault permissions was denied`",
    summary: "The search service's identity cannot use the encryption key in Key Vault.",
    remediation: [
      "Give the search service's managed identity (or the application in the encryption key settings) the Key Vault Crypto Service Encryption User role on the key, or an access policy with get, wrap key and unwrap key.",
      "If the vault has a firewall, allow trusted Microsoft services to bypass it.",
      CACHE_NOTE,
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "access to the required key vault permissions was denied"),
  }),
  rule({
    cause: "keyVaultUriUnresolved",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`Could not resolve the key vault uri`",
    summary: "The Key Vault URI in the encryption key settings is wrong, or the vault no longer exists.",
    remediation: [
      "Check vaultUrl in the index's encryptionKey (SearchResourceEncryptionKey): it must be https://<vault>.vault.azure.net of an existing vault.",
      "If the vault was deleted, recover it (soft delete keeps it) or point the index at another vault.",
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "could not resolve the key vault uri"),
  }),
  rule({
    cause: "keyVaultKeyNotFound",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`The key cannot be found`",
    summary: "The key named in the encryption key settings, or its version, is not in the vault.",
    remediation: [
      "Check keyName and keyVersion in the index's encryptionKey against the keys and versions in the vault.",
      "If the key was deleted, recover it: purge protection and soft delete must be on for customer-managed keys.",
      CACHE_NOTE,
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "the key cannot be found"),
  }),
  rule({
    cause: "managedIdentityNotDefined",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`Service does not have a managed identity defined`",
    summary: "The encryption key settings use the service's managed identity, but the service has none.",
    remediation: [
      "Turn on the system-assigned managed identity of the search service (Identity in the portal), or assign the user-assigned identity the index names.",
      "Then give that identity access to the key in Key Vault.",
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "service does not have a managed identity defined"),
  }),
  rule({
    cause: "applicationIdInvalid",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`The provided application id is invalid`",
    summary: "The Microsoft Entra application named in the encryption key settings no longer exists.",
    remediation: [
      "Check applicationId in the index's encryptionKey against the app registrations of the tenant.",
      "Prefer the service's managed identity over an application and secret: there is then no secret to rotate.",
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "the provided application id is invalid"),
  }),
  rule({
    cause: "applicationSecretInvalid",
    category: "encryptionKey",
    statuses: CONFIGURATION_STATUSES,
    signal: "`The provided application secret is invalid`",
    summary: "The application secret in the encryption key settings is wrong, expired or rotated.",
    remediation: [
      "Create a new client secret for the application and update applicationSecret in the index's encryptionKey.",
      "Prefer the service's managed identity over an application and secret: there is then no secret to rotate.",
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "the provided application secret is invalid"),
  }),
  rule({
    cause: "encryptionKeyRevoked",
    category: "encryptionKey",
    signal: "`The query key used might have been revoked`",
    summary:
      "The service can no longer decrypt the index: its encryption key was revoked, disabled or deleted.",
    remediation: [
      "Re-enable or recover the key (or restore the service's access to it) in Key Vault.",
      CACHE_NOTE,
    ],
    docs: [DOCS.customerManagedKeys],
    match: (s) => serviceSays(s, "might have been revoked"),
  }),
]);
