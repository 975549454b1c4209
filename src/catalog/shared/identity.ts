import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { mentions } from "../match.js";
import type { FailureSignals } from "../../types.js";

/** `@azure/identity` errors that say no credential could be used here. */
export const UNAVAILABLE_ERRORS: ReadonlySet<string> = new Set([
  "CredentialUnavailableError",
  "AggregateAuthenticationError",
]);

/**
 * The statuses a refused token request comes with: none (MSAL's errors, `AuthenticationRequiredError`),
 * or EnvironmentCredential's synthetic 400.
 */
const TOKEN_STATUSES = [null, 400] as const;

/** A token request Microsoft Entra ID refused with one of these codes (`AADSTS` and its number). */
function entraSays(...codes: readonly number[]): (s: FailureSignals) => false | { detail: string } {
  const known = new Set(codes.map((code) => `AADSTS${code}`));
  return (s) =>
    s.entraCode !== undefined && known.has(s.entraCode) ? { detail: entraDetail(s.entraCode) } : false;
}

/** An unknown tenant, as Entra ID answers it (made once: a match runs for every failure it may explain). */
const tenantNotFound = entraSays(90002, 900023);

/** The code, and where Microsoft Entra ID explains it. */
function entraDetail(code: string): string {
  // Entra ID's own lookup page takes the code's number; a `code=` parameter would read as a function key.
  return `Microsoft Entra ID answered ${code} (look up ${code.slice(6)} at https://login.microsoftonline.com/error).`;
}

/** Which credential a line of DefaultAzureCredential's (or any chain's) message speaks of, by a phrase of it. */
const CHAIN_CREDENTIALS: readonly [readonly string[], string][] = [
  [["environmentcredential"], "EnvironmentCredential"],
  [["workloadidentitycredential"], "WorkloadIdentityCredential"],
  [["managedidentitycredential"], "ManagedIdentityCredential"],
  [["visual studio code"], "VisualStudioCodeCredential"],
  [["azure developer cli", "azuredeveloperclicredential", "azd auth login"], "AzureDeveloperCliCredential"],
  [["azure cli", "azureclicredential", "az login"], "AzureCliCredential"],
  [["powershell"], "AzurePowerShellCredential"],
  [["broker", "interactivebrowsercredential"], "BrokerCredential"],
];

/** Why a credential of the chain was unavailable, in a few words, by a phrase of its line. */
const CHAIN_REASONS: readonly [readonly string[], string][] = [
  [
    ["could not be found", "couldn't be found", "unable to execute", "not installed", "command not found"],
    "not installed",
  ],
  [
    ["network unreachable", "endpoint is unavailable", "no available identity", "no managed identity"],
    "no managed identity",
  ],
  [["az login", "azd auth login", "connect-azaccount", "not logged in", "please run"], "not signed in"],
  [["extension", "signed into azure"], "not signed in"],
  [
    ["no underlying credential", "required parameters", "not configured", "missing", "is unavailable"],
    "not configured",
  ],
];

const CHAIN_LINE_START = "credentialunavailableerror: ";

/** The word of the first entry of a table whose phrases the line holds. */
function found(table: readonly [readonly string[], string][], line: string): string | undefined {
  for (const [phrases, word] of table) {
    for (const phrase of phrases) if (line.includes(phrase)) return word;
  }
  return undefined;
}

/**
 * The credentials a chain tried and why each was unavailable, from the error's message, without the
 * `Credential` every name ends with: `Credentials tried: Environment (not configured), AzureCli (not installed).`
 * A message with no line of the chain's (`CredentialUnavailableError: ...`) is read as one line.
 */
function chainDetail(message: string): string | undefined {
  const text = message.toLowerCase();
  let tried = "";
  let chained = false;
  if (text.includes(CHAIN_LINE_START)) {
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line.startsWith(CHAIN_LINE_START)) continue;
      chained = true;
      tried = withTried(tried, line);
    }
  }
  if (!chained) tried = withTried(tried, text);
  return tried === "" ? undefined : `Credentials tried: ${tried}.`;
}

/** The list of credentials tried, with the one a line speaks of, if any. */
function withTried(tried: string, line: string): string {
  const name = found(CHAIN_CREDENTIALS, line);
  if (name === undefined) return tried;
  const short = name.endsWith(CREDENTIAL) ? name.slice(0, -CREDENTIAL.length) : name;
  const entry = `${short} (${found(CHAIN_REASONS, line) ?? "unavailable"})`;
  return tried === "" ? entry : `${tried}, ${entry}`;
}

/** What every name of {@link CHAIN_CREDENTIALS} ends with. */
const CREDENTIAL = "Credential";

/**
 * Microsoft Entra ID's refusals of a token request, by their AADSTS codes: the failures of every
 * client's credential, which the signals put on Entra ID's account whichever client was waiting.
 */
export const entraRules = forService("entraId", [
  rule({
    cause: "entraClientSecretInvalid",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS7000215` (invalid client secret)",
    summary:
      "Microsoft Entra ID refused the client secret: it is not a current secret of the app registration, often because the secret's ID was copied instead of its value.",
    remediation: [
      "In the app registration, under Certificates & secrets, add a client secret and copy its Value (shown once), not its Secret ID.",
      "Give that value to the credential (AZURE_CLIENT_SECRET for EnvironmentCredential and DefaultAzureCredential, or ClientSecretCredential's clientSecret), then restart the process.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.entraErrorCodes],
    match: entraSays(7000215),
  }),
  rule({
    cause: "entraClientSecretExpired",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS7000222` (client secret expired)",
    summary: "The app registration's client secret has expired.",
    remediation: [
      "Add a new client secret to the app registration (Certificates & secrets), put its value where the credential reads it, and restart the process.",
      "Delete the expired secret, and note the new one's expiry date; a managed identity or a federated credential has no secret to expire.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.entraErrorCodes],
    match: entraSays(7000222),
  }),
  rule({
    cause: "entraApplicationNotFound",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS700016` (application not found in the directory)",
    summary:
      "The client id is not an application in the tenant the credential signs in to: the client id or the tenant id is wrong, or the app has no service principal there.",
    remediation: [
      "Compare AZURE_CLIENT_ID (or the clientId you pass) with the Application (client) ID on the app registration's Overview page, and AZURE_TENANT_ID with its Directory (tenant) ID.",
      "For an app registered in another tenant, have an administrator of this tenant consent to it, which creates its service principal here.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.entraErrorCodes],
    match: entraSays(700016),
  }),
  rule({
    cause: "entraTenantNotFound",
    category: "configuration",
    statuses: TOKEN_STATUSES,
    signal:
      "`AADSTS90002`, `AADSTS900023` (tenant not found or not valid); MSAL's `endpoints_resolution_error`",
    summary:
      "The tenant id or domain is not a tenant Microsoft Entra ID knows in this cloud: it is mistyped, or it belongs to a sovereign cloud the credential does not sign in to.",
    remediation: [
      "Check AZURE_TENANT_ID (or the tenantId you pass) against the Directory (tenant) ID in the Azure portal, under Microsoft Entra ID > Overview.",
      "For Azure Government or Azure China, set the credential's authorityHost (or AZURE_AUTHORITY_HOST) to that cloud's sign-in host.",
    ],
    docs: [DOCS.entraErrorCodes, DOCS.identityTroubleshooting],
    match: (s) =>
      tenantNotFound(s) ||
      // MSAL asks for the tenant's OpenID configuration first; Entra ID answers an unknown tenant there.
      (s.errorName === "CredentialUnavailableError" && mentions(s, "endpoints_resolution_error")
        ? {
            confidence: "inferred",
            detail:
              "MSAL could not read the tenant's OpenID configuration (endpoints_resolution_error): a wrong tenant id or authority host, or a sign-in host this machine cannot reach.",
          }
        : false),
  }),
  rule({
    cause: "entraFederatedCredentialMismatch",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS70021`, `AADSTS700211`, `AADSTS700212`, `AADSTS700213`, `AADSTS7002138`",
    summary:
      "The workload's token (a Kubernetes service account, a GitHub Actions or other CI token) matches no federated credential of the app: its issuer, subject or audience differs, and they are compared case-sensitively.",
    remediation: [
      "Open the app registration (or user-assigned managed identity) under Certificates & secrets > Federated credentials, and compare its issuer, subject and audience with the iss, sub and aud claims of the token the workload presents.",
      "On AKS the subject is system:serviceaccount:<namespace>:<service account>, and the issuer is the cluster's OIDC issuer URL; the audience is api://AzureADTokenExchange unless you changed it.",
      "Check that the client id the workload uses (the service account's azure.workload.identity/client-id annotation, or AZURE_CLIENT_ID) is the app that holds that federated credential.",
    ],
    docs: [DOCS.entraWorkloadIdentityFederation, DOCS.entraErrorCodes],
    match: entraSays(70021, 700211, 700212, 700213, 7002138),
  }),
  rule({
    cause: "entraClientAssertionExpired",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS700024` (client assertion not within its valid time range)",
    summary:
      "The client assertion (a workload identity token file, or an assertion signed with a certificate) is outside its valid time range: it expired, is not yet valid, or this machine's clock is off.",
    remediation: [
      "With workload identity, read the projected token file on every token request (WorkloadIdentityCredential does) rather than once at start-up: the kubelet rotates it.",
      "Check this machine's clock: synchronise it with NTP.",
    ],
    docs: [DOCS.entraCertificateCredentials, DOCS.entraErrorCodes],
    match: entraSays(700024),
  }),
  rule({
    cause: "entraCertificateInvalid",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS700027` (client assertion failed signature validation)",
    summary:
      "The client assertion is not signed with a certificate the app registration holds: the certificate was replaced, expired or never uploaded, or the private key is another one.",
    remediation: [
      "Upload the certificate's public part (.cer or .pem) to the app registration under Certificates & secrets, and compare its thumbprint with the certificate the credential uses.",
      "Check that the credential reads the certificate with its own private key (ClientCertificateCredential's certificatePath or certificate).",
    ],
    docs: [DOCS.entraCertificateCredentials, DOCS.entraErrorCodes],
    match: entraSays(700027),
  }),
  rule({
    cause: "entraResourceNotFound",
    category: "configuration",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS500011` (resource principal not found in the tenant)",
    summary:
      "The token was asked for a resource (audience) that has no service principal in the tenant: the scope is wrong, or it is another cloud's audience.",
    remediation: [
      "Check the scope the client asks for, https://<resource>/.default: a client's audience option (Storage's, App Configuration's, Search's) sets it.",
      "In Azure Government or Azure China, set the client's audience to that cloud's resource, such as https://vault.usgovcloudapi.net for Key Vault.",
    ],
    docs: [DOCS.entraErrorCodes, DOCS.identityTroubleshooting],
    match: entraSays(500011),
  }),
  rule({
    cause: "entraInvalidScope",
    category: "configuration",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS70011` (the scope is not valid)",
    summary:
      "The scope asked for is not valid: an app's credentials need a scope ending in /.default, and a scope must name one resource.",
    remediation: [
      "Ask for https://<resource>/.default, such as https://storage.azure.com/.default, with one resource per token request.",
    ],
    docs: [DOCS.entraErrorCodes],
    match: entraSays(70011),
  }),
  rule({
    cause: "entraInteractionRequired",
    category: "authentication",
    statuses: TOKEN_STATUSES,
    signal: "`AADSTS50076`, `AADSTS50079`, `AADSTS50158`, `AADSTS53000`, `AADSTS53001`, `AADSTS53003`",
    summary:
      "The sign-in needs multi-factor authentication or a compliant device, or Conditional Access blocks it: a credential that cannot ask the user cannot satisfy it.",
    remediation: [
      "On a developer machine, sign in again interactively (az login, azd auth login, or Visual Studio Code) and complete the prompts.",
      "For code that runs unattended, use a managed identity or a service principal, which user MFA policies do not apply to.",
      "If Conditional Access blocks the sign-in, an administrator can find the reason in the Entra ID sign-in logs under the request's correlation id.",
    ],
    docs: [DOCS.entraConditionalAccess, DOCS.entraErrorCodes],
    match: entraSays(50076, 50079, 50158, 53000, 53001, 53003),
  }),
]);

/** Failures of `@azure/identity` that no AADSTS code explains, before any request reached the service. */
export const identityRules = [
  rule({
    cause: "credentialUnavailable",
    category: "authentication",
    signal: "CredentialUnavailableError, AggregateAuthenticationError",
    summary:
      "@azure/identity could not get a token: none of the credentials it tried is set up on this machine.",
    remediation: [
      "Read the error message above: it names each credential that was tried and why it was unavailable.",
      "On a developer machine, sign in with `az login` (or azd, or Visual Studio Code) for DefaultAzureCredential to pick up.",
      "In Azure, enable a managed identity on the compute resource; elsewhere set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate) for a service principal.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.identityCredentialChains],
    match: (s) =>
      s.errorName !== undefined && UNAVAILABLE_ERRORS.has(s.errorName)
        ? { detail: chainDetail(s.message) }
        : false,
  }),
  rule({
    cause: "tokenRequestFailed",
    category: "authentication",
    signal: "AuthenticationError, AuthenticationRequiredError (an AADSTS code without a cause of its own)",
    summary: "Microsoft Entra ID refused to issue a token for the credential this client uses.",
    remediation: [
      "Read the AADSTS code in the error message: it says whether the tenant, the client id, the secret or the certificate is wrong.",
      "Check that the client secret or certificate has not expired in the app registration.",
    ],
    docs: [DOCS.identityTroubleshooting, DOCS.entraErrorCodes],
    match: (s) =>
      s.errorName === "AuthenticationError" || s.errorName === "AuthenticationRequiredError"
        ? { detail: s.entraCode === undefined ? undefined : entraDetail(s.entraCode) }
        : false,
  }),
];
