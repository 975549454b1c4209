import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { boundedCaptures, excerpt, mentions, serviceSays, waitAsked } from "../match.js";
import type { FailureSignals } from "../../types.js";

/** The service's message, where Key Vault writes the caller, the action and the vault. */
const said = (s: FailureSignals): string => s.serviceMessage ?? s.message;

/** The caller's object id, from `Caller: appid=…;oid=…;iss=…` or `'appid=…;oid=…'`. */
const CALLER_OBJECT_ID = /\boid=([0-9a-f-]{36})\b/i;
const RBAC_ACTION = boundedCaptures(/\bAction: '([^']{1,200})'/);
const ACCESS_POLICY_PERMISSION = /does not have ([a-z]+ [a-z]+) permission/i;
const CLIENT_ADDRESS = /Client address: ([0-9A-Fa-f.:]{2,45})\b/;
const ISSUERS =
  /Expected one of https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/.*found https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\//i;

const callerOf = (s: FailureSignals): string => {
  const oid = CALLER_OBJECT_ID.exec(said(s))?.[1];
  return oid === undefined ? "the caller" : `the caller with object id ${oid}`;
};

const innerIs = (s: FailureSignals, code: string): boolean => s.innerCode === code;

/** Key Vault's data-plane answers: the inner error code first, then its AKV codes and texts. */
export const keyVaultRules = forService("keyVault", [
  rule({
    cause: "keyVaultRbacDenied",
    category: "authorization",
    statuses: [403],
    signal: "403 `Forbidden`, inner code `ForbiddenByRbac`",
    summary:
      "The vault uses Azure role-based access control, and the identity holds no role that allows this action on it.",
    remediation: [
      "Assign the identity a Key Vault data role on the vault (or on the secret, key or certificate): Key Vault Secrets User to read secrets, Key Vault Secrets Officer to write them, Key Vault Crypto User for keys, Key Vault Certificate User for certificates. Owner and Contributor grant no data access.",
      "Check that it is the identity you think: the object id Key Vault names is the one DefaultAzureCredential signed in as.",
      "Role assignments take up to 10 minutes to apply; retry after that.",
    ],
    docs: [DOCS.keyVaultRbac, DOCS.keyVaultErrors],
    match: (s) => {
      if (!innerIs(s, "ForbiddenByRbac")) return false;
      const action = RBAC_ACTION.exec(said(s))?.[1];
      return { detail: `Key Vault denied ${action ?? "the action"} to ${callerOf(s)}.` };
    },
  }),
  rule({
    cause: "keyVaultAccessPolicyDenied",
    category: "authorization",
    statuses: [403],
    signal: "403 `Forbidden`, inner code `AccessDenied` (`does not have secrets get permission`)",
    summary:
      "The vault uses access policies, and the caller's object id has no access policy that allows this operation.",
    remediation: [
      "Under the vault's Access policies, give the identity's object id the permission named in the message (such as Get and List on secrets), or move the vault to Azure role-based access control.",
      "Check that it is the identity you think: the object id Key Vault names is the one the credential signed in as.",
    ],
    docs: [DOCS.keyVaultAccessPolicy, DOCS.keyVaultErrors],
    match: (s) => {
      if (!innerIs(s, "AccessDenied")) return false;
      const permission = ACCESS_POLICY_PERMISSION.exec(said(s))?.[1];
      return {
        detail: `No access policy gives ${callerOf(s)} the ${permission ?? "needed"} permission.`,
      };
    },
  }),
  rule({
    cause: "keyVaultFirewallBlocked",
    category: "network",
    statuses: [403],
    signal: "403 `Forbidden`, inner code `ForbiddenByFirewall` (`Client address is not authorized`)",
    summary:
      "The vault's firewall refused the request: the client's address is not on its list and the caller is not a trusted service, or public network access is disabled.",
    remediation: [
      "Under the vault's Networking page, add the client address Key Vault reported (in the diagnosis's detail) or the client's virtual network, or call from a network linked to the vault's private endpoint.",
      "If the caller is an Azure service, allow trusted Microsoft services to bypass the firewall.",
      "Behind a NAT or proxy, the address Key Vault sees is the public one, not this machine's own.",
    ],
    docs: [DOCS.keyVaultNetwork, DOCS.keyVaultTrustedServices],
    match: (s) => {
      if (!innerIs(s, "ForbiddenByFirewall")) return false;
      // The client's own public address, as the vault reported it: the one address a diagnosis quotes.
      const address = s.clientAddress ?? CLIENT_ADDRESS.exec(said(s))?.[1];
      return { detail: address ? `Key Vault saw this client at ${address}.` : undefined };
    },
  }),
  rule({
    cause: "keyVaultForbiddenByPolicy",
    category: "authorization",
    statuses: [403],
    signal: "403 `Forbidden`, inner code `ForbiddenByPolicy` (on-behalf-of required)",
    summary:
      "The vault's access policy for this caller is a compound identity: it requires the on-behalf-of flow (an application acting for a user), and the request did not use it.",
    remediation: [
      "Give the application its own access policy (or a role), or call with a token obtained on behalf of the user the policy names.",
    ],
    docs: [DOCS.keyVaultErrors, DOCS.keyVaultAccessPolicy],
    match: (s) => innerIs(s, "ForbiddenByPolicy"),
  }),
  rule({
    cause: "keyVaultObjectDisabled",
    category: "configuration",
    statuses: [403],
    signal:
      "403 `Forbidden`, inner code `SecretDisabled` (`Operation get is not allowed on a disabled secret`)",
    summary: "The secret, key or certificate exists but is disabled, so it cannot be read or used.",
    remediation: [
      "Enable it (set its enabled attribute, or Enabled in the portal), or use another version that is enabled.",
    ],
    docs: [DOCS.keyVaultSecrets, DOCS.keyVaultErrors],
    match: (s) =>
      s.status === 403 && ((s.innerCode?.endsWith("Disabled") ?? false) || serviceSays(s, "on a disabled")),
  }),
  rule({
    cause: "keyVaultOperationNotPermitted",
    category: "configuration",
    statuses: [403],
    signal: "403 `Operation decrypt is not permitted on this key`",
    summary: "The key does not permit this operation: its allowed operations (key_ops) leave it out.",
    remediation: [
      "Use a key whose key_ops include the operation (encrypt, decrypt, sign, verify, wrapKey, unwrapKey), or update the key's allowed operations.",
    ],
    docs: [DOCS.keyVaultTroubleshooting, DOCS.keyVaultErrors],
    match: (s) => s.status === 403 && serviceSays(s, "is not permitted on this key"),
  }),
  rule({
    cause: "keyVaultWrongTenant",
    category: "authentication",
    statuses: [401],
    signal: "401 `AKV10032: Invalid issuer`",
    summary: "The token comes from another tenant than the vault's.",
    remediation: [
      "Sign in to the vault's tenant: set the credential's tenantId (or AZURE_TENANT_ID) to the tenant Key Vault expects (in the diagnosis's detail), or sign in again with az login --tenant.",
      "For an app in several tenants, make sure its service principal exists in the vault's tenant.",
    ],
    docs: [DOCS.keyVaultTroubleshooting, DOCS.keyVaultErrors],
    match: (s) => {
      if (!mentions(s, "akv10032")) return false;
      const issuers = ISSUERS.exec(said(s));
      return {
        detail: issuers
          ? `The token is from tenant ${issuers[2]}; the vault expects tenant ${issuers[1]}.`
          : undefined,
      };
    },
  }),
  rule({
    cause: "keyVaultTokenInvalid",
    category: "authentication",
    statuses: [401],
    signal: "401 to a request with a token (`AKV10022: Invalid audience`, an expired token)",
    summary: "Key Vault refused the token: it is for another audience, or has expired.",
    remediation: [
      "Ask for a token for https://vault.azure.net/.default (the client does by default), or the vault's sovereign-cloud audience.",
      "Check this machine's clock, and that the credential does not hand out a cached token after its expiry.",
    ],
    docs: [DOCS.keyVaultErrors, DOCS.keyVaultTroubleshooting],
    confidence: "inferred",
    match: (s) =>
      s.status === 401 && s.credential === "bearer"
        ? { detail: `Key Vault said: ${excerpt(said(s))}` }
        : false,
  }),
  rule({
    cause: "keyVaultDeletedButRecoverable",
    category: "request",
    statuses: [409],
    signal: "409 `Conflict`, inner code `ObjectIsDeletedButRecoverable`",
    summary:
      "An object of that name is deleted but still recoverable (soft delete), so the name cannot be used again until it is recovered or purged.",
    remediation: [
      "Recover it (beginRecoverDeletedSecret, or Recover in the portal's Manage deleted secrets), or purge it (purgeDeletedSecret) if nothing needs it, then retry.",
    ],
    docs: [DOCS.keyVaultSoftDelete],
    match: (s) =>
      innerIs(s, "ObjectIsDeletedButRecoverable") || serviceSays(s, "deleted but recoverable state"),
  }),
  rule({
    cause: "keyVaultObjectNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `SecretNotFound`, `KeyNotFound`, `CertificateNotFound`",
    summary:
      "The vault has no secret, key or certificate of that name (or version): the name is wrong, it was deleted, or the client points to another vault.",
    remediation: [
      "Check the name and the vault URL; if it was deleted recently, recover it from the vault's deleted objects.",
    ],
    docs: [DOCS.keyVaultSoftDelete, DOCS.keyVaultErrors],
    match: (s) => s.status === 404 && (s.serviceCode?.endsWith("NotFound") ?? false),
  }),
  rule({
    cause: "keyVaultThrottled",
    category: "throttling",
    statuses: [429],
    signal: "429 `Throttled`",
    summary:
      "Key Vault is throttling the requests: the vault, or the subscription in its region, is over its limits.",
    remediation: [
      "Let the client retry after Retry-After (it does by default), and cache secrets in the application instead of reading them on every use.",
      "Spread the load over time, or over several vaults.",
    ],
    docs: [DOCS.keyVaultThrottling],
    retryable: true,
    match: (s) => (s.status === 429 ? waitAsked(s, "Key Vault") : false),
  }),
]);
