/**
 * A stand-in for Azure Resource Manager, on loopback over HTTPS. It is not Azure: it keeps one
 * subscription with resource groups in memory, answers the calls `ResourceManagementClient` makes for
 * resource groups (get, check existence, create) and resources by id, and answers the failures ARM
 * documents in its own wire format `{"error":{"code","message"}}`.
 *
 * - A request without `Authorization` gets 401 `AuthenticationFailed` with ARM's `WWW-Authenticate`.
 * - Only {@link ARM_SUBSCRIPTION} exists; any other subscription id is `SubscriptionNotFound`.
 * - A resource group named after an {@link ARM_FAILURES} entry answers with that failure; "app-rg"
 *   exists from the start; other groups are missing until created.
 * - Resources under the namespace {@link UNREGISTERED_NAMESPACE} get 409 `MissingSubscriptionRegistration`;
 *   any other resource in an existing group is `ResourceNotFound`.
 *
 * Sources: learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors,
 * error-not-found, error-register-resource-provider, error-policy-requestdisallowedbypolicy,
 * management/request-limits-and-throttling, and full texts quoted in public issues
 * (InvalidAuthenticationTokenTenant, ExpiredAuthenticationToken, SubscriptionRequestsThrottled,
 * RetryableErrorDueToAnotherOperation). The `error_description` of the 401 headers other than the
 * missing-header one is not taken from a capture.
 */
import { randomUUID } from "node:crypto";
import {
  startLoopbackService,
  type LoopbackOptions,
  type LoopbackService,
  type ServiceReply,
  type ServiceRequest,
} from "./loopback.js";

/** The one subscription that exists. */
export const ARM_SUBSCRIPTION = "00000000-0000-0000-0000-0000000000c5";
/** The subscription's tenant. */
export const ARM_TENANT = "e66fc46b-2666-4ea3-984d-bb30c06f2c75";
/** The tenant that issued the token ARM refuses as coming from the wrong issuer. */
export const ARM_OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
/** The resource group that exists from the start. */
export const SEEDED_RESOURCE_GROUP = "app-rg";
/** A resource provider namespace the subscription is not registered for. */
export const UNREGISTERED_NAMESPACE = "Microsoft.Contoso";
/** The caller ARM names in an authorization failure. */
export const ARM_CALLER = {
  name: "00000000-0000-0000-0000-00000000a11d",
  objectId: "00000000-0000-0000-0000-0000000000b1",
};

/** A failure a resource group name answers with. */
export interface ArmFailure {
  status: number;
  /** The error body's `error` object. */
  error: (group: string, request: ServiceRequest) => Record<string, unknown>;
  headers?: (request: ServiceRequest) => Record<string, string>;
  /** Only these methods fail; others see the group as missing. Defaults to all. */
  methods?: string[];
}

const scopeOf = (group: string): string => `/subscriptions/${ARM_SUBSCRIPTION}/resourcegroups/${group}`;
const invalidToken = (description: string): Record<string, string> => ({
  "www-authenticate": `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"`,
});
const retryAfter =
  (seconds: number) =>
  (request: ServiceRequest): Record<string, string> => ({
    "retry-after": String(seconds),
    [`x-ms-ratelimit-remaining-subscription-${request.method === "GET" || request.method === "HEAD" ? "reads" : "writes"}`]:
      "0",
  });

/**
 * Resource group names that answer with a failure, and the failure.
 *
 * @param retryAfterSeconds - the `Retry-After` of the 429 answers.
 */
export function armFailures(retryAfterSeconds = 1) {
  return {
    /** The caller has no role granting the action at this scope. */
    denied: {
      status: 403,
      error: (group, request) => ({
        code: "AuthorizationFailed",
        message: `The client '${ARM_CALLER.name}' with object id '${ARM_CALLER.objectId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/${request.method === "PUT" ? "write" : "read"}' over scope '${scopeOf(group)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      }),
      headers: () => ({ "x-ms-failure-cause": "gateway" }),
    },
    /** A token from another tenant than the subscription's. */
    "wrong-tenant": {
      status: 401,
      error: () => ({
        code: "InvalidAuthenticationTokenTenant",
        message: `The access token is from the wrong issuer 'https://sts.windows.net/${ARM_OTHER_TENANT}/'. It must match the tenant 'https://sts.windows.net/${ARM_TENANT}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${ARM_TENANT}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      }),
      headers: () => invalidToken("The access token is from the wrong issuer."),
    },
    /** An expired token: a cached token, or a clock that is off. */
    "expired-token": {
      status: 401,
      error: () => ({
        code: "ExpiredAuthenticationToken",
        message: `The access token expiry UTC time '11/28/2026 8:00:00 AM' is earlier than current UTC time '11/28/2026 9:15:00 AM'.`,
      }),
      headers: () => invalidToken("The access token has expired."),
    },
    /** A token for another resource than ARM. */
    "wrong-audience": {
      status: 401,
      error: () => ({
        code: "InvalidAuthenticationTokenAudience",
        message:
          "The access token has been obtained for wrong audience or resource 'https://vault.azure.net'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      }),
      headers: () => invalidToken("The access token has been obtained for wrong audience or resource."),
    },
    /** An Azure Policy assignment denies the write. */
    "policy-denied": {
      status: 403,
      methods: ["PUT", "PATCH", "DELETE"],
      error: (group) => {
        const assignment = {
          name: "Allowed locations",
          id: `/subscriptions/${ARM_SUBSCRIPTION}/providers/Microsoft.Authorization/policyAssignments/allowed-locations`,
        };
        const definition = {
          name: "Allowed locations",
          id: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
        };
        return {
          code: "RequestDisallowedByPolicy",
          target: group,
          message: `Resource '${group}' was disallowed by policy. Policy identifiers: '${JSON.stringify([{ policyAssignment: assignment, policyDefinition: definition }])}'.`,
          additionalInfo: [
            {
              type: "PolicyViolation",
              info: {
                policyAssignmentName: "allowed-locations",
                policyAssignmentId: assignment.id,
                policyDefinitionId: definition.id,
                policyDefinitionEffect: "deny",
              },
            },
          ],
        };
      },
    },
    /** The subscription's read or write budget is used up: throttling, with `Retry-After`. */
    throttled: {
      status: 429,
      error: (_group, request) => ({
        code: "SubscriptionRequestsThrottled",
        message: `Number of '${request.method === "GET" || request.method === "HEAD" ? "read" : "write"}' requests for subscription '${ARM_SUBSCRIPTION}' actor '${ARM_CALLER.objectId}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
      }),
      headers: retryAfter(retryAfterSeconds),
    },
    /** A resource locked by another operation: a 429 that is not throttling. */
    busy: {
      status: 429,
      error: (group) => ({
        code: "RetryableError",
        message: "A retryable error occurred.",
        details: [
          {
            code: "RetryableErrorDueToAnotherOperation",
            message: `Operation PutSubnetOperation (3d605e16-86ec-4d94-a325-47a7e093bb1e) is updating resource ${scopeOf(group)}/providers/Microsoft.Network/virtualNetworks/vnet. The call can be retried in ${retryAfterSeconds} seconds.`,
          },
        ],
      }),
      headers: () => ({ "retry-after": String(retryAfterSeconds) }),
    },
  } satisfies Record<string, ArmFailure>;
}

/** The failures with a one-second `Retry-After`, to read names and texts from. */
export const ARM_FAILURES = armFailures();

/** A resource group name that answers with a failure. */
export type ArmScenario = keyof typeof ARM_FAILURES;

/** Options of {@link startResourceManager}. */
export interface ResourceManagerOptions extends LoopbackOptions {
  /** The `Retry-After` seconds of 429 answers. Defaults to 1. */
  retryAfterSeconds?: number;
}

/** A running Resource Manager stand-in. */
export interface ResourceManagerStandIn extends LoopbackService {
  subscriptionId: string;
  /** Resource group names that exist, with their location. */
  groups: Map<string, string>;
}

/**
 * Starts a Resource Manager stand-in on 127.0.0.1.
 *
 * @param options - throttling, certificate authority and trust.
 */
export async function startResourceManager(
  options: ResourceManagerOptions = {},
): Promise<ResourceManagerStandIn> {
  const groups = new Map([[SEEDED_RESOURCE_GROUP, "eastus"]]);
  const failures: Record<string, ArmFailure> = armFailures(options.retryAfterSeconds ?? 1);

  const respond = (request: ServiceRequest): ServiceReply => {
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-cache",
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": randomUUID(),
      "x-ms-routing-request-id": `EASTUS:${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}:${randomUUID()}`,
    };
    const error = (
      status: number,
      body: Record<string, unknown>,
      extra: Record<string, string> = {},
    ): ServiceReply => ({
      status,
      headers: { ...headers, ...extra },
      body: JSON.stringify({ error: body }),
    });

    if (!/^Bearer \S+$/.test(String(request.headers.authorization ?? ""))) {
      return error(
        401,
        {
          code: "AuthenticationFailed",
          message: "Authentication failed. The 'Authorization' header is missing.",
        },
        invalidToken("The authentication failed because of missing 'Authorization' header."),
      );
    }

    const segments = request.url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const [subscriptions, subscription, groupsSegment, group, providers, namespace, ...resource] = segments;
    if (subscriptions?.toLowerCase() !== "subscriptions" || !subscription) {
      return error(400, {
        code: "InvalidRequestUri",
        message: `The stand-in does not implement ${request.method} ${request.url.pathname}.`,
      });
    }
    if (subscription !== ARM_SUBSCRIPTION) {
      return error(404, {
        code: "SubscriptionNotFound",
        message: `The subscription '${subscription}' could not be found.`,
      });
    }
    const groupBody = (name: string, where: string) => ({
      id: `/subscriptions/${ARM_SUBSCRIPTION}/resourceGroups/${name}`,
      name,
      type: "Microsoft.Resources/resourceGroups",
      location: where,
      properties: { provisioningState: "Succeeded" },
    });
    const reads = { "x-ms-ratelimit-remaining-subscription-reads": "249" };
    if (groupsSegment?.toLowerCase() === "resourcegroups" && !group && request.method === "GET") {
      const value = [...groups].map(([name, where]) => groupBody(name, where));
      return { status: 200, headers: { ...headers, ...reads }, body: JSON.stringify({ value }) };
    }
    if (groupsSegment?.toLowerCase() !== "resourcegroups" || !group) {
      return error(400, {
        code: "InvalidRequestUri",
        message: `The stand-in does not implement ${request.method} ${request.url.pathname}.`,
      });
    }

    const failure = failures[group];
    if (failure && (!failure.methods || failure.methods.includes(request.method))) {
      return error(failure.status, failure.error(group, request), failure.headers?.(request));
    }
    const location = groups.get(group);
    const groupNotFound = (): ServiceReply =>
      error(404, { code: "ResourceGroupNotFound", message: `Resource group '${group}' could not be found.` });

    if (providers?.toLowerCase() === "providers" && namespace) {
      if (namespace.toLowerCase() === UNREGISTERED_NAMESPACE.toLowerCase()) {
        const message = `The subscription is not registered to use namespace '${UNREGISTERED_NAMESPACE}'. See https://aka.ms/rps-not-found for how to register subscriptions.`;
        return error(409, {
          code: "MissingSubscriptionRegistration",
          message,
          details: [{ code: "MissingSubscriptionRegistration", target: UNREGISTERED_NAMESPACE, message }],
        });
      }
      if (location === undefined) return groupNotFound();
      return error(404, {
        code: "ResourceNotFound",
        message: `The Resource '${namespace}/${resource.join("/")}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      });
    }

    switch (request.method) {
      case "HEAD":
        // checkExistence: 204 or 404, no body either way.
        return { status: location === undefined ? 404 : 204, headers: { ...headers, ...reads } };
      case "GET":
        return location === undefined
          ? groupNotFound()
          : {
              status: 200,
              headers: { ...headers, ...reads },
              body: JSON.stringify(groupBody(group, location)),
            };
      case "PUT": {
        const body = JSON.parse(request.body.toString() || "{}") as { location?: string };
        const created = location === undefined;
        groups.set(group, body.location ?? "eastus");
        return {
          status: created ? 201 : 200,
          headers: { ...headers, "x-ms-ratelimit-remaining-subscription-writes": "1199" },
          body: JSON.stringify(groupBody(group, body.location ?? "eastus")),
        };
      }
    }
    return error(405, {
      code: "MethodNotAllowed",
      message: `The stand-in does not implement ${request.method} on resource groups.`,
    });
  };

  const running = await startLoopbackService("Resource Manager", respond, options);
  return { ...running, subscriptionId: ARM_SUBSCRIPTION, groups };
}
