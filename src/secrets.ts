import type { CredentialKind } from "./types.js";

/**
 * The one table of what carries credentials: request headers, query and form parameters, fields of
 * connection strings, JSON and XML, and `Authorization` schemes, plus the shapes a secret has when its
 * name is not beside it. Redaction, the credential reading and the plain-HTTP guard are all derived
 * from it (see `redaction/`). Adding a name here is the whole change.
 *
 * Names are matched without regard to case and ignoring `-` and `_`: `api-key`, `API_KEY` and
 * `apikey` are one name, and so are `client_secret` and `ClientSecret`.
 */

/** A request header that carries a secret. */
export interface SecretHeader {
  /** The header's name as the SDK writes it. */
  readonly name: string;
  /**
   * The credential the request authenticates with when it carries this header: `"byScheme"` reads it
   * from the value's scheme ({@link AUTHORIZATION_SCHEMES}). Absent for a secret that authenticates
   * something else (a proxy, a copy source, another tenant) or encrypts the data.
   */
  readonly kind?: CredentialKind | "byScheme";
  /**
   * What the value is: a credential (the default), a URL whose query may carry one, or cookies (a
   * list whose every value is a secret and which runs to the end of its line when written as text).
   */
  readonly holds?: "credential" | "url" | "cookies";
  /** Who sends it. */
  readonly sentBy: string;
}

/**
 * Request headers that carry secrets, in order of precedence: the first present with a `kind` names
 * the request's credential. Hashes sent beside a secret are not secrets: App Configuration's and
 * Communication Services' `x-ms-content-sha256` (of the body) and Storage's
 * `x-ms-encryption-key-sha256` (of the customer-provided key) are left readable.
 */
export const SECRET_HEADERS: readonly SecretHeader[] = [
  { name: "api-key", kind: "apiKey", sentBy: "Azure AI Search and Azure OpenAI key credentials" },
  {
    name: "authorization",
    kind: "byScheme",
    sentBy:
      "token credentials (Bearer), Storage (SharedKey), App Configuration and Communication Services (HMAC-SHA256), Service Bus and Event Hubs (SharedAccessSignature), Cosmos DB",
  },
  {
    name: "ocp-apim-subscription-key",
    kind: "subscriptionKey",
    sentBy: "Cognitive Services (Language, Translator, Metrics Advisor) and API Management",
  },
  { name: "subscription-key", kind: "subscriptionKey", sentBy: "Azure Maps" },
  { name: "x-functions-key", kind: "functionKey", sentBy: "Azure Functions" },
  { name: "x-api-key", kind: "apiKey", sentBy: "Metrics Advisor's API key" },
  { name: "aeg-sas-key", kind: "apiKey", sentBy: "Event Grid access keys" },
  { name: "aeg-sas-token", kind: "sas", sentBy: "Event Grid shared access signatures" },
  { name: "proxy-authorization", sentBy: "proxy credentials" },
  { name: "x-ms-authorization-auxiliary", sentBy: "Resource Manager: tokens for other tenants" },
  { name: "x-ms-copy-source-authorization", sentBy: "Storage: the token for a copy source" },
  { name: "x-ms-copy-source", holds: "url", sentBy: "Storage: a copy source URL with its SAS" },
  { name: "x-ms-rename-source", holds: "url", sentBy: "Data Lake Storage: a rename source with its SAS" },
  { name: "x-ms-encryption-key", sentBy: "Storage: a customer-provided encryption key" },
  { name: "cookie", holds: "cookies", sentBy: "session cookies" },
  { name: "set-cookie", holds: "cookies", sentBy: "session cookies a server sets, echoed in text" },
];

/** A query or form parameter that carries a secret. */
export interface SecretParameter {
  /** The parameter's name. */
  readonly name: string;
  /** The credential the request authenticates with when it carries this parameter, if any. */
  readonly kind?: CredentialKind;
  /** Who sends it. */
  readonly sentBy: string;
}

/**
 * Query parameters (and `application/x-www-form-urlencoded` body fields) that carry secrets. Only the
 * secret-bearing ones: a SAS's other fields (`sv`, `ss`, `srt`, `sp`, `sr`, `st`, `se`, `spr`, `sip`,
 * `skn`, `skoid`, `sktid`, ...) are its version, scope, dates, key name and object ids, public by
 * design and useful in a diagnosis ("se" tells when a SAS expired). App Configuration's `key=` names a
 * setting, not a key, so `key` is not here.
 */
export const SECRET_PARAMETERS: readonly SecretParameter[] = [
  { name: "sig", kind: "sas", sentBy: "Storage shared access signatures" },
  { name: "api-key", kind: "apiKey", sentBy: "Azure AI Search and Azure OpenAI keys in a URL" },
  { name: "subscription-key", kind: "subscriptionKey", sentBy: "Azure Maps" },
  { name: "code", kind: "functionKey", sentBy: "Azure Functions keys; OAuth authorization codes" },
  { name: "access_token", kind: "bearer", sentBy: "Web PubSub and SignalR client URLs; OAuth" },
  { name: "signature", sentBy: "signed URLs" },
  { name: "token", sentBy: "tokens in URLs" },
  { name: "refresh_token", sentBy: "OAuth token requests" },
  { name: "client_secret", sentBy: "OAuth token requests (client secret credentials)" },
  { name: "client_assertion", sentBy: "OAuth token requests (certificate and federated credentials)" },
  { name: "password", sentBy: "OAuth password grants" },
  { name: "secret", sentBy: "secrets in URLs" },
];

/**
 * Fields of connection strings, JSON and XML whose values are secrets (a header's or a parameter's
 * name counts as a field too). A JSON `"value"` is not here though Resource Manager's listKeys answers
 * put keys in one: the word holds everything else as well.
 */
export const SECRET_FIELDS: readonly string[] = [
  "AccountKey", // Storage connection strings
  "SharedAccessKey", // Service Bus, Event Hubs, IoT Hub connection strings
  "SharedAccessSignature", // Storage and Service Bus connection strings
  "AccessKey", // Communication Services connection strings
  "Secret", // App Configuration connection strings (Endpoint=...;Id=...;Secret=...)
  "ClientSecret",
  "Password",
  "Pwd",
  "PrimaryKey", // Search admin keys, Event Hubs, Communication Services listKeys
  "SecondaryKey",
  "PrimaryMasterKey", // Cosmos DB listKeys
  "SecondaryMasterKey",
  "PrimaryReadonlyMasterKey",
  "SecondaryReadonlyMasterKey",
  "AccessToken",
  "RefreshToken",
  "SasToken",
  "PrivateKey",
];

/** An `Authorization` scheme, and what its credential looks like. */
export interface AuthorizationScheme {
  /** The scheme's name, as written before the credential. */
  readonly scheme: string;
  /** The credential the request authenticates with. */
  readonly kind: CredentialKind;
  /**
   * The credential's shape when the scheme is written in text: `"token68"` a run of base64 characters
   * of {@link TOKEN68_MIN_LENGTH} or more; `"accountSignature"` `account:signature`; `"parameters"`
   * `name=value` pairs joined by `&`.
   */
  readonly credential: "token68" | "accountSignature" | "parameters";
}

/** The `Authorization` schemes Azure clients use. */
export const AUTHORIZATION_SCHEMES: readonly AuthorizationScheme[] = [
  { scheme: "Bearer", kind: "bearer", credential: "token68" },
  { scheme: "Basic", kind: "basic", credential: "token68" },
  { scheme: "SharedKey", kind: "sharedKey", credential: "accountSignature" },
  { scheme: "SharedKeyLite", kind: "sharedKey", credential: "accountSignature" },
  { scheme: "HMAC-SHA256", kind: "hmac", credential: "parameters" },
  { scheme: "SharedAccessSignature", kind: "sas", credential: "parameters" },
];

/**
 * The shortest token68 credential taken for a secret after a scheme in free text ("Bearer token
 * authentication is not permitted" holds none). After a credential header's name any length is.
 */
export const TOKEN68_MIN_LENGTH = 8;

/**
 * A JSON Web Token anywhere: its `prefix` (base64 of `{"`, how every JWT header starts), then a
 * segment, a dot, a segment and a dot, each segment of base64url characters at least
 * `minSegmentLength` long after the prefix, and the signature segment after them.
 */
export const JWT_SHAPE = { prefix: "eyJ", minSegmentLength: 5 } as const;

/**
 * The shortest known secret value removed wherever it appears and in every spelling: URL-encoded,
 * JSON-escaped, split across two lines, base64. Real keys and tokens are far longer (Search keys 52
 * characters, Storage keys 88, SAS signatures 44).
 */
export const EXACT_SECRET_MIN_LENGTH = 8;

/**
 * The shortest known secret value removed at all, and then, below {@link EXACT_SECRET_MIN_LENGTH},
 * only where it stands as a whole word between characters that are not letters or digits: a proxy
 * password `pass` is removed from `alice:pass@`, not from `password`. Shorter values are never removed
 * by value (the key `k` would cut every word with a k in it); they are still removed by shape where
 * they stand in a secret's place (`api-key: k`, `sig=k`, `user:k@host`).
 */
export const SECRET_MIN_LENGTH = 4;
