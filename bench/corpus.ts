/**
 * The failures diagnose() is measured on, each built fresh and never enriched, so that every call
 * classifies instead of finding an attached diagnosis: what Node.js and the SDK throw for TLS and
 * network failures, every Search text in the catalog, the common failures of Storage, Key Vault, App
 * Configuration, Resource Manager, Entra ID and the openai package, unknown errors, and 1 MB and 10 MB
 * bodies.
 */
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { SCENARIOS } from "../standin/search.js";

/** One failure and the cause it should be given (undefined: no known cause fits). */
export interface CorpusEntry {
  name: string;
  error: unknown;
  expected: string | undefined;
}

const HOST = "https://bench.search.windows.net";
const COUNT_PATH = "/indexes('hotels')/docs/$count?api-version=2025-09-01";

const SEARCH_PACKAGE = "search-documents/13.0.0";

function request(
  path = COUNT_PATH,
  method: "GET" | "PUT" = "GET",
  auth: "apiKey" | "bearer" = "apiKey",
  host = HOST,
  clientPackage = SEARCH_PACKAGE,
): PipelineRequest {
  const headers = createHttpHeaders({
    // As the SDK sends it: the service is read from it, as from every real failure.
    "user-agent": `azsdk-js-${clientPackage} core-rest-pipeline/1.25.1 Node/24.21.0 OS/(x86_64-Linux)`,
    ...(auth === "apiKey"
      ? { "api-key": "bench-admin-key-0123456789" }
      : { authorization: "Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl" }),
  });
  return createPipelineRequest({ url: `${host}${path}`, method, headers });
}

function transport(code: string, message: string): RestError {
  return new RestError(message, { code, request: request() });
}

interface ResponseSpec {
  /** The service's origin and its client package. Default to a Search service and search-documents. */
  host?: string;
  clientPackage?: string;
  status: number;
  body?: string;
  headers?: Record<string, string>;
  fromAzure?: boolean;
  path?: string;
  method?: "GET" | "PUT";
  auth?: "apiKey" | "bearer";
}

/** An error response as the policy sees it, thrown as a RestError like the SDK's deserializers do. */
function response(spec: ResponseSpec): RestError {
  const req = request(spec.path, spec.method, spec.auth, spec.host, spec.clientPackage);
  const res: PipelineResponse = {
    status: spec.status,
    request: req,
    bodyAsText: spec.body ?? "",
    headers: createHttpHeaders({
      "content-type": "application/json; charset=utf-8",
      ...(spec.fromAzure === false ? {} : { "request-id": "00000000-0000-0000-0000-0000000000aa" }),
      ...spec.headers,
    }),
  };
  return new RestError(`Unexpected status code: ${spec.status}`, {
    statusCode: spec.status,
    request: req,
    response: res,
  });
}

const envelope = (message: string, code = ""): string => JSON.stringify({ error: { code, message } });

const SCENARIO_CAUSES: Record<string, string> = {
  "missing-index": "indexNotFound",
  throttled: "throttled",
  "index-quota": "quotaExceeded",
  "semantic-quota": "semanticQuotaExceeded",
  "semantic-off": "semanticNotEnabled",
  "cmk-access-denied": "keyVaultAccessDenied",
  "cmk-uri": "keyVaultUriUnresolved",
  "cmk-key-missing": "keyVaultKeyNotFound",
  "cmk-no-identity": "managedIdentityNotDefined",
  "cmk-app-id": "applicationIdInvalid",
  "cmk-app-secret": "applicationSecretInvalid",
  "cmk-revoked": "encryptionKeyRevoked",
  "too-large": "requestTooLarge",
  "etag-changed": "preconditionFailed",
  "proxy-page": "gatewayError",
};

function named(name: string, error: Error): Error {
  error.name = name;
  return error;
}

/** Builds the corpus; the two large bodies are made once per call. */
export function buildCorpus(): CorpusEntry[] {
  const entries: CorpusEntry[] = [
    {
      name: "TLS self-signed leaf",
      error: transport(
        "DEPTH_ZERO_SELF_SIGNED_CERT",
        "self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
      ),
      expected: "tlsUntrustedCertificate",
    },
    {
      name: "TLS inspecting proxy chain",
      error: transport("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
      expected: "tlsUntrustedCertificate",
    },
    {
      name: "TLS missing intermediate",
      error: transport("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
      expected: "tlsUntrustedCertificate",
    },
    {
      name: "TLS expired",
      error: transport("CERT_HAS_EXPIRED", "certificate has expired"),
      expected: "tlsCertificateExpired",
    },
    {
      name: "TLS not yet valid",
      error: transport("CERT_NOT_YET_VALID", "certificate is not yet valid"),
      expected: "tlsCertificateNotYetValid",
    },
    {
      name: "TLS name mismatch",
      error: transport(
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "Hostname/IP does not match certificate's altnames: Host: bench.search.windows.net. is not in the cert's altnames: DNS:other.example",
      ),
      expected: "tlsHostnameMismatch",
    },
    {
      name: "TLS 1.0/1.1 only",
      error: transport(
        "EPROTO",
        "write EPROTO 40B8:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:916:SSL alert number 70",
      ),
      expected: "tlsVersionUnsupported",
    },
    {
      name: "TLS to a plain-HTTP port",
      error: transport(
        "EPROTO",
        "write EPROTO 40B8:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:80:",
      ),
      expected: "endpointNotTls",
    },
    {
      name: "plain http refused by the SDK",
      error: new Error(
        "Cannot connect to http://bench.search.windows.net/indexes while allowInsecureConnection is false.",
      ),
      expected: "httpNotHttps",
    },
    {
      name: "ENOTFOUND",
      error: transport("ENOTFOUND", "getaddrinfo ENOTFOUND bench.search.windows.net"),
      expected: "dnsNotFound",
    },
    {
      name: "EAI_AGAIN",
      error: transport("EAI_AGAIN", "getaddrinfo EAI_AGAIN bench.search.windows.net"),
      expected: "dnsTemporaryFailure",
    },
    {
      name: "ECONNREFUSED",
      error: transport("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443"),
      expected: "connectionRefused",
    },
    {
      name: "ECONNRESET handshake",
      error: transport(
        "ECONNRESET",
        "Client network socket disconnected before secure TLS connection was established",
      ),
      expected: "connectionReset",
    },
    { name: "socket hang up", error: transport("ECONNRESET", "socket hang up"), expected: "connectionReset" },
    {
      name: "ETIMEDOUT",
      error: transport("ETIMEDOUT", "connect ETIMEDOUT 20.42.0.1:443"),
      expected: "connectTimeout",
    },
    {
      name: "Node system error",
      error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
      expected: "connectionRefused",
    },
    {
      name: "CredentialUnavailableError",
      error: named("CredentialUnavailableError", new Error("EnvironmentCredential is unavailable.")),
      expected: "credentialUnavailable",
    },
    {
      name: "AuthenticationError, a code without a cause of its own",
      error: named("AuthenticationError", new Error("AADSTS9002313: Invalid request.")),
      expected: "tokenRequestFailed",
    },
    {
      name: "13.0.0 empty-body TypeError",
      error: Object.assign(new TypeError("Cannot read properties of undefined (reading 'error')"), {
        // Where search-documents 13 throws it, as Node prints the frame.
        stack:
          "TypeError: Cannot read properties of undefined (reading 'error')\n    at _getDocumentsCountDeserialize (file:///app/node_modules/@azure/search-documents/dist/esm/search/api/operations.js:412:31)",
      }),
      expected: "emptyErrorResponse",
    },
    {
      name: "an application's TypeError of the same words",
      error: new TypeError("Cannot read properties of undefined (reading 'error')"),
      expected: undefined,
    },
    {
      name: "403 empty, query key on document read",
      error: response({ status: 403 }),
      expected: "invalidApiKey",
    },
    {
      name: "403 empty, index management",
      error: response({ status: 403, path: "/indexes('hotels')?api-version=2025-09-01", method: "PUT" }),
      expected: "queryKeyForAdminOperation",
    },
    {
      name: "403 Authorization failed.",
      error: response({ status: 403, body: envelope("Authorization failed."), auth: "bearer" }),
      expected: "missingRoleAssignment",
    },
    {
      name: "403 CheckAccess text/plain",
      error: response({
        status: 403,
        body: "CheckAccess API call with non successful response. StatusCode: Forbidden",
        headers: { "content-type": "text/plain" },
        auth: "bearer",
      }),
      expected: "missingRoleAssignment",
    },
    {
      name: "403 key in query string",
      error: response({
        status: 403,
        body: envelope("The given API key is not permitted in the URI query string."),
      }),
      expected: "apiKeyInQueryString",
    },
    {
      name: "401 bearer, API keys only",
      error: response({
        status: 401,
        headers: {
          "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common"',
        },
        auth: "bearer",
      }),
      expected: "rbacNotEnabled",
    },
    {
      name: "400 unknown semantic configuration",
      error: response({
        status: 400,
        body: envelope("Unknown semantic configuration 'default'.", "InvalidRequestParameter"),
      }),
      expected: "semanticConfigurationNotFound",
    },
    {
      name: "400 api-version",
      error: response({
        status: 400,
        body: envelope("Invalid or missing api-version query string parameter."),
      }),
      expected: "invalidApiVersion",
    },
    {
      name: "429 storage quota",
      error: response({
        status: 429,
        body: envelope(
          "Storage quota has been exceeded for this service. You must either delete documents first, or use a higher SKU for additional quota.",
        ),
      }),
      expected: "quotaExceeded",
    },
    {
      name: "407 proxy",
      error: response({ status: 407, fromAzure: false }),
      expected: "proxyAuthenticationRequired",
    },
    {
      name: "409 conflict",
      error: response({ status: 409, body: envelope("Conflict.") }),
      expected: "writeConflict",
    },
    {
      name: "500 service",
      error: response({ status: 500, body: envelope("An internal error occurred.") }),
      expected: "serviceError",
    },
    {
      name: "paged 403",
      error: new RestError("Pagination failed with unexpected statusCode 403", {
        statusCode: 403,
        request: request("/indexes?api-version=2025-09-01"),
      }),
      expected: "queryKeyForAdminOperation",
    },
    { name: "unknown Error", error: new Error("Something else went wrong."), expected: undefined },
    { name: "unknown TypeError", error: new TypeError("x is not a function"), expected: undefined },
    { name: "a string", error: "failed", expected: undefined },
    { name: "a number", error: 42, expected: undefined },
    { name: "null", error: null, expected: undefined },
    { name: "a plain object", error: { reason: "unknown" }, expected: undefined },
    {
      name: "1 MB HTML body, no request id",
      error: response({
        status: 502,
        body: `<html><body>${"<p>corporate proxy</p>".repeat(50_000)}</body></html>`.padEnd(1024 * 1024, " "),
        headers: { "content-type": "text/html" },
        fromAzure: false,
      }),
      expected: "gatewayError",
    },
    {
      name: "10 MB JSON body",
      error: response({
        status: 500,
        body: `{"error":{"code":"","message":"${"x".repeat(10 * 1024 * 1024)}"}}`,
      }),
      expected: "serviceError",
    },
  ];
  for (const [index, scenario] of Object.entries(SCENARIOS)) {
    entries.push({
      name: `service: ${index}`,
      error: response({
        status: scenario.status,
        body: scenario.body,
        headers: scenario.headers,
        fromAzure: !scenario.foreign,
        path: `/indexes('${index}')/docs/$count?api-version=2025-09-01`,
      }),
      expected: SCENARIO_CAUSES[index],
    });
  }
  entries.push(...otherServices());
  return entries;
}

/** The common failures of the other services, as their clients or the policy see them. */
function otherServices(): CorpusEntry[] {
  const blob = { host: "https://bench.blob.core.windows.net", clientPackage: "storage-blob/12.34.0" };
  const vault = { host: "https://bench.vault.azure.net", clientPackage: "keyvault-secrets/4.12.0" };
  const config = { host: "https://bench.azconfig.io", clientPackage: "app-configuration/1.13.0" };
  const arm = { host: "https://management.azure.com", clientPackage: "arm-resources/8.0.0" };
  const xml = (code: string, message: string, detail = ""): ResponseSpec => ({
    ...blob,
    status: 403,
    path: "/photos?restype=container",
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:6b1f\nTime:2026-11-28T10:00:00Z</Message>${detail}</Error>`,
    headers: { "content-type": "application/xml", "x-ms-error-code": code },
  });
  const inner = (code: string, innerCode: string, message: string) =>
    JSON.stringify({ error: { code, message, innererror: { code: innerCode } } });
  return [
    {
      name: "storage 403 AuthorizationPermissionMismatch",
      error: response(
        xml(
          "AuthorizationPermissionMismatch",
          "This request is not authorized to perform this operation using this permission.",
        ),
      ),
      expected: "storagePermissionMismatch",
    },
    {
      name: "storage 403 SAS time window",
      error: response(
        xml(
          "AuthenticationFailed",
          "Server failed to authenticate the request.",
          "<AuthenticationErrorDetail>Signature not valid in the specified time frame: Start [Mon, 01 Jan 2024 00:00:00 GMT] - Expiry [Tue, 02 Jan 2024 00:00:00 GMT] - Current [Sat, 28 Nov 2026 10:00:00 GMT]</AuthenticationErrorDetail>",
        ),
      ),
      expected: "storageSasExpired",
    },
    {
      name: "storage HEAD 403, header code only",
      error: response({ ...xml("AuthorizationFailure", ""), body: "" }),
      expected: "storageNetworkRuleBlocked",
    },
    {
      name: "key vault 403 ForbiddenByRbac",
      error: response({
        ...vault,
        status: 403,
        auth: "bearer",
        path: "/secrets/db?api-version=2025-07-01",
        body: inner(
          "Forbidden",
          "ForbiddenByRbac",
          "Caller is not authorized to perform action on resource.\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
        ),
      }),
      expected: "keyVaultRbacDenied",
    },
    {
      name: "key vault 403 ForbiddenByFirewall",
      error: response({
        ...vault,
        status: 403,
        auth: "bearer",
        path: "/secrets/db?api-version=2025-07-01",
        body: inner(
          "Forbidden",
          "ForbiddenByFirewall",
          "Client address is not authorized and caller is not a trusted service.",
        ),
        headers: {
          "x-ms-keyvault-network-info": "conn_type=Ipv4;addr=203.0.113.7;act_addr_fam=InterNetwork;",
        },
      }),
      expected: "keyVaultFirewallBlocked",
    },
    {
      name: "app configuration 401 Invalid Signature",
      error: response({
        ...config,
        status: 401,
        path: "/kv/app:greeting?api-version=2023-11-01",
        headers: {
          "www-authenticate":
            'HMAC-SHA256 error="invalid_token" error_description="Invalid Signature", Bearer',
        },
      }),
      expected: "appConfigSignatureInvalid",
    },
    {
      name: "app configuration 403 ip-address-rejected",
      error: response({
        ...config,
        status: 403,
        auth: "bearer",
        path: "/kv/app:greeting?api-version=2023-11-01",
        body: JSON.stringify({
          type: "https://azconfig.io/errors/ip-address-rejected",
          title: "Access to this resource is governed by a network access policy.",
          status: 403,
        }),
        headers: { "content-type": "application/problem+json; charset=utf-8" },
      }),
      expected: "appConfigNetworkBlocked",
    },
    {
      name: "resource manager 403 AuthorizationFailed",
      error: response({
        ...arm,
        status: 403,
        auth: "bearer",
        path: "/subscriptions/0000/resourcegroups/app-rg?api-version=2025-04-01",
        body: envelope(
          "The client 'a11d' with object id 'b1' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/0000/resourcegroups/app-rg' or the scope is invalid.",
          "AuthorizationFailed",
        ),
      }),
      expected: "armAuthorizationFailed",
    },
    {
      name: "resource manager 429 throttled",
      error: response({
        ...arm,
        status: 429,
        auth: "bearer",
        path: "/subscriptions/0000/resourcegroups/app-rg?api-version=2025-04-01",
        body: envelope(
          "Number of 'read' requests for subscription '0000' exceeded.",
          "SubscriptionRequestsThrottled",
        ),
        headers: { "retry-after": "5", "x-ms-ratelimit-remaining-subscription-reads": "0" },
      }),
      expected: "armThrottled",
    },
    {
      name: "entra AADSTS7000215",
      error: Object.assign(
        new Error(
          "invalid_client: Error(s): 7000215 - Timestamp: 2026-11-28 10:00:00Z - Description: AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0a1b\r\nCorrelation ID: 2c3d",
        ),
        { name: "AuthenticationRequiredError" },
      ),
      expected: "entraClientSecretInvalid",
    },
    {
      name: "openai 404 DeploymentNotFound",
      error: Object.assign(new Error("404 The API deployment for this resource does not exist."), {
        status: 404,
        error: {
          code: "DeploymentNotFound",
          message: "The API deployment for this resource does not exist.",
        },
        headers: new Headers({ "apim-request-id": "5e1b6c1a-0000-4000-8000-000000000001" }),
      }),
      expected: "unrecognizedServiceError",
    },
  ];
}
