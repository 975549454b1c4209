import { rule } from "../define.js";
import { DOCS } from "../docs.js";

/** `@azure/identity` errors that say no credential could be used here. */
export const UNAVAILABLE_ERRORS: ReadonlySet<string> = new Set([
  "CredentialUnavailableError",
  "AggregateAuthenticationError",
]);

/** Failures of `@azure/identity` to get a token, before any request reached the service. */
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
    docs: [DOCS.identityTroubleshooting],
    match: (s) => s.errorName !== undefined && UNAVAILABLE_ERRORS.has(s.errorName),
  }),
  rule({
    cause: "tokenRequestFailed",
    category: "authentication",
    signal: "AuthenticationError (AADSTS codes), AuthenticationRequiredError",
    summary: "Microsoft Entra ID refused to issue a token for the credential this client uses.",
    remediation: [
      "Read the AADSTS code in the error message: it says whether the tenant, the client id, the secret or the certificate is wrong.",
      "Check that the client secret or certificate has not expired in the app registration.",
    ],
    docs: [DOCS.identityTroubleshooting],
    match: (s) => s.errorName === "AuthenticationError" || s.errorName === "AuthenticationRequiredError",
  }),
];
