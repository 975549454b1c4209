/**
 * The shapes every part of the package shares: what a failure looks like to a rule, what a rule is,
 * and what a diagnosis says. This module imports nothing, so any module may import it.
 */

/** The family a cause belongs to. */
export type DiagnosisCategory =
  | "authentication"
  | "authorization"
  | "tls"
  | "network"
  | "configuration"
  | "encryptionKey"
  | "quota"
  | "throttling"
  | "request"
  | "service"
  | "gateway"
  | "sdk";

/**
 * How sure a diagnosis is: `"exact"` when the signal names the cause (a Node error code, a service
 * message), `"inferred"` when only the context points to it (an empty 403, say).
 */
export type DiagnosisConfidence = "exact" | "inferred";

/**
 * The Azure service a request went to, read from the client's `User-Agent` (`azsdk-js-storage-blob/...`)
 * or the host name (`*.vault.azure.net`): Azure AI Search, Azure Storage, Azure Key Vault, Azure App
 * Configuration, Azure Resource Manager, Microsoft Entra ID. A credential's failure (an AADSTS code, an
 * `@azure/identity` error) is Microsoft Entra ID's, whichever client was waiting for the token.
 */
export type ServiceId =
  "search" | "storage" | "keyVault" | "appConfiguration" | "resourceManager" | "entraId";

/**
 * What an Azure AI Search request was doing, read from its method and path. `"other"` for anything
 * that is not a Search data-plane path.
 */
export type OperationKind =
  | "documentRead"
  | "documentWrite"
  | "indexManagement"
  | "indexerManagement"
  | "dataSourceManagement"
  | "skillsetManagement"
  | "synonymMapManagement"
  | "aliasManagement"
  | "knowledgeManagement"
  | "serviceStatistics"
  | "other";

/**
 * Which credential a request carried, never its value, as read from its headers and URL by the table
 * of secrets (`secrets.ts`):
 *
 * - `"apiKey"`: a service key sent as it is (`api-key`: Azure AI Search, Azure OpenAI; `x-api-key`;
 *   `aeg-sas-key`: Event Grid; `?api-key=`).
 * - `"subscriptionKey"`: a Cognitive Services, API Management or Azure Maps subscription key.
 * - `"functionKey"`: an Azure Functions key (`x-functions-key`, `?code=`).
 * - `"bearer"`: a Microsoft Entra ID token (`Authorization: Bearer`, `?access_token=`).
 * - `"basic"`: a user name and password (`Authorization: Basic`).
 * - `"sharedKey"`: a Storage account key signature (`Authorization: SharedKey` or `SharedKeyLite`).
 * - `"sas"`: a shared access signature (Storage's `?sig=`, Service Bus and Event Hubs'
 *   `Authorization: SharedAccessSignature`, Event Grid's `aeg-sas-token`).
 * - `"hmac"`: an access key signature (`Authorization: HMAC-SHA256`: App Configuration, Communication
 *   Services).
 * - `"other"`: an `Authorization` header in a scheme this table does not name (Cosmos DB's
 *   `type=master&...` tokens, for one).
 * - `"none"`: no credential at all.
 */
export type CredentialKind =
  | "apiKey"
  | "subscriptionKey"
  | "functionKey"
  | "bearer"
  | "basic"
  | "sharedKey"
  | "sas"
  | "hmac"
  | "other"
  | "none";

/** The facts a diagnosis was made from. Never holds a secret, a URL query string or a body. */
export interface DiagnosisEvidence {
  /** The HTTP status of the response, when there was one. */
  status?: number;
  /** The service's error code (`error.code` in the body), when it was not empty. */
  serviceCode?: string;
  /** The Node.js or SDK error code of a thrown error, such as `"CERT_HAS_EXPIRED"`. */
  nodeCode?: string;
  /** The name of the thrown error, such as `"RestError"` or `"CredentialUnavailableError"`. */
  errorName?: string;
  /** The service's request id (`request-id` or `x-ms-request-id`), to quote to Azure support. */
  requestId?: string;
  /** The Azure service the request went to, when the client or the host name tells. */
  service?: ServiceId;
  /** The HTTP method of the request. */
  method?: string;
  /** The host name of the request, without port, path or query. */
  host?: string;
  /** What the request was doing. */
  operation?: OperationKind;
  /** Which credential the request carried. */
  credential?: CredentialKind;
}

/**
 * A classified failure: what went wrong, how sure that is, and what to do about it.
 *
 * @typeParam Cause - the cause ids it may name: the built-in `CauseId`, plus those of your own rules.
 */
export interface Diagnosis<Cause extends string = string> {
  /** The stable id of the cause. */
  cause: Cause;
  /** The family of the cause. */
  category: DiagnosisCategory;
  /** One sentence that says what went wrong. */
  summary: string;
  /** Ordered steps to fix it, each a full sentence. */
  remediation: readonly string[];
  /** Documentation links (https), most specific first. At least one. */
  docs: readonly string[];
  /** Whether the signal names the cause or the context only points to it. */
  confidence: DiagnosisConfidence;
  /** Other cause ids that fit the same signals, for an inferred diagnosis. */
  alternatives: readonly Cause[];
  /** Whether the same request may succeed if sent again later without a change. */
  retryable: boolean;
  /** The facts the diagnosis was made from. */
  evidence: DiagnosisEvidence;
  /**
   * What this failure itself said, in one short sentence built from redacted, bounded facts: the
   * service's own code and message, the product that answered. Absent when the cause says it all.
   */
  detail?: string;
}

/**
 * Everything a rule may look at to decide whether it matches a failure: the evidence plus bounded,
 * redacted texts of the error message and the response body.
 */
export interface FailureSignals extends DiagnosisEvidence {
  /** The error message (or `""`), redacted and cut to a bounded length. */
  message: string;
  /** The start of the response body (or `""`), redacted and cut to a bounded length. */
  body: string;
  /** The service's error message (`error.message` in a JSON body), when there was one. */
  serviceMessage?: string;
  /** The URL scheme of the request. */
  scheme?: "http" | "https";
  /** The response's content type, lower-cased. */
  contentType?: string;
  /** Whether the response carried an Azure request id: its absence suggests a proxy or gateway answered. */
  fromAzure: boolean;
  /** Whether the response asked for a bearer token (`WWW-Authenticate: Bearer`). */
  bearerChallenge: boolean;
  /**
   * The message, the service's message and the body excerpt, lower-cased and joined, for matching
   * phrases without regard to case; worked out on first use by the catalog's `mentions`, then kept here.
   */
  lowerCaseText?: string;
  /**
   * Why the service refused the credential, from its `WWW-Authenticate` header's `error_description`
   * (App Configuration's `"Invalid Signature"`), redacted and bounded.
   */
  challengeDescription?: string;
  /** The `type` of a problem+json body (`https://azconfig.io/errors/ip-address-rejected`), bounded. */
  problemType?: string;
  /**
   * Azure Storage's `AuthenticationErrorDetail` (a signature mismatch, a SAS time window, a token's
   * audience), from the XML body or the error's `details`, redacted and bounded.
   */
  authenticationDetail?: string;
  /**
   * The code one level inside the service's error: Key Vault's `error.innererror.code`
   * (`ForbiddenByRbac`), or Resource Manager's first `error.details[].code`.
   */
  innerCode?: string;
  /**
   * The client's public address as Azure Key Vault reported it (`x-ms-keyvault-network-info`, or
   * `Client address:` in its firewall message): the only address a signal ever holds.
   */
  clientAddress?: string;
  /** Resource Manager's `x-ms-failure-cause` header (`gateway`, `service`). */
  failureCause?: string;
  /** Seconds the service asked to wait, from `Retry-After` or `retry-after-ms`. */
  retryAfterSeconds?: number;
  /**
   * Resource Manager's rate-limit headers that stood at zero on a 429, such as
   * `"subscription-reads"`, comma-separated.
   */
  rateLimitExhausted?: string;
  /**
   * The Microsoft Entra ID error code (`AADSTS7000215`) found in the message or its `cause` chain, as
   * `@azure/identity` and MSAL report a refused token request.
   */
  entraCode?: string;

  // Who answered, and the path the request took: proxies, gateways and middleboxes.
  /** The response's `Server` header, redacted and bounded. */
  server?: string;
  /** The response's `Via` header, redacted and bounded. */
  via?: string;
  /** squid's own error header, `X-Squid-Error` (`ERR_ACCESS_DENIED 0`), redacted and bounded. */
  squidError?: string;
  /** The realm of a Basic challenge (`Proxy-Authenticate` or `WWW-Authenticate`), redacted and bounded. */
  basicRealm?: string;
  /** Whether the response carried `Proxy-Authenticate`: a proxy asked for credentials. */
  proxyChallenge?: boolean;
  /** The proxy the request went through, as `scheme://host:port`, never its credentials. */
  proxy?: string;
  /** Where that proxy came from: `"proxyOptions"` or the environment variable's name (`HTTPS_PROXY`). */
  proxySource?: string;
  /** Whether credentials went to that proxy (a user name or password in its URL or `proxyOptions`). */
  proxyCredentials?: boolean;
}

/**
 * What a rule's `match` may return to refine its entry for one failure.
 *
 * @typeParam Alternative - the cause ids it may name as alternatives.
 */
export interface RuleMatch<Alternative extends string = string> {
  /** Overrides the entry's confidence. */
  confidence?: DiagnosisConfidence;
  /** Other causes that fit. */
  alternatives?: readonly Alternative[];
  /** What this failure itself said: see {@link Diagnosis.detail}. */
  detail?: string;
}

/**
 * One known cause: what it looks like (`match`) beside what to say about it. The built-in
 * `catalog` is a list of these; pass your own to `diagnosisPolicy({ rules })`.
 *
 * @typeParam Cause - the id of the cause, a string literal for the built-in rules.
 * @typeParam Alternative - the cause ids its `match` may name as alternatives.
 */
export interface DiagnosisRule<Cause extends string = string, Alternative extends string = string> {
  /** The stable id of the cause. */
  cause: Cause;
  /** The family of the cause. */
  category: DiagnosisCategory;
  /** A short description of the signal, for the troubleshooting guide. */
  signal: string;
  /** One sentence that says what went wrong. */
  summary: string;
  /** Ordered steps to fix it, each a full sentence. */
  remediation: readonly string[];
  /** Documentation links (https), most specific first. */
  docs: readonly string[];
  /** Whether the same request may succeed if sent again later. Defaults to false. */
  retryable?: boolean;
  /** The default confidence of a match. Defaults to `"exact"`. */
  confidence?: DiagnosisConfidence;
  /**
   * The services whose failures this rule explains: it is tried only when the failure's service is one
   * of them. Defaults to every failure, whatever its service (the transport, TLS, proxy and identity
   * rules, and rules of your own unless you say otherwise).
   */
  services?: readonly ServiceId[];
  /**
   * The HTTP statuses this rule can explain, `null` standing for a failure without one (a thrown
   * TLS, network or credential error): the rule is tried only for those. Defaults to every failure.
   */
  statuses?: readonly (number | null)[];
  /**
   * Decides whether this rule explains the failure; a {@link RuleMatch} refines the result. A built-in
   * entry without `match` names a finding the package reports by its id alone (one of the preflight's),
   * which no failure is matched against.
   */
  match?(signals: FailureSignals): boolean | RuleMatch<Alternative>;
}
