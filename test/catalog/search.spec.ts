import { describeDomain, type ResponseFailure } from "./tester.js";

const envelope = (message: string, code = ""): string => JSON.stringify({ error: { code, message } });

/** Paths of Search operations, by what they do. */
const COUNT = "/indexes('hotels')/docs/$count";
const INDEX = "/indexes('hotels')";
const STATS = "/servicestats";

const search = (failure: Omit<ResponseFailure, "service">): ResponseFailure => ({
  service: "search",
  ...failure,
});

describeDomain("Azure AI Search: what the service says", {
  causes: {
    apiKeyInQueryString: {
      fits: [
        search({
          status: 403,
          body: envelope("The given API key is not permitted in the URI query string."),
        }),
      ],
      doesNotFit: [
        search({
          status: 400,
          body: envelope("The given API key is not permitted in the URI query string."),
        }),
      ],
    },
    missingRoleAssignment: {
      fits: [
        search({ status: 403, credential: "bearer", body: envelope("Authorization failed.") }),
        search({
          status: 403,
          credential: "bearer",
          body: "CheckAccess API call with non successful response. StatusCode: Forbidden",
          headers: { "content-type": "text/plain" },
        }),
      ],
      doesNotFit: [search({ status: 401, credential: "bearer", body: envelope("Authorization failed.") })],
    },
    semanticQuotaExceeded: {
      fits: [
        search({ status: 402, body: envelope("Free Query Semantic Usage exceeded for the month.") }),
        search({ status: 402 }),
      ],
      doesNotFit: [
        search({ status: 429, body: envelope("Index quota has been exceeded for this service.") }),
      ],
    },
    semanticNotEnabled: {
      fits: [
        search({
          status: 400,
          body: envelope("Semantic search is not enabled for this service.", "FeatureNotSupportedInService"),
        }),
        search({ status: 400, body: envelope("SemanticQueriesNotAvailable") }),
      ],
      doesNotFit: [
        search({
          status: 400,
          body: envelope("Vector search is not enabled.", "FeatureNotSupportedInService"),
        }),
      ],
    },
    semanticConfigurationNotFound: {
      fits: [
        search({
          status: 400,
          body: envelope("Unknown semantic configuration 'default'.", "InvalidRequestParameter"),
        }),
      ],
      doesNotFit: [search({ status: 404, body: envelope("Unknown semantic configuration 'default'.") })],
    },
    indexNotFound: {
      fits: [
        search({
          status: 404,
          path: COUNT,
          body: envelope("The index 'hotels' for service 'contoso' was not found."),
        }),
      ],
      doesNotFit: [
        search({ status: 404, path: "/indexers('daily')", body: envelope("Indexer 'daily' was not found.") }),
      ],
    },
    quotaExceeded: {
      fits: [
        search({
          status: 429,
          body: envelope(
            "Index quota has been exceeded for this service. Maximum number of indexes allowed: 3",
          ),
        }),
        search({ status: 403, body: envelope("Storage quota has been exceeded for this service.") }),
      ],
      doesNotFit: [search({ status: 429 })],
    },
    invalidApiVersion: {
      fits: [
        search({ status: 400, body: envelope("Invalid or missing api-version query string parameter.") }),
      ],
      doesNotFit: [search({ status: 400, body: envelope("The request is invalid.") })],
    },
    publicAccessDisabled: {
      fits: [search({ status: 403, body: envelope("Public network access is disabled for this service.") })],
      doesNotFit: [search({ status: 403 })],
    },
  },
});

describeDomain("Azure AI Search: customer-managed keys in Key Vault", {
  causes: {
    keyVaultAccessDenied: {
      fits: [400, 403].map((status) =>
        search({
          status,
          path: INDEX,
          method: "PUT",
          body: envelope("Access to the required key vault permissions was denied."),
        }),
      ),
      doesNotFit: [
        search({ status: 500, body: envelope("Access to the required key vault permissions was denied.") }),
      ],
    },
    keyVaultUriUnresolved: {
      fits: [
        search({
          status: 400,
          body: envelope("Could not resolve the key vault uri 'https://gone.vault.azure.net'."),
        }),
      ],
      doesNotFit: [search({ status: 404, body: envelope("Could not resolve the key vault uri.") })],
    },
    keyVaultKeyNotFound: {
      fits: [search({ status: 403, body: envelope("The key cannot be found in the key vault.") })],
      doesNotFit: [search({ status: 404, body: envelope("The key cannot be found.") })],
    },
    managedIdentityNotDefined: {
      fits: [search({ status: 400, body: envelope("Service does not have a managed identity defined.") })],
      doesNotFit: [
        search({ status: 401, body: envelope("Service does not have a managed identity defined.") }),
      ],
    },
    applicationIdInvalid: {
      fits: [search({ status: 400, body: envelope("The provided application id is invalid.") })],
      doesNotFit: [search({ status: 400, body: envelope("The provided application secret is invalid.") })],
    },
    applicationSecretInvalid: {
      fits: [search({ status: 403, body: envelope("The provided application secret is invalid.") })],
      doesNotFit: [search({ status: 400, body: envelope("The provided application id is invalid.") })],
    },
    encryptionKeyRevoked: {
      fits: [
        search({
          status: 403,
          body: envelope("Access forbidden. The query key used might have been revoked - please retry."),
        }),
      ],
      doesNotFit: [search({ status: 403, body: envelope("Access forbidden.") })],
    },
  },
});

describeDomain("Azure AI Search: status, credential and operation", {
  causes: {
    rbacNotEnabled: {
      fits: [
        search({ status: 401, credential: "bearer" }),
        search({
          status: 401,
          credential: "none",
          headers: { "www-authenticate": 'Bearer authorization_uri="x"' },
        }),
      ],
      doesNotFit: [
        search({ status: 401, credential: "apiKey" }),
        search({ status: 403, credential: "bearer" }),
      ],
    },
    queryKeyForAdminOperation: {
      fits: [
        search({ status: 403, path: INDEX, method: "PUT" }),
        search({ status: 403, path: STATS }),
        search({ status: 403, path: "/indexes('hotels')/docs/search.index", method: "POST" }),
      ],
      doesNotFit: [
        search({ status: 403, path: COUNT }),
        search({ status: 403, path: STATS, credential: "bearer" }),
      ],
    },
    invalidApiKey: {
      fits: [search({ status: 403, path: COUNT }), search({ status: 401, path: STATS })],
      doesNotFit: [
        search({ status: 403, path: STATS }),
        search({ status: 403, path: COUNT, credential: "bearer" }),
      ],
    },
    ipFirewallBlocked: {
      fits: [
        search({ status: 403, path: COUNT, credential: "bearer" }),
        search({ status: 403, path: COUNT, credential: "none" }),
      ],
      doesNotFit: [
        search({ status: 403, path: COUNT }),
        search({ status: 403, credential: "bearer", body: envelope("Authorization failed.") }),
      ],
    },
    requestTooLarge: {
      fits: [search({ status: 413, method: "POST" })],
      doesNotFit: [search({ status: 400 })],
    },
    preconditionFailed: {
      fits: [
        search({
          status: 412,
          body: envelope("The precondition given in one of the request headers evaluated to false."),
        }),
      ],
      doesNotFit: [search({ status: 409 })],
    },
    writeConflict: {
      fits: [search({ status: 409, method: "PUT", path: INDEX })],
      doesNotFit: [search({ status: 412 })],
    },
    throttled: {
      fits: [
        search({
          status: 503,
          body: envelope("Failed to execute query because not enough resources were available."),
        }),
        search({ status: 429 }),
      ],
      doesNotFit: [
        search({ status: 429, body: envelope("Index quota has been exceeded for this service.") }),
      ],
    },
    serviceError: {
      fits: [500, 502, 504].map((status) => search({ status })),
      doesNotFit: [search({ status: 502, scheme: "http" }), search({ status: 503 })],
    },
    resourceNotFound: {
      fits: [search({ status: 404, path: "/indexers('daily')" })],
      doesNotFit: [
        search({
          status: 404,
          path: COUNT,
          body: envelope("The index 'hotels' for service 'contoso' was not found."),
        }),
      ],
    },
    invalidRequest: {
      fits: [400, 405, 415].map((status) => search({ status, body: envelope("The request is invalid.") })),
      doesNotFit: [
        search({ status: 400, body: envelope("Invalid or missing api-version query string parameter.") }),
      ],
    },
  },
});

describeDomain("Azure AI Search: the SDK around a response", {
  causes: {
    emptyErrorResponse: {
      fits: [
        { thrown: new TypeError("Cannot read properties of undefined (reading 'error')"), service: "search" },
      ],
      doesNotFit: [
        // An application's own TypeError of the same words, thrown far from the Search client.
        { thrown: new TypeError("Cannot read properties of undefined (reading 'error')") },
        {
          thrown: new TypeError("Cannot read properties of undefined (reading 'error')"),
          service: "storage",
        },
      ],
    },
  },
  findings: [
    "unexpectedEndpoint",
    "apiKeysDisabled",
    "tokenAudienceMismatch",
    "tokenTenantMismatch",
    "tokenExpired",
  ],
});
