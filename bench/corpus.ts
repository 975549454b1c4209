/**
 * The failures diagnose() is measured on, each built fresh and never enriched, so that every call
 * classifies instead of finding an attached diagnosis: what Node.js and the SDK throw for TLS and
 * network failures, every service text in the catalog, unknown errors, and 1 MB and 10 MB bodies.
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

function request(
  path = COUNT_PATH,
  method: "GET" | "PUT" = "GET",
  auth: "apiKey" | "bearer" = "apiKey",
): PipelineRequest {
  const headers = createHttpHeaders({
    // As the SDK sends it: the service is read from it, as from every real failure.
    "user-agent": "azsdk-js-search-documents/13.0.0 core-rest-pipeline/1.25.1 Node/24.21.0 OS/(x86_64-Linux)",
    ...(auth === "apiKey"
      ? { "api-key": "bench-admin-key-0123456789" }
      : { authorization: "Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl" }),
  });
  return createPipelineRequest({ url: `${HOST}${path}`, method, headers });
}

function transport(code: string, message: string): RestError {
  return new RestError(message, { code, request: request() });
}

interface ResponseSpec {
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
  const req = request(spec.path, spec.method, spec.auth);
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
      name: "AuthenticationError",
      error: named("AuthenticationError", new Error("AADSTS7000215: Invalid client secret provided.")),
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
  return entries;
}
