import assert from "node:assert/strict";
import { RestError } from "@azure/core-rest-pipeline";
import { describeDomain, diagnosisOfCase, type Failure, type ResponseFailure } from "./tester.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000c5";
const TENANT = "e66fc46b-2666-4ea3-984d-bb30c06f2c75";

/** Resource Manager's error envelope, `{"error":{"code","message",...}}`. */
function arm(
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
): ResponseFailure {
  return {
    service: "resourceManager",
    status,
    credential: "bearer",
    body: JSON.stringify({ error }),
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  };
}

/** The RestError ResourceManagementClient 8 builds after the pipeline, the body in `details.error`. */
function clientError(status: number, error: Record<string, unknown>): Failure {
  const thrown = new RestError(String(error.message), { code: String(error.code), statusCode: status });
  thrown.details = { error };
  return { thrown, service: "resourceManager" };
}

const DENIED = {
  code: "AuthorizationFailed",
  message: `The client '00000000-0000-0000-0000-00000000a11d' with object id '00000000-0000-0000-0000-0000000000b1' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/${SUBSCRIPTION}/resourcegroups/app-rg' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
};
const WRONG_TENANT = {
  code: "InvalidAuthenticationTokenTenant",
  message: `The access token is from the wrong issuer 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/'. It must match the tenant 'https://sts.windows.net/${TENANT}/' associated with this subscription.`,
};
const UNREGISTERED = {
  code: "MissingSubscriptionRegistration",
  message:
    "The subscription is not registered to use namespace 'Microsoft.Contoso'. See https://aka.ms/rps-not-found for how to register subscriptions.",
};
const POLICY = {
  code: "RequestDisallowedByPolicy",
  message: `Resource 'app-rg' was disallowed by policy. Policy identifiers: '[{"policyAssignment":{"name":"Allowed locations","id":"/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/policyAssignments/allowed-locations"}}]'.`,
};
const THROTTLED = {
  code: "SubscriptionRequestsThrottled",
  message: `Number of 'read' requests for subscription '${SUBSCRIPTION}' actor '00000000-0000-0000-0000-0000000000b1' exceeded. Please try again after '5' seconds after additional tokens are available.`,
};
const ANOTHER_OPERATION = {
  code: "RetryableError",
  message: "A retryable error occurred.",
  details: [
    {
      code: "RetryableErrorDueToAnotherOperation",
      message: "Operation PutSubnetOperation is updating resource vnet.",
    },
  ],
};

describeDomain("Azure Resource Manager", {
  causes: {
    armAuthorizationFailed: {
      fits: [arm(403, DENIED, { "x-ms-failure-cause": "gateway" }), clientError(403, DENIED)],
      doesNotFit: [arm(403, POLICY), arm(401, DENIED)],
    },
    armWrongTenant: {
      fits: [arm(401, WRONG_TENANT), clientError(401, WRONG_TENANT)],
      doesNotFit: [
        arm(401, {
          code: "ExpiredAuthenticationToken",
          message: "The access token expiry UTC time is earlier than current UTC time.",
        }),
      ],
    },
    armTokenExpired: {
      fits: [
        arm(401, {
          code: "ExpiredAuthenticationToken",
          message:
            "The access token expiry UTC time '11/28/2026 8:00:00 AM' is earlier than current UTC time '11/28/2026 9:15:00 AM'.",
        }),
      ],
      doesNotFit: [arm(401, WRONG_TENANT)],
    },
    armWrongAudience: {
      fits: [
        arm(401, {
          code: "InvalidAuthenticationTokenAudience",
          message:
            "The access token has been obtained for wrong audience or resource 'https://vault.azure.net'.",
        }),
      ],
      doesNotFit: [arm(401, WRONG_TENANT)],
    },
    armSubscriptionNotFound: {
      fits: [
        arm(404, {
          code: "SubscriptionNotFound",
          message: "The subscription '0000dead' could not be found.",
        }),
        arm(400, {
          code: "InvalidSubscriptionId",
          message: "The provided subscription identifier 'x' is malformed or invalid.",
        }),
        // A paged list's error: the client's own message, the service's code.
        {
          thrown: new RestError("Pagination failed with unexpected statusCode 404", {
            code: "SubscriptionNotFound",
            statusCode: 404,
          }),
          service: "resourceManager",
        },
      ],
      doesNotFit: [
        arm(404, { code: "ResourceGroupNotFound", message: "Resource group 'x' could not be found." }),
      ],
    },
    armResourceGroupNotFound: {
      fits: [
        arm(404, {
          code: "ResourceGroupNotFound",
          message: "Resource group 'absent-rg' could not be found.",
        }),
        clientError(404, {
          code: "ResourceGroupNotFound",
          message: "Resource group 'absent-rg' could not be found.",
        }),
      ],
      doesNotFit: [arm(404, { code: "ResourceNotFound", message: "The Resource 'x' was not found." })],
    },
    armResourceNotFound: {
      fits: [
        arm(404, {
          code: "ResourceNotFound",
          message:
            "The Resource 'Microsoft.Storage/storageAccounts/absent' under resource group 'app-rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
        }),
        arm(404, {
          code: "ParentResourceNotFound",
          message: "Can not perform requested operation on nested resource. Parent resource 'x' not found.",
        }),
      ],
      doesNotFit: [
        arm(404, { code: "ResourceGroupNotFound", message: "Resource group 'x' could not be found." }),
      ],
    },
    armProviderNotRegistered: {
      fits: [
        arm(409, {
          ...UNREGISTERED,
          details: [{ code: "MissingSubscriptionRegistration", target: "Microsoft.Contoso" }],
        }),
        clientError(409, UNREGISTERED),
        arm(400, {
          code: "NoRegisteredProviderFound",
          message:
            "No registered resource provider found for location 'westus' and API version '2099-01-01' for type 'widgets'.",
        }),
      ],
      doesNotFit: [arm(409, { code: "Conflict", message: "The resource is in a conflicting state." })],
    },
    armDisallowedByPolicy: {
      fits: [arm(403, POLICY), clientError(403, POLICY)],
      doesNotFit: [arm(403, DENIED)],
    },
    armOperationInProgress: {
      fits: [
        arm(429, ANOTHER_OPERATION, { "retry-after": "5" }),
        clientError(429, ANOTHER_OPERATION),
        arm(409, {
          code: "AnotherOperationInProgress",
          message: "Another operation on this or dependent resource is in progress.",
        }),
      ],
      doesNotFit: [
        arm(429, THROTTLED, { "retry-after": "5", "x-ms-ratelimit-remaining-subscription-reads": "0" }),
      ],
    },
    armThrottled: {
      fits: [
        arm(429, THROTTLED, { "retry-after": "5", "x-ms-ratelimit-remaining-subscription-reads": "0" }),
        clientError(429, THROTTLED),
        arm(429, { code: "TooManyRequests", message: "Too many requests." }),
      ],
      doesNotFit: [arm(429, ANOTHER_OPERATION, { "retry-after": "5" })],
    },
  },
});

describe("catalog: Azure Resource Manager details", () => {
  it("names the missing action, the scope and who refused", () => {
    assert.equal(
      diagnosisOfCase(arm(403, DENIED, { "x-ms-failure-cause": "gateway" }))?.detail,
      `Missing action Microsoft.Resources/subscriptions/resourcegroups/read at scope /subscriptions/${SUBSCRIPTION}/resourcegroups/app-rg. Refused by the gateway (x-ms-failure-cause).`,
    );
  });

  it("gives the command that registers the provider, the subscription's tenant, and the policy assignment", () => {
    assert.equal(
      diagnosisOfCase(arm(409, UNREGISTERED))?.detail,
      "Run: az provider register --namespace Microsoft.Contoso",
    );
    assert.equal(diagnosisOfCase(arm(401, WRONG_TENANT))?.detail, `The subscription's tenant is ${TENANT}.`);
    assert.equal(
      diagnosisOfCase(arm(403, POLICY))?.detail,
      'Denied by the policy assignment "Allowed locations".',
    );
  });

  it("names the exhausted budget and the wait of a throttled request", () => {
    assert.equal(
      diagnosisOfCase(
        arm(429, THROTTLED, { "retry-after": "5", "x-ms-ratelimit-remaining-subscription-reads": "0" }),
      )?.detail,
      "No subscription-reads left. Retry after 5 s.",
    );
    // Header names in any case, values with blanks, in the table's order whatever the headers' order.
    assert.equal(
      diagnosisOfCase(
        arm(429, THROTTLED, {
          "X-MS-RateLimit-Remaining-Tenant-Reads": " 0 ",
          "x-ms-ratelimit-remaining-subscription-writes": "11",
          "x-ms-ratelimit-remaining-subscription-reads": "0",
        }),
      )?.detail,
      "No subscription-reads, tenant-reads left.",
    );
  });
});
