import { UNAVAILABLE_ERRORS } from "../../src/catalog/shared/identity.js";
import { describeDomain } from "./tester.js";

/** An `@azure/identity` error as the credential throws it. */
const identityError = (name: string, message: string, extra: object = {}): Error =>
  Object.assign(new Error(message), { name }, extra);

describeDomain("identity (every client)", {
  causes: {
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
      ],
    },
    tokenRequestFailed: {
      fits: [
        {
          thrown: identityError(
            "AuthenticationRequiredError",
            "invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.",
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
        { service: "search", status: 401, credential: "bearer" },
      ],
    },
  },
});
