import assert from "node:assert/strict";
import { UNAVAILABLE_ERRORS } from "../../src/catalog/shared/identity.js";
import { describeDomain, diagnosisOfCase, type Failure } from "./tester.js";

/** An `@azure/identity` error as the credential throws it. */
const identityError = (name: string, message: string, extra: object = {}): Error =>
  Object.assign(new Error(message), { name }, extra);

/** What an MSAL-based credential (ClientSecretCredential, WorkloadIdentityCredential) throws for a code. */
const msal = (code: number, text: string, error = "invalid_client"): Error =>
  identityError(
    "AuthenticationRequiredError",
    `${error}: Error(s): ${code} - Timestamp: 2026-11-28 10:00:00Z - Description: AADSTS${code}: ${text}\r\nTrace ID: 0a1b\r\nCorrelation ID: 2c3d\r\nTimestamp: 2026-11-28 10:00:00Z - Correlation ID: 2c3d - Trace ID: 0a1b`,
  );

/** What EnvironmentCredential throws for the same: AuthenticationError with a synthetic 400. */
const environment = (code: number, text: string): Error =>
  identityError(
    "AuthenticationError",
    `EnvironmentCredential authentication failed. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot. Status code: 400\nMore details:\ninvalid_client: Error(s): ${code} - Description: AADSTS${code}: ${text},`,
    { statusCode: 400 },
  );

/** An error that keeps the token endpoint's answer only in its `cause` chain, two levels down. */
const wrapped = (code: number, text: string): Error =>
  Object.assign(new Error("Token acquisition failed."), {
    cause: Object.assign(new Error("The credential failed."), { cause: new Error(`AADSTS${code}: ${text}`) }),
  });

/** The three shapes of one code, and the neighbouring codes a cause must not take. */
function entraCases(codes: readonly number[], text: string, others: readonly number[]) {
  return {
    fits: codes.flatMap((code): Failure[] => [
      { thrown: msal(code, text) },
      { thrown: environment(code, text), service: "keyVault" },
      { thrown: wrapped(code, text) },
    ]),
    doesNotFit: [
      ...others.map((code): Failure => ({ thrown: msal(code, text) })),
      // A code whose digits merely start the same is another code.
      { thrown: msal(Number(`${codes[0]}9`), text) },
      { thrown: new Error(`Error ${codes[0]}: ${text}`) },
    ],
  };
}

describeDomain("identity (every client)", {
  causes: {
    entraClientSecretInvalid: entraCases([7000215], "Invalid client secret provided.", [7000222, 700016]),
    entraClientSecretExpired: entraCases(
      [7000222],
      "The provided client secret keys for app '1b73' are expired.",
      [7000215],
    ),
    entraApplicationNotFound: entraCases(
      [700016],
      "Application with identifier '1b73' was not found in the directory 'contoso'.",
      [90002],
    ),
    entraTenantNotFound: (() => {
      const cases = entraCases([90002, 900023], "Tenant 'contoso.example' not found.", [700016]);
      const discovery =
        "endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details";
      return {
        // What ClientSecretCredential throws when the tenant's OpenID configuration is refused.
        fits: [...cases.fits, { thrown: identityError("CredentialUnavailableError", discovery) }],
        doesNotFit: [
          ...cases.doesNotFit,
          { thrown: identityError("AuthenticationRequiredError", "network_error: timed out") },
        ],
      };
    })(),
    entraFederatedCredentialMismatch: entraCases(
      [70021, 700211, 700212, 700213, 7002138],
      "No matching federated identity record found for presented assertion.",
      [700024, 700027],
    ),
    entraClientAssertionExpired: entraCases(
      [700024],
      "Client assertion is not within its valid time range.",
      [70021],
    ),
    entraCertificateInvalid: entraCases([700027], "Client assertion failed signature validation.", [700024]),
    entraResourceNotFound: entraCases(
      [500011],
      "The resource principal named https://vault.azure.net was not found in the tenant named contoso.",
      [70011],
    ),
    entraInvalidScope: entraCases(
      [70011],
      "The provided value for the input parameter 'scope' is not valid.",
      [500011],
    ),
    entraInteractionRequired: entraCases(
      [50076, 50079, 50158, 53000, 53001, 53003],
      "Due to a configuration change made by your administrator, you must use multi-factor authentication.",
      [50126],
    ),
    credentialUnavailable: {
      fits: [
        ...[...UNAVAILABLE_ERRORS].map((name) => ({
          thrown: identityError(name, `${name}: EnvironmentCredential is unavailable.`),
        })),
        {
          thrown: identityError(
            "AggregateAuthenticationError",
            "ChainedTokenCredential authentication failed.\nCredentialUnavailableError: Azure CLI could not be found.",
          ),
          service: "keyVault",
        },
      ],
      doesNotFit: [
        { thrown: identityError("AuthenticationError", "AADSTS7000215: Invalid client secret provided.") },
        { thrown: new TypeError("Credential is unavailable in this build") },
        {
          thrown: identityError(
            "AggregateAuthenticationError",
            "ChainedTokenCredential authentication failed.\nAuthenticationRequiredError: invalid_client: AADSTS7000222: The provided client secret keys are expired.",
          ),
        },
      ],
    },
    tokenRequestFailed: {
      fits: [
        {
          thrown: identityError(
            "AuthenticationRequiredError",
            "invalid_request: Error(s): 9002313 - Description: AADSTS9002313: Invalid request.",
          ),
        },
        {
          thrown: identityError(
            "AuthenticationError",
            "EnvironmentCredential authentication failed. Status code: 400",
            { statusCode: 400 },
          ),
          service: "storage",
        },
      ],
      doesNotFit: [
        { thrown: identityError("CredentialUnavailableError", "ManagedIdentityCredential is unavailable.") },
        { thrown: msal(7000215, "Invalid client secret provided.") },
        { service: "search", status: 401, credential: "bearer" },
      ],
    },
  },
});

describe("catalog: identity details", () => {
  it("names the AADSTS code and where Entra ID explains it, wherever in the cause chain it was", () => {
    const diagnosis = diagnosisOfCase({ thrown: wrapped(7000215, "Invalid client secret provided.") });
    assert.equal(
      diagnosis?.detail,
      "Microsoft Entra ID answered AADSTS7000215 (look up 7000215 at https://login.microsoftonline.com/error).",
    );
  });

  it("names a code no cause knows in tokenRequestFailed's detail", () => {
    const diagnosis = diagnosisOfCase({ thrown: msal(9002313, "Invalid request.", "invalid_request") });
    assert.equal(diagnosis?.cause, "tokenRequestFailed");
    assert.match(diagnosis?.detail ?? "", /AADSTS9002313/);
  });

  it("follows a cause chain no deeper than a system error's code, and survives a cycle", () => {
    let deep: Error = new Error("AADSTS7000215: Invalid client secret provided.");
    for (let i = 0; i < 8; i++) deep = Object.assign(new Error(`level ${i}`), { cause: deep });
    assert.notEqual(diagnosisOfCase({ thrown: deep })?.cause, "entraClientSecretInvalid");
    const cycle = new Error("outer") as Error & { cause?: unknown };
    cycle.cause = cycle;
    assert.equal(diagnosisOfCase({ thrown: cycle }), undefined);
  });

  it("lists each credential DefaultAzureCredential tried and why it was unavailable", () => {
    // The lines of @azure/identity 4.13's DefaultAzureCredential on a machine with nothing set up.
    const diagnosis = diagnosisOfCase({
      thrown: identityError(
        "AggregateAuthenticationError",
        [
          "ChainedTokenCredential authentication failed.",
          "CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.",
          "CredentialUnavailableError: WorkloadIdentityCredential: is unavailable. tenantId, clientId, and federatedTokenFilePath are required parameters.",
          "CredentialUnavailableError: ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details",
          "CredentialUnavailableError: Visual Studio Code Authentication is not available. Ensure you have have Azure Resources Extension installed in VS Code, signed into Azure via VS Code, installed the @azure/identity-vscode package, and properly configured the extension.",
          "CredentialUnavailableError: Please run 'az login' from a command prompt to authenticate before using this credential.",
          "CredentialUnavailableError: Error: Unable to execute PowerShell. Ensure that it is installed in your system. To troubleshoot, visit https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.",
          "CredentialUnavailableError: Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
        ].join("\n"),
      ),
    });
    assert.equal(diagnosis?.cause, "credentialUnavailable");
    assert.equal(
      diagnosis?.detail,
      "Credentials tried: Environment (not configured), WorkloadIdentity (not configured), ManagedIdentity (no managed identity), VisualStudioCode (not signed in), AzureCli (not signed in), AzurePowerShell (not installed), AzureDeveloperCli (not installed).",
    );
  });
});
