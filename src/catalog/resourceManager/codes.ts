import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { boundedCaptures, codeIn } from "../match.js";
import type { FailureSignals } from "../../types.js";

const said = (s: FailureSignals): string => s.serviceMessage ?? s.message;

const ACTION_AND_SCOPE = boundedCaptures(/perform action '([^']{1,200})' over scope '([^']{1,400})'/);
const EXPECTED_TENANT = /must match the tenant 'https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/'/i;
const NAMESPACE = boundedCaptures(/namespace '([A-Za-z0-9.]{1,100})'/);
const POLICY_ASSIGNMENT = boundedCaptures(/"policyAssignment":\{"name":"([^"]{1,120})"/);

const isAnotherOperation = (s: FailureSignals): boolean =>
  s.innerCode === "RetryableErrorDueToAnotherOperation" || codeIn(s, "AnotherOperationInProgress");

/** Resource Manager's answers, by their error codes. */
export const resourceManagerRules = forService("resourceManager", [
  rule({
    cause: "armAuthorizationFailed",
    category: "authorization",
    statuses: [403],
    signal:
      "403 `AuthorizationFailed` (`does not have authorization to perform action '...' over scope '...'`)",
    summary:
      "The identity holds no role that allows this action at this scope (or the scope, such as a subscription id, is wrong).",
    remediation: [
      "Assign the identity a role that includes the missing action (the diagnosis's detail names it and the scope), at that scope or above it: Reader for reads, Contributor or a narrower built-in role for writes.",
      "Check the scope for typos: a wrong subscription or resource group id gets the same answer.",
      "After a role assignment, get a new token (sign in again, or restart the process): the old one does not carry it.",
    ],
    docs: [DOCS.armRoleAssignments, DOCS.armCommonErrors],
    match: (s) => {
      if (!codeIn(s, "AuthorizationFailed", "LinkedAuthorizationFailed")) return false;
      const found = ACTION_AND_SCOPE.exec(said(s));
      const refused = found ? `Missing action ${found[1]} at scope ${found[2]}.` : "";
      const by = s.failureCause ? ` Refused by the ${s.failureCause} (x-ms-failure-cause).` : "";
      return { detail: `${refused}${by}`.trim() || undefined };
    },
  }),
  rule({
    cause: "armWrongTenant",
    category: "authentication",
    statuses: [401],
    signal: "401 `InvalidAuthenticationTokenTenant`",
    summary: "The token comes from another tenant than the one the subscription belongs to.",
    remediation: [
      "Sign in to the subscription's tenant: set the credential's tenantId (or AZURE_TENANT_ID), or run az login --tenant with the tenant the diagnosis's detail names.",
      "If the subscription was just moved to another tenant, wait up to an hour and sign in again.",
    ],
    docs: [DOCS.armCommonErrors],
    match: (s) => {
      if (!codeIn(s, "InvalidAuthenticationTokenTenant")) return false;
      const tenant = EXPECTED_TENANT.exec(said(s))?.[1];
      return { detail: tenant ? `The subscription's tenant is ${tenant}.` : undefined };
    },
  }),
  rule({
    cause: "armTokenExpired",
    category: "authentication",
    statuses: [401],
    signal: "401 `ExpiredAuthenticationToken`",
    summary: "The token has expired: it was cached past its expiry, or this machine's clock is off.",
    remediation: [
      "Get a new token (the Azure SDK credentials refresh on their own; check code that caches tokens itself).",
      "Synchronise this machine's clock with NTP.",
    ],
    docs: [DOCS.armCommonErrors],
    match: (s) => codeIn(s, "ExpiredAuthenticationToken"),
  }),
  rule({
    cause: "armWrongAudience",
    category: "authentication",
    statuses: [401],
    signal: "401 `InvalidAuthenticationTokenAudience`",
    summary: "The token was issued for another resource than Azure Resource Manager.",
    remediation: [
      "Ask for a token for https://management.azure.com/.default (the client does by default; check a custom scope or credential), or the sovereign cloud's management endpoint.",
    ],
    docs: [DOCS.armCommonErrors],
    match: (s) => codeIn(s, "InvalidAuthenticationTokenAudience"),
  }),
  rule({
    cause: "armSubscriptionNotFound",
    category: "configuration",
    statuses: [404, 400],
    signal: "404 `SubscriptionNotFound`, 400 `InvalidSubscriptionId`",
    summary:
      "The subscription id is wrong, or the identity has no access to that subscription in the tenant it signed in to.",
    remediation: [
      "List the subscriptions the identity can see (az account list, or SubscriptionClient.subscriptions.list()) and copy the id from there.",
      "Check that the credential signs in to the tenant that holds the subscription.",
    ],
    docs: [DOCS.armCommonErrors],
    match: (s) => codeIn(s, "SubscriptionNotFound", "InvalidSubscriptionId"),
  }),
  rule({
    cause: "armResourceGroupNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `ResourceGroupNotFound`",
    summary: "The resource group does not exist in this subscription: the name or the subscription is wrong.",
    remediation: [
      "List the subscription's resource groups (resourceGroups.list()) and compare the name; check that the client's subscription id is the one that holds it.",
    ],
    docs: [DOCS.armNotFound],
    match: (s) => codeIn(s, "ResourceGroupNotFound"),
  }),
  rule({
    cause: "armResourceNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `ResourceNotFound`, `ParentResourceNotFound`",
    summary:
      "The resource does not exist at that id: a wrong name, type or resource group, or one not created yet (a deployment's dependsOn missing).",
    remediation: [
      "Check the resource id's subscription, resource group, provider namespace, type and name; in a deployment, make the resource depend on the one that creates it.",
    ],
    docs: [DOCS.armNotFound],
    match: (s) => codeIn(s, "ResourceNotFound", "ParentResourceNotFound"),
  }),
  rule({
    cause: "armProviderNotRegistered",
    category: "configuration",
    statuses: [409, 400],
    signal: "409 `MissingSubscriptionRegistration`, 400 `NoRegisteredProviderFound`",
    summary: "The subscription is not registered for the resource provider (namespace) the request uses.",
    remediation: [
      "Register it: az provider register --namespace <namespace> (the diagnosis's detail gives the command), or Resource providers in the subscription's page in the portal; registration takes a few minutes.",
      "With NoRegisteredProviderFound, check the API version and location: the provider may not offer that type there.",
    ],
    docs: [DOCS.armRegisterProvider],
    match: (s) => {
      if (
        !codeIn(
          s,
          "MissingSubscriptionRegistration",
          "NoRegisteredProviderFound",
          "MissingRegistrationForLocation",
        )
      )
        return false;
      const namespace = NAMESPACE.exec(said(s))?.[1];
      return { detail: namespace ? `Run: az provider register --namespace ${namespace}` : undefined };
    },
  }),
  rule({
    cause: "armDisallowedByPolicy",
    category: "configuration",
    statuses: [403],
    signal: "403 `RequestDisallowedByPolicy`",
    summary:
      "An Azure Policy assignment denies this request: the resource, its location or a setting breaks the policy.",
    remediation: [
      "Open the policy assignment the diagnosis's detail names in Policy > Assignments to see what it requires, then change the request to comply, or ask for an exemption.",
    ],
    docs: [DOCS.armPolicy],
    match: (s) => {
      if (!codeIn(s, "RequestDisallowedByPolicy")) return false;
      const assignment = POLICY_ASSIGNMENT.exec(said(s))?.[1];
      return { detail: assignment ? `Denied by the policy assignment "${assignment}".` : undefined };
    },
  }),
  rule({
    cause: "armOperationInProgress",
    category: "request",
    statuses: [429, 409],
    signal: "429 `RetryableErrorDueToAnotherOperation`, 409 `AnotherOperationInProgress`",
    summary:
      "Another operation is changing the same resource: this is a lock, not throttling, and the request can be retried when it ends.",
    remediation: [
      "Retry after the operation finishes (the client retries 429s after Retry-After); serialise changes to the same resource in your own code.",
    ],
    docs: [DOCS.armThrottling],
    retryable: true,
    match: (s) => isAnotherOperation(s),
  }),
  rule({
    cause: "armThrottled",
    category: "throttling",
    statuses: [429],
    signal: "429 with `x-ms-ratelimit-remaining-*` at 0 (`SubscriptionRequestsThrottled`, `TooManyRequests`)",
    summary:
      "Resource Manager is throttling the requests: the subscription's or tenant's read or write budget is used up for now.",
    remediation: [
      "Let the client retry after Retry-After (it does by default), and make fewer calls: cache reads, use list calls and Azure Resource Graph instead of one get per resource.",
      "Spread automation across time, or across service principals and subscriptions.",
    ],
    docs: [DOCS.armThrottling],
    retryable: true,
    match: (s) => {
      if (s.status !== 429 || isAnotherOperation(s)) return false;
      const budgets = s.rateLimitExhausted ? `No ${s.rateLimitExhausted.replace(/,/g, ", ")} left.` : "";
      const wait = s.retryAfterSeconds === undefined ? "" : ` Retry after ${s.retryAfterSeconds} s.`;
      return { detail: `${budgets}${wait}`.trim() || undefined };
    },
  }),
]);
