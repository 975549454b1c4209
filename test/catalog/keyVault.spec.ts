import assert from "node:assert/strict";
import { RestError } from "@azure/core-rest-pipeline";
import { describeDomain, diagnosisOfCase, type Failure, type ResponseFailure } from "./tester.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const CALLER = `appid=00000000-0000-0000-0000-00000000a11d;oid=00000000-0000-0000-0000-0000000000b1;iss=https://sts.windows.net/${TENANT}/`;

/** Key Vault's error envelope, with its inner code under `innererror` as the service sends it. */
function vault(
  status: number,
  code: string,
  message: string,
  inner?: string,
  extra: Partial<ResponseFailure> = {},
): ResponseFailure {
  return {
    service: "keyVault",
    status,
    body: JSON.stringify({ error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }),
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-ms-keyvault-network-info": "conn_type=Ipv4;addr=203.0.113.7;act_addr_fam=InterNetwork;",
    },
    credential: "bearer",
    ...extra,
  };
}

/** The RestError SecretClient builds after the pipeline: the inner code renamed `innerError`, no body. */
function clientError(status: number, code: string, message: string, inner?: string): Failure {
  const error = new RestError(message, { code, statusCode: status });
  error.details = { error: { code, message, ...(inner ? { innerError: { code: inner } } : {}) } };
  return { thrown: error, service: "keyVault" };
}

const RBAC = `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${CALLER}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/00000000-0000-0000-0000-0000000000c5/resourcegroups/rg/providers/microsoft.keyvault/vaults/contoso/secrets/db'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: contoso;location=eastus\r\n`;
const ACCESS_POLICY = `The user, group or application '${CALLER}' does not have secrets get permission on key vault 'contoso;location=eastus'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`;
const FIREWALL = `Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\nCaller: ${CALLER}\r\nVault: contoso;location=eastus`;
const AKV10032 = `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${TENANT}/, found https://sts.windows.net/${OTHER_TENANT}/.`;
const NOT_FOUND =
  "A secret with (name/id) db was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.";

/** An error the client made itself: with the request when the policy saw it, alone when diagnose() did. */
const ownError = (error: Error): Failure[] => [{ thrown: error, service: "keyVault" }];

describeDomain("Azure Key Vault", {
  causes: {
    keyVaultRbacDenied: {
      fits: [
        vault(403, "Forbidden", RBAC, "ForbiddenByRbac"),
        clientError(403, "Forbidden", RBAC, "ForbiddenByRbac"),
      ],
      doesNotFit: [vault(403, "Forbidden", RBAC), vault(403, "Forbidden", ACCESS_POLICY, "AccessDenied")],
    },
    keyVaultAccessPolicyDenied: {
      fits: [
        vault(403, "Forbidden", ACCESS_POLICY, "AccessDenied"),
        clientError(403, "Forbidden", ACCESS_POLICY, "AccessDenied"),
      ],
      doesNotFit: [vault(403, "Forbidden", RBAC, "ForbiddenByRbac")],
    },
    keyVaultFirewallBlocked: {
      fits: [
        vault(403, "Forbidden", FIREWALL, "ForbiddenByFirewall"),
        clientError(403, "Forbidden", FIREWALL, "ForbiddenByFirewall"),
      ],
      doesNotFit: [vault(403, "Forbidden", FIREWALL)],
    },
    keyVaultForbiddenByPolicy: {
      fits: [
        vault(
          403,
          "Forbidden",
          `The policy requires the caller '${CALLER}' to use on-behalf-of (OBO) flow.`,
          "ForbiddenByPolicy",
        ),
      ],
      doesNotFit: [vault(403, "Forbidden", "The policy requires the caller to use on-behalf-of (OBO) flow.")],
    },
    keyVaultObjectDisabled: {
      fits: [
        vault(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"),
        clientError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"),
        vault(403, "Forbidden", "Operation sign is not allowed on a disabled key.", "KeyDisabled"),
      ],
      doesNotFit: [vault(400, "BadParameter", "Operation get is not allowed on a disabled secret.")],
    },
    keyVaultOperationNotPermitted: {
      fits: [vault(403, "Forbidden", "Operation decrypt is not permitted on this key.")],
      doesNotFit: [vault(400, "BadParameter", "Operation decrypt is not permitted on this key.")],
    },
    keyVaultWrongTenant: {
      fits: [vault(401, "Unauthorized", AKV10032), clientError(401, "Unauthorized", AKV10032)],
      doesNotFit: [vault(403, "Forbidden", AKV10032)],
    },
    keyVaultTokenInvalid: {
      fits: [
        vault(
          401,
          "Unauthorized",
          "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://storage.azure.com.",
        ),
      ],
      doesNotFit: [
        vault(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", undefined, {
          credential: "none",
        }),
      ],
    },
    keyVaultDeletedButRecoverable: {
      fits: [
        vault(
          409,
          "Conflict",
          "Secret db is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.",
          "ObjectIsDeletedButRecoverable",
        ),
        clientError(
          409,
          "Conflict",
          "Secret db is currently in a deleted but recoverable state.",
          "ObjectIsDeletedButRecoverable",
        ),
      ],
      doesNotFit: [vault(409, "Conflict", "Secret db is currently being deleted.", "ObjectIsBeingDeleted")],
    },
    keyVaultObjectNotFound: {
      fits: [
        vault(404, "SecretNotFound", NOT_FOUND),
        clientError(404, "SecretNotFound", NOT_FOUND),
        vault(404, "KeyNotFound", "A key with (name/id) k was not found in this key vault."),
      ],
      doesNotFit: [vault(404, "BadParameter", "Unknown path.")],
    },
    keyVaultThrottled: {
      fits: [
        vault(
          429,
          "Throttled",
          "Request was not processed because too many requests were received.",
          undefined,
          {
            headers: { "retry-after": "10" },
          },
        ),
        clientError(429, "Throttled", "Request was not processed because too many requests were received."),
      ],
      doesNotFit: [vault(503, "ServiceUnavailable", "The service is unavailable.")],
    },
    keyVaultChallengeMismatch: {
      fits: ownError(
        new Error(
          "The challenge resource 'vault.azure.net' does not match the requested domain. Set disableChallengeResourceVerification to true in your client options to disable. See https://aka.ms/azsdk/blog/vault-uri for more information.",
        ),
      ),
      doesNotFit: [
        {
          thrown: new Error("The challenge resource 'vault.azure.net' does not match the requested domain."),
        },
        { thrown: new Error("Unrelated: the domain does not match"), service: "keyVault" },
      ],
    },
    keyVaultEmptyErrorResponse: {
      fits: ownError(new TypeError("Cannot read properties of undefined (reading 'error')")),
      doesNotFit: [
        { thrown: new TypeError("Cannot read properties of undefined (reading 'error')") },
        {
          thrown: new TypeError("Cannot read properties of undefined (reading 'value')"),
          service: "keyVault",
        },
      ],
    },
  },
});

describe("catalog: Azure Key Vault details", () => {
  it("names the action and the caller's object id Key Vault's RBAC denied", () => {
    assert.equal(
      diagnosisOfCase(vault(403, "Forbidden", RBAC, "ForbiddenByRbac"))?.detail,
      "Key Vault denied Microsoft.KeyVault/vaults/secrets/getSecret/action to the caller with object id 00000000-0000-0000-0000-0000000000b1.",
    );
    assert.equal(
      diagnosisOfCase(vault(403, "Forbidden", ACCESS_POLICY, "AccessDenied"))?.detail,
      "No access policy gives the caller with object id 00000000-0000-0000-0000-0000000000b1 the secrets get permission.",
    );
  });

  it("quotes the client address Key Vault reported, from its header or, without one, its message", () => {
    assert.equal(
      diagnosisOfCase(vault(403, "Forbidden", FIREWALL, "ForbiddenByFirewall"))?.detail,
      "Key Vault saw this client at 203.0.113.7.",
    );
    const withoutHeader = vault(
      403,
      "Forbidden",
      FIREWALL.replace("203.0.113.7", "198.51.100.4"),
      "ForbiddenByFirewall",
      {
        headers: {},
      },
    );
    assert.equal(diagnosisOfCase(withoutHeader)?.detail, "Key Vault saw this client at 198.51.100.4.");
  });

  it("names the token's tenant and the vault's for AKV10032", () => {
    assert.equal(
      diagnosisOfCase(vault(401, "Unauthorized", AKV10032))?.detail,
      `The token is from tenant ${OTHER_TENANT}; the vault expects tenant ${TENANT}.`,
    );
  });
});
