import type { DiagnosisRule, FailureSignals, OperationKind } from "../diagnosis.js";
import { DOCS } from "./docs.js";
import { isUnexplained, mentions, serviceSays } from "./match.js";

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

/** Azure AI Search answers, matched on their texts first and on status and context after. */
export const searchTextRules: readonly DiagnosisRule[] = [
  {
    cause: "apiKeyInQueryString",
    category: "authentication",
    statuses: [403],
    signal: "403 `The given API key is not permitted in the URI query string.`",
    summary: "An admin key was sent in the URL's query string, where the service refuses it.",
    remediation: [
      "Pass the key as an AzureKeyCredential to the client, which sends it in the api-key header.",
      "Regenerate the key if URLs with it may have been logged.",
    ],
    docs: [DOCS.apiKeys],
    match: (s) => serviceSays(s, "api key is not permitted in the uri query string"),
  },
  {
    cause: "missingRoleAssignment",
    category: "authorization",
    statuses: [403],
    signal: "403 `Authorization failed.` or `CheckAccess API call with non successful response`",
    summary:
      "The Microsoft Entra identity was authenticated but holds no data-plane role on the search service for this operation.",
    remediation: [
      "Assign the identity a Search role on the service: Search Index Data Reader to query, Search Index Data Contributor to write documents, Search Service Contributor to manage indexes and indexers. Owner and Contributor do not grant data access.",
      "Wait 5 to 10 minutes after assigning a role (managed identities can take longer), then retry.",
      "Check the role is on the right scope: the search service itself or one of its indexes.",
    ],
    docs: [DOCS.roleAssignments, DOCS.keyless],
    match: (s) => s.status === 403 && mentions(s, "authorization failed", "checkaccess api call"),
  },
  {
    cause: "semanticQuotaExceeded",
    category: "quota",
    signal: "402 `Free Query Semantic Usage exceeded`",
    summary: "The free monthly quota of semantic ranker queries is used up.",
    remediation: [
      "Switch the semantic ranker to the Standard plan (Semantic ranker in the portal) to pay per query beyond the free quota.",
      "Or send the query without queryType semantic until the quota resets next month.",
    ],
    docs: [DOCS.semanticRanker],
    match: (s) => s.status === 402 || serviceSays(s, "free query semantic usage exceeded"),
  },
  {
    cause: "semanticNotEnabled",
    category: "configuration",
    statuses: [400],
    signal: "400 `FeatureNotSupportedInService` semantic / `SemanticQueriesNotAvailable`",
    summary: "The query asks for the semantic ranker, which is not enabled on this service.",
    remediation: [
      "Enable the semantic ranker on the service (Semantic ranker in the portal, Free or Standard plan); it needs the Basic tier or higher.",
      "Or send the query without queryType semantic.",
    ],
    docs: [DOCS.semanticRanker],
    match: (s) =>
      serviceSays(s, "semanticqueriesnotavailable", "semantic search is not enabled") ||
      (s.serviceCode === "FeatureNotSupportedInService" && mentions(s, "semantic")),
  },
  {
    cause: "semanticConfigurationNotFound",
    category: "request",
    statuses: [400],
    signal: "400 `Unknown semantic configuration`",
    summary: "The query names a semantic configuration the index does not define.",
    remediation: [
      "Check semanticSearchOptions.configurationName against the semantic configurations in the index definition (names are case-sensitive).",
    ],
    docs: [DOCS.semanticRanker],
    match: (s) => serviceSays(s, "unknown semantic configuration"),
  },
  {
    cause: "indexNotFound",
    category: "request",
    statuses: [404],
    signal: "404 `The index '...' for service '...' was not found.`",
    summary:
      "The index does not exist on this service: the name is wrong (names are case-sensitive), it was deleted, or the endpoint is another service.",
    remediation: [
      "List the indexes with SearchIndexClient.listIndexesNames() and compare the name letter by letter.",
      "Check that the endpoint is the service that holds the index, and that an alias, if you use one, points to it.",
    ],
    docs: [DOCS.httpStatusCodes],
    match: (s) => s.status === 404 && mentions(s, "the index '", "index was not found"),
  },
  {
    cause: "quotaExceeded",
    category: "quota",
    statuses: [429, 403],
    signal: "429 `quota has been exceeded`",
    summary: "The service has reached a limit of its pricing tier: indexes, storage or vector index size.",
    remediation: [
      "Read the message for which quota it is, then delete what is no longer needed (indexes or documents).",
      "Or add partitions, or move to a higher tier, for more room.",
    ],
    docs: [DOCS.limits],
    match: (s) => (s.status === 429 || s.status === 403) && mentions(s, "quota has been exceeded"),
  },
  {
    cause: "invalidApiVersion",
    category: "request",
    statuses: [400],
    signal: "400 `Invalid or missing api-version query string parameter.`",
    summary: "The service does not accept the api-version the client sent.",
    remediation: [
      "Use the api-version your @azure/search-documents version was built for: remove serviceVersion or apiVersion from the client options.",
      "If you set it on purpose, choose a version from the list of supported API versions.",
    ],
    docs: [DOCS.apiVersions],
    match: (s) =>
      s.status === 400 &&
      mentions(
        s,
        "invalid or missing api-version",
        "api-version query string",
        "api-version is not supported",
      ),
  },
  {
    cause: "publicAccessDisabled",
    category: "network",
    statuses: [403],
    signal: "403 naming public network access",
    summary:
      "The service refuses requests over the public internet: public network access is disabled and only private endpoints are allowed.",
    remediation: [
      "Call the service from a network linked to its private endpoint, resolving the name to the private address.",
      "Or enable public network access (Networking in the portal), limited to your addresses with IP rules.",
    ],
    docs: [DOCS.privateEndpoints, DOCS.ipFirewall],
    match: (s) => s.status === 403 && mentions(s, "public network access"),
  },
];

/** Search answers told apart by status, credential and operation alone. */
export const searchStatusRules: readonly DiagnosisRule[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    cause: "writeConflict",
    category: "request",
    statuses: [409],
    signal: "HTTP 409",
    summary: "Another change to the same resource was in progress.",
    remediation: ["Retry after a short wait; if it persists, serialise the writes to that resource."],
    docs: [DOCS.httpStatusCodes],
    retryable: true,
    match: (s) => s.status === 409,
  },
  {
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
  },
  {
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
  },
  {
    cause: "resourceNotFound",
    category: "request",
    statuses: [404],
    signal: "HTTP 404",
    summary:
      "The service has no resource at that name: an index, indexer, data source, skillset, synonym map, alias or document.",
    remediation: ["Check the name (case-sensitive) and that the endpoint is the service that holds it."],
    docs: [DOCS.httpStatusCodes],
    match: (s) => s.status === 404,
  },
  {
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
  },
];

/** Failures of the SDK itself around a Search response. */
export const searchSdkRules: readonly DiagnosisRule[] = [
  {
    cause: "emptyErrorResponse",
    category: "sdk",
    statuses: [null],
    signal: "TypeError `Cannot read properties of undefined (reading 'error')`",
    summary:
      "@azure/search-documents 13 turned an error response with an empty body (a 401, 403, 404, 407, 429 or 503) into a TypeError, hiding the status.",
    remediation: [
      "Add diagnosisPolicy() to the client: it turns such responses into a RestError with the status and its diagnosis.",
      "Until then, set AZURE_LOG_LEVEL=info to see the status of each response in the log.",
    ],
    docs: [DOCS.httpStatusCodes],
    confidence: "inferred",
    match: (s) => s.status === undefined && mentions(s, "reading 'error'"),
  },
];
