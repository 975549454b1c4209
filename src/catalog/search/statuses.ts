import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { isUnexplained } from "../match.js";
import type { FailureSignals, OperationKind } from "../../types.js";

/** Operations a query key may make; every other one needs an admin key. */
const QUERY_KEY_OPERATIONS: ReadonlySet<OperationKind | undefined> = new Set(["documentRead"]);

const isForbiddenWithoutReason = (s: FailureSignals): boolean => s.status === 403 && isUnexplained(s);
const isSearchAdminOperation = (s: FailureSignals): boolean =>
  s.operation !== undefined && s.operation !== "other" && !QUERY_KEY_OPERATIONS.has(s.operation);

const TELL_APART_403 = [
  "Call a document read (getDocumentsCount) with the same key: if it succeeds, the key is a query key; if it also gets 403, the key is invalid or the network is refused.",
  "Compare the key with the admin keys under Settings > Keys in the portal: keys change when someone regenerates them.",
  "Check Networking in the portal: with public access disabled or IP rules set, a request from an address not on the list gets an empty 403 whatever the key.",
];

/** Search answers told apart by status, credential and operation alone. */
export const searchStatusRules = forService("search", [
  rule({
    cause: "rbacNotEnabled",
    category: "authentication",
    statuses: [401],
    signal: "401 to a request with a token credential",
    summary:
      "The service refused the Microsoft Entra token: it accepts API keys only (role-based access is off), or the token is for another audience or expired.",
    remediation: [
      "Set API access control to Both or Role-based access control (Settings > Keys in the portal, or authOptions in the management API).",
      "Outside the public cloud, set the client's audience option to the cloud's search audience (https://search.azure.us, https://search.azure.cn).",
      "Check that the credential signs in to the tenant that holds the service.",
    ],
    docs: [DOCS.enableRoles, DOCS.keyless],
    confidence: "inferred",
    match: (s) =>
      s.status === 401 && (s.credential === "bearer" || (s.credential !== "apiKey" && s.bearerChallenge)),
  }),
  rule({
    cause: "queryKeyForAdminOperation",
    category: "authorization",
    statuses: [403],
    signal: "403, empty body, api-key, an operation other than a document read",
    summary:
      "The service refused the api-key for an operation that needs an admin key: a query key can only search, suggest, autocomplete, look up and count documents.",
    remediation: [
      "Use an admin key (Settings > Keys in the portal) for index, indexer, skillset, synonym map and alias management, service statistics and document writes; keep query keys for reads.",
      ...TELL_APART_403,
    ],
    docs: [DOCS.apiKeys, DOCS.httpStatusCodes],
    confidence: "inferred",
    match: (s) =>
      isForbiddenWithoutReason(s) && s.credential === "apiKey" && isSearchAdminOperation(s)
        ? { alternatives: ["invalidApiKey", "ipFirewallBlocked", "publicAccessDisabled"] }
        : false,
  }),
  rule({
    cause: "invalidApiKey",
    category: "authentication",
    statuses: [401, 403],
    signal: "403 (or 401), empty body, api-key",
    summary:
      "The service refused the api-key: it is not a current key of this service, or the network is refused.",
    remediation: [
      "Copy a current key from Settings > Keys in the portal: regenerating keys, or moving to another service, makes the old ones fail.",
      ...TELL_APART_403.slice(2),
    ],
    docs: [DOCS.apiKeys, DOCS.ipFirewall],
    confidence: "inferred",
    match: (s) =>
      (isForbiddenWithoutReason(s) || s.status === 401) && s.credential === "apiKey"
        ? { alternatives: ["ipFirewallBlocked", "publicAccessDisabled"] }
        : false,
  }),
  rule({
    cause: "ipFirewallBlocked",
    category: "network",
    statuses: [403],
    signal: "403, empty body, any credential",
    summary:
      "The service refused the request without a reason, as its IP firewall does for addresses not on its list (or with public access disabled).",
    remediation: [
      "Find this machine's public outbound address and add it under Networking > Firewall in the portal, or call from an allowed network.",
      "If the service uses private endpoints only, call it from the linked network.",
      "With a token credential, also check the identity's role assignments on the service.",
    ],
    docs: [DOCS.ipFirewall, DOCS.privateEndpoints],
    confidence: "inferred",
    match: (s) =>
      s.status === 403
        ? {
            alternatives:
              s.credential === "bearer"
                ? ["publicAccessDisabled", "missingRoleAssignment"]
                : ["publicAccessDisabled", "invalidApiKey"],
          }
        : false,
  }),
  rule({
    cause: "requestTooLarge",
    category: "request",
    statuses: [413],
    signal: "HTTP 413",
    summary: "The request is too large: a batch over 16 MB or over 1,000 actions.",
    remediation: [
      "Send documents in smaller batches (at most 1,000 actions and 16 MB), or use SearchIndexingBufferedSender, which splits batches itself.",
    ],
    docs: [DOCS.limits],
    match: (s) => s.status === 413,
  }),
  rule({
    cause: "preconditionFailed",
    category: "request",
    statuses: [412],
    signal: "HTTP 412",
    summary: "The resource changed since it was read: its ETag no longer matches (onlyIfUnchanged).",
    remediation: [
      "Read the resource again, apply your change to the new version, and save it with its new ETag.",
    ],
    docs: [DOCS.concurrency],
    match: (s) => s.status === 412,
  }),
  rule({
    cause: "writeConflict",
    category: "request",
    statuses: [409],
    signal: "HTTP 409",
    summary: "Another change to the same resource was in progress.",
    remediation: ["Retry after a short wait; if it persists, serialise the writes to that resource."],
    docs: [DOCS.httpStatusCodes],
    retryable: true,
    match: (s) => s.status === 409,
  }),
  rule({
    cause: "throttled",
    category: "throttling",
    statuses: [503, 429],
    signal: "HTTP 503, or 429 without a quota text",
    summary:
      "The service is throttling requests: it has more work than its replicas and partitions can serve.",
    remediation: [
      "Retry with backoff, honouring Retry-After; the SDK retries 503 three times by default.",
      "Add replicas for query load or partitions for indexing load, or spread the requests over time.",
    ],
    docs: [DOCS.throttling, DOCS.limits],
    retryable: true,
    match: (s) => s.status === 503 || s.status === 429,
  }),
  rule({
    cause: "serviceError",
    category: "service",
    statuses: [500, 502, 504],
    signal: "HTTP 500, 502, 504",
    summary: "The service, or a gateway in front of it, failed while handling the request.",
    remediation: [
      "Retry later; the SDK already retried three times.",
      "If it persists, open a support request with the request id from the error.",
    ],
    docs: [DOCS.httpStatusCodes],
    retryable: true,
    match: (s) => s.status === 500 || s.status === 502 || s.status === 504,
  }),
  rule({
    cause: "resourceNotFound",
    category: "request",
    statuses: [404],
    signal: "HTTP 404",
    summary:
      "The service has no resource at that name: an index, indexer, data source, skillset, synonym map, alias or document.",
    remediation: ["Check the name (case-sensitive) and that the endpoint is the service that holds it."],
    docs: [DOCS.httpStatusCodes],
    match: (s) => s.status === 404,
  }),
  rule({
    cause: "invalidRequest",
    category: "request",
    statuses: [400, 405, 415],
    signal: "HTTP 400, 405, 415",
    summary: "The service rejected the request as malformed; its message says which part.",
    remediation: [
      "Read the service's message in the error: it names the field or parameter at fault.",
      "Check that the SDK version matches the API features you use.",
    ],
    docs: [DOCS.httpStatusCodes],
    match: (s) => s.status === 400 || s.status === 405 || s.status === 415,
  }),
]);
