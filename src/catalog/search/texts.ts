import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { anyOf, mentions, serviceSays } from "../match.js";

/** The service's words for a role-based refusal. */
const AUTHORIZATION_TEXTS = anyOf("authorization failed", "checkaccess api call");

/** The service's words when semantic ranking is off. */
const SEMANTIC_OFF_TEXTS = anyOf("semanticqueriesnotavailable", "semantic search is not enabled");

/** The service's words for a missing index. */
const MISSING_INDEX_TEXTS = anyOf("the index '", "index was not found");

/** The service's words for an api-version it does not take. */
const API_VERSION_TEXTS = anyOf(
  "invalid or missing api-version",
  "api-version query string",
  "api-version is not supported",
);

/** Azure AI Search answers, matched on their texts first and on status and context after. */
export const searchTextRules = forService("search", [
  rule({
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
  }),
  rule({
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
    match: (s) => s.status === 403 && mentions(s, AUTHORIZATION_TEXTS),
  }),
  rule({
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
  }),
  rule({
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
      serviceSays(s, SEMANTIC_OFF_TEXTS) ||
      (s.serviceCode === "FeatureNotSupportedInService" && mentions(s, "semantic")),
  }),
  rule({
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
  }),
  rule({
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
    match: (s) => s.status === 404 && mentions(s, MISSING_INDEX_TEXTS),
  }),
  rule({
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
  }),
  rule({
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
    match: (s) => s.status === 400 && mentions(s, API_VERSION_TEXTS),
  }),
  rule({
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
  }),
]);
