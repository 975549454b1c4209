import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { codeIn, excerpt } from "../match.js";
import type { FailureSignals } from "../../types.js";

/** An `AuthenticationErrorDetail` about time: a SAS outside its window, or a request date too far off. */
const TIME_WINDOW =
  /not valid in the specified time frame|signed expiry time|has to be after signed start time|request date header too old|request date.*(?:too old|in the future)|expired/i;

const isTimeWindow = (s: FailureSignals): boolean =>
  s.authenticationDetail !== undefined && TIME_WINDOW.test(s.authenticationDetail);

/** What Storage said about the signature, as one line. */
const storageSaid = (s: FailureSignals): string | undefined =>
  s.authenticationDetail === undefined ? undefined : `Storage said: ${excerpt(s.authenticationDetail, 200)}`;

const ROLE_STEP =
  "With a Microsoft Entra token, assign the identity a data role on the account or container: Storage Blob Data Reader or Contributor (Storage Queue Data ... for queues). Owner and Contributor manage the account but grant no access to its data.";

/**
 * Storage's answers, by their error codes: Azure Storage names every error with a code
 * (`x-ms-error-code`, also on HEAD requests, where the body is empty), the same in Blob, Queue, File
 * and Data Lake; its `AuthenticationErrorDetail` says which part of a signature failed.
 */
export const storageRules = forService("storage", [
  rule({
    cause: "storageSasExpired",
    category: "authentication",
    statuses: [403],
    signal:
      "403 `AuthenticationFailed`, detail `Signature not valid in the specified time frame` or a request date too old",
    summary:
      "Storage refused the signature because of time: the SAS is outside its start and expiry window, or this machine's clock is off by more than Storage allows.",
    remediation: [
      "Compare the SAS's st (start) and se (expiry) with the Current time Storage reports in the detail: issue a new SAS if it expired, and start it a few minutes in the past to allow for clock skew.",
      "Check this machine's clock: synchronise it with NTP; Storage refuses requests dated more than 15 minutes off.",
      "Prefer a user delegation SAS or a Microsoft Entra token over long-lived SAS tokens.",
    ],
    docs: [DOCS.storageSasBestPractices, DOCS.storage403],
    match: (s) => (codeIn(s, "AuthenticationFailed") && isTimeWindow(s) ? { detail: storageSaid(s) } : false),
  }),
  rule({
    cause: "storageAuthenticationFailed",
    category: "authentication",
    statuses: [403],
    signal:
      "403 `AuthenticationFailed` (`The MAC signature found in the HTTP request ... is not the same as any computed signature`)",
    summary:
      "Storage refused the request's signature: the account key is wrong or was rotated, or the SAS is malformed or signed with another key.",
    remediation: [
      "With a shared key, copy a current key from the storage account's Access keys page: keys change when someone rotates them.",
      "With a SAS, issue a new one from a current key (or a user delegation key), and check that its fields (sv, ss, srt, sp, se, sig) reached the request unaltered.",
      "Read Storage's AuthenticationErrorDetail in the error: it says which part of the signature failed.",
    ],
    docs: [DOCS.storage403, DOCS.storageSasErrorCodes],
    match: (s) => {
      if (!codeIn(s, "AuthenticationFailed")) return false;
      if (s.authenticationDetail !== undefined) return { detail: storageSaid(s) };
      // A HEAD request shows the code only: the detail that would tell a key from a time window is missing.
      return {
        confidence: "inferred",
        alternatives: s.credential === "sas" ? ["storageSasExpired"] : [],
      };
    },
  }),
  rule({
    cause: "storageSharedKeyDisabled",
    category: "configuration",
    statuses: [403],
    signal: "403 `KeyBasedAuthenticationNotPermitted`",
    summary:
      "The storage account does not allow shared key authorization, so the account key, and every SAS signed with it, is refused.",
    remediation: [
      "Use a Microsoft Entra credential (DefaultAzureCredential, a managed identity) with a Storage data role, or a user delegation SAS.",
      "Or, if the account should accept keys, enable Allow storage account key access in its Configuration page.",
    ],
    docs: [DOCS.storageSharedKeyPrevent, DOCS.storage403],
    match: (s) => codeIn(s, "KeyBasedAuthenticationNotPermitted"),
  }),
  rule({
    cause: "storagePermissionMismatch",
    category: "authorization",
    statuses: [403],
    signal: "403 `AuthorizationPermissionMismatch`",
    summary:
      "The credential is valid but does not permit this operation: the identity has no Storage data role for it, or the SAS lacks the permission.",
    remediation: [
      ROLE_STEP,
      "Role assignments take up to 10 minutes to apply; retry after that.",
      "With a SAS, include the permission the operation needs in its sp field (r read, w write, d delete, l list, a add, c create).",
    ],
    docs: [DOCS.storageDataRoles, DOCS.storageSasErrorCodes],
    match: (s) => (codeIn(s, "AuthorizationPermissionMismatch") ? { detail: permissionDetail(s) } : false),
  }),
  rule({
    cause: "storageNetworkRuleBlocked",
    category: "network",
    statuses: [403],
    signal: "403 `AuthorizationFailure` (`This request is not authorized to perform this operation.`)",
    summary:
      "The storage account's network rules refused the request: its firewall does not allow this address or network, public network access is disabled, or a network security perimeter blocks it.",
    remediation: [
      "Under the storage account's Networking page, add this machine's public address or virtual network, or call it from an allowed network.",
      "With a private endpoint, check that the account's name resolves to the private address from here (privatelink.blob.core.windows.net): resolving to the public address is refused.",
      "Network rule changes can take a few minutes to apply.",
    ],
    docs: [DOCS.storageNetworkSecurity, DOCS.storagePrivateEndpointDns],
    match: (s) => codeIn(s, "AuthorizationFailure"),
  }),
  rule({
    cause: "storageSourceIpMismatch",
    category: "network",
    statuses: [403],
    signal: "403 `AuthorizationSourceIPMismatch`",
    summary:
      "The SAS allows only certain client addresses (its sip field), and this request came from another.",
    remediation: [
      "Issue the SAS with a sip range that includes this machine's public outbound address, or without sip.",
    ],
    docs: [DOCS.storageSasErrorCodes, DOCS.storage403],
    match: (s) => codeIn(s, "AuthorizationSourceIPMismatch"),
  }),
  rule({
    cause: "storageProtocolMismatch",
    category: "configuration",
    statuses: [403],
    signal: "403 `AuthorizationProtocolMismatch`",
    summary: "The SAS allows HTTPS only (spr=https) and the request used another protocol.",
    remediation: ["Use the account's https:// endpoint."],
    docs: [DOCS.storageSasErrorCodes],
    match: (s) => codeIn(s, "AuthorizationProtocolMismatch"),
  }),
  rule({
    cause: "storageServiceMismatch",
    category: "authorization",
    statuses: [403],
    signal: "403 `AuthorizationServiceMismatch`, `AuthorizationResourceTypeMismatch`",
    summary:
      "The account SAS does not cover this service (its ss field) or this kind of resource (its srt field): a SAS for Blob used on Queue, or one for objects used on a container.",
    remediation: [
      "Issue the SAS with the service in ss (b blob, q queue, f file, t table) and the resource types in srt (s service, c container, o object) this call needs.",
    ],
    docs: [DOCS.storageSasErrorCodes],
    match: (s) =>
      codeIn(s, "AuthorizationServiceMismatch", "AuthorizationResourceTypeMismatch")
        ? { detail: `Storage answered ${s.serviceCode}.` }
        : false,
  }),
  rule({
    cause: "storageTokenInvalid",
    category: "authentication",
    statuses: [401],
    signal: "401 `InvalidAuthenticationInfo` (audience, lifetime or issuer validation failed)",
    summary:
      "Storage refused the Microsoft Entra token: it is for another audience, has expired, or comes from another tenant than the account's.",
    remediation: [
      "Ask for a token for https://storage.azure.com/.default (the client does by default; check its audience option).",
      "Check that the credential signs in to the tenant that holds the storage account, and this machine's clock.",
    ],
    docs: [DOCS.storageErrorCodes, DOCS.storage403],
    match: (s) => (codeIn(s, "InvalidAuthenticationInfo") ? { detail: storageSaid(s) } : false),
  }),
  rule({
    cause: "storageCredentialMissing",
    category: "authentication",
    statuses: [401],
    signal: "401 `NoAuthenticationInformation`",
    summary: "The request carried no credential, and the container or blob is not open to anonymous reads.",
    remediation: [
      "Give the client a credential: a Microsoft Entra credential with a Storage data role, a shared key, or a SAS appended to the URL.",
    ],
    docs: [DOCS.storageErrorCodes, DOCS.storageDataRoles],
    match: (s) => codeIn(s, "NoAuthenticationInformation"),
  }),
  rule({
    cause: "storagePublicAccessNotPermitted",
    category: "configuration",
    statuses: [409, 403],
    signal: "409 `PublicAccessNotPermitted`",
    summary:
      "The storage account does not allow anonymous (public) access, so a container cannot be made public nor read anonymously.",
    remediation: [
      "Read the data with a credential instead of anonymously, or create the container without public access.",
      "Or, if anonymous reads are intended, enable Allow Blob anonymous access in the account's Configuration page.",
    ],
    docs: [DOCS.storageAnonymousAccess, DOCS.storage403],
    match: (s) => codeIn(s, "PublicAccessNotPermitted"),
  }),
  rule({
    cause: "storageAccountDisabled",
    category: "configuration",
    statuses: [403],
    signal: "403 `AccountIsDisabled`",
    summary: "The storage account is disabled, usually because its subscription is disabled or suspended.",
    remediation: [
      "Check the subscription's state in the Azure portal (Subscriptions), and the account's state on its Overview page.",
    ],
    docs: [DOCS.storage403, DOCS.storageErrorCodes],
    match: (s) => codeIn(s, "AccountIsDisabled"),
  }),
  rule({
    cause: "storageAccountReadOnly",
    category: "configuration",
    statuses: [403],
    signal: "403 `InsufficientAccountPermissions`",
    summary:
      "The storage account refuses this kind of operation in its current state: reads or writes are disabled on it.",
    remediation: [
      "Check the account's state and any lock or policy that made it read-only, then retry once writes are allowed again.",
    ],
    docs: [DOCS.storageErrorCodes],
    match: (s) => codeIn(s, "InsufficientAccountPermissions"),
  }),
  rule({
    cause: "storageHttpsRequired",
    category: "configuration",
    statuses: [400],
    signal: "400 `AccountRequiresHttps`",
    summary: "The storage account requires secure transfer, and the request used http://.",
    remediation: ["Use the account's https:// endpoint."],
    docs: [DOCS.storageSecureTransfer],
    match: (s) => codeIn(s, "AccountRequiresHttps"),
  }),
  rule({
    cause: "storageContainerNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `ContainerNotFound` (also `QueueNotFound`, `ShareNotFound`, `FilesystemNotFound`)",
    summary:
      "The container (or queue, file share, file system) does not exist in this account: the name is wrong, it was deleted, or the client points to another account.",
    remediation: [
      "Check the name (lower case) and the account URL; create it first with createIfNotExists() if the code expects it to exist.",
    ],
    docs: [DOCS.storageBlobErrorCodes],
    match: (s) => codeIn(s, "ContainerNotFound", "QueueNotFound", "ShareNotFound", "FilesystemNotFound"),
  }),
  rule({
    cause: "storageBlobNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `BlobNotFound` (also `PathNotFound`)",
    summary:
      "The blob (or path) does not exist in the container: the name is wrong (names are case-sensitive) or it was deleted.",
    remediation: [
      "List the container's blobs (listBlobsFlat) and compare the name, its case and its virtual directories.",
    ],
    docs: [DOCS.storageBlobErrorCodes],
    match: (s) => codeIn(s, "BlobNotFound", "PathNotFound"),
  }),
  rule({
    cause: "storageServerBusy",
    category: "throttling",
    statuses: [503, 500],
    signal: "503 `ServerBusy` (`Ingress is over the account limit`), 500 `OperationTimedOut`",
    summary:
      "Storage is throttling the account or the partition: the request rate or bandwidth is over its scalability targets.",
    remediation: [
      "Let the client retry with exponential backoff (its retryOptions), and spread the load over time.",
      "If it persists, spread data over more partitions (blob names that do not share a prefix) or more accounts.",
    ],
    docs: [DOCS.storageErrorCodes],
    retryable: true,
    match: (s) =>
      codeIn(s, "ServerBusy", "OperationTimedOut")
        ? {
            detail:
              s.serviceMessage || s.message
                ? `Storage said: ${excerpt(s.serviceMessage ?? s.message)}`
                : undefined,
          }
        : false,
  }),
]);

/** What the request's credential lacks, in words, for the kinds that can lack a permission. */
function permissionDetail(s: FailureSignals): string | undefined {
  switch (s.credential) {
    case "sas":
      return "The request carried a SAS: its sp field lacks the permission.";
    case "bearer":
      return "The request carried a Microsoft Entra token: its identity lacks a data role for this operation.";
    default:
      return undefined;
  }
}
