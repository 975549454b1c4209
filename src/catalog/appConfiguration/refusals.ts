import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { isEmptyAnswer, waitAsked } from "../match.js";
import type { FailureSignals } from "../../types.js";

/**
 * App Configuration 1.13 throws every failure as `Unexpected status code: N`: the reason is only in the
 * `WWW-Authenticate` challenge (access keys), the problem+json `type` (network rules), or the status and
 * the credential alone (roles). These entries read those.
 */
const describes = (s: FailureSignals, ...reasons: readonly string[]): boolean => {
  const description = s.challengeDescription?.toLowerCase();
  return description !== undefined && reasons.some((reason) => description.includes(reason));
};

/** The challenge's own words, when it gave some. */
const challengeSaid = (s: FailureSignals): string | undefined =>
  s.challengeDescription === undefined ? undefined : `App Configuration said: "${s.challengeDescription}".`;

const problemIs = (s: FailureSignals, ...types: readonly string[]): boolean =>
  s.problemType !== undefined && types.some((type) => s.problemType!.endsWith(`/errors/${type}`));

const WRITE_METHODS: ReadonlySet<string | undefined> = new Set(["PUT", "PATCH", "DELETE", "POST"]);

/** App Configuration's refusals, told apart by their challenge, problem type and credential. */
export const appConfigurationRules = forService("appConfiguration", [
  rule({
    cause: "appConfigSignatureInvalid",
    category: "authentication",
    statuses: [401],
    signal: '401, `WWW-Authenticate: HMAC-SHA256 error_description="Invalid Signature"`',
    summary:
      "The store refused the access key's signature: the connection string's Secret is not the current secret of its Id, usually because the keys were regenerated.",
    remediation: [
      "Copy a current connection string from the store's Access settings page (Access keys) and restart the process with it.",
      "Prefer a Microsoft Entra credential with the App Configuration Data Reader role: it has no secret to rotate.",
    ],
    docs: [DOCS.appConfigHmac],
    match: (s) => (describes(s, "invalid signature", "is required") ? { detail: challengeSaid(s) } : false),
  }),
  rule({
    cause: "appConfigCredentialUnknown",
    category: "authentication",
    statuses: [401],
    signal: '401, `WWW-Authenticate: HMAC-SHA256 error_description="Invalid Credential"`',
    summary:
      "The store does not know the connection string's access key Id: the keys were regenerated, or access key authentication is disabled on the store (which deletes its keys).",
    remediation: [
      "Copy a current connection string from the store's Access settings page, if access keys are enabled there.",
      "If access keys are disabled on purpose, use a Microsoft Entra credential (new AppConfigurationClient(endpoint, credential)) with the App Configuration Data Reader or Data Owner role.",
    ],
    docs: [DOCS.appConfigDisableKeys, DOCS.appConfigHmac],
    match: (s) => (describes(s, "invalid credential") ? { detail: challengeSaid(s) } : false),
  }),
  rule({
    cause: "appConfigClockSkew",
    category: "authentication",
    statuses: [401],
    signal: '401 to an access key, `error_description="The access token has expired"`',
    summary:
      "The store refused the signed request as too old or too new: this machine's clock is more than 15 minutes off the store's.",
    remediation: ["Synchronise this machine's clock with NTP, then retry."],
    docs: [DOCS.appConfigHmac],
    match: (s) =>
      s.credential !== "bearer" && describes(s, "access token has expired", "invalid access token date")
        ? { detail: challengeSaid(s) }
        : false,
  }),
  rule({
    cause: "appConfigTokenInvalid",
    category: "authentication",
    statuses: [401],
    signal: '401 to a token, `WWW-Authenticate: Bearer error="invalid_token"`',
    summary:
      "The store refused the Microsoft Entra token: it is for another audience, from another tenant, or expired.",
    remediation: [
      "Ask for a token for the store's audience: set the client's audience option outside the public cloud (https://azconfig.azure.us, https://azconfig.azure.cn).",
      "Check that the credential signs in to the tenant that holds the store, and this machine's clock.",
    ],
    docs: [DOCS.appConfigEntraAuthentication, DOCS.appConfigAudience],
    match: (s) => (s.credential === "bearer" ? { detail: challengeSaid(s) } : false),
  }),
  rule({
    cause: "appConfigNetworkBlocked",
    category: "network",
    statuses: [403],
    signal: "403 problem+json `ip-address-rejected` or `nsp-rejected`",
    summary:
      "The store's network rules refused the request: public network access is disabled or limited and this address does not meet them, or a network security perimeter blocks it.",
    remediation: [
      "Call from a network linked to the store's private endpoint, or allow this address under the store's Networking page.",
      "With a network security perimeter, add an access rule for this caller to the perimeter's profile.",
    ],
    docs: [DOCS.appConfigNetwork],
    match: (s) =>
      problemIs(s, "ip-address-rejected", "nsp-rejected")
        ? {
            detail: `App Configuration answered ${s.problemType!.slice(s.problemType!.lastIndexOf("/") + 1)}.`,
          }
        : false,
  }),
  rule({
    cause: "appConfigRoleMissing",
    category: "authorization",
    statuses: [403],
    signal: "403 with an empty body to a token",
    summary:
      "The Microsoft Entra identity holds no App Configuration data role on the store: Owner and Contributor manage the store but grant no access to its key-values.",
    remediation: [
      "Assign the identity App Configuration Data Reader (to read) or App Configuration Data Owner (to write) on the store.",
      "Role assignments take up to 15 minutes to apply; retry after that.",
    ],
    docs: [DOCS.appConfigAuthorization, DOCS.appConfigRbac],
    match: (s) => s.credential === "bearer" && isEmptyAnswer(s),
  }),
  rule({
    cause: "appConfigReadOnlyKey",
    category: "authorization",
    statuses: [403],
    signal: "403 with an empty body to a write signed with an access key",
    summary: "The connection string is a read-only access key, which cannot change key-values.",
    remediation: [
      "Use a read-write access key's connection string for writes, or a Microsoft Entra credential with App Configuration Data Owner.",
    ],
    docs: [DOCS.appConfigHmac, DOCS.appConfigAuthorization],
    confidence: "inferred",
    match: (s) => s.credential === "hmac" && WRITE_METHODS.has(s.method) && isEmptyAnswer(s),
  }),
  rule({
    cause: "appConfigThrottled",
    category: "throttling",
    statuses: [429],
    signal: "429 (`too-many-requests`, `retry-after-ms`)",
    summary:
      "The store is throttling the requests: its request quota (per hour or per day for the Free and Developer tiers) or burst limit is used up.",
    remediation: [
      "Let the client retry after retry-after-ms (it does by default), and cache settings: load them once and refresh on a sentinel key instead of reading them on every use.",
      "If the quota is the limit, move the store to the Standard or Premium tier.",
    ],
    docs: [DOCS.appConfigRequests],
    retryable: true,
    match: (s) => (s.status === 429 ? waitAsked(s, "App Configuration") : false),
  }),
]);
