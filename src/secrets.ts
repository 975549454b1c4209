/**
 * The one table of what carries a credential. Redaction, the plain-HTTP guard and the reading of a
 * request's credentials are all derived from it; names are compared without regard to case.
 */

/** Request headers whose values are credentials. */
export const SECRET_HEADERS: readonly string[] = [
  "api-key",
  "authorization",
  "proxy-authorization",
  "ocp-apim-subscription-key",
  "x-ms-authorization-auxiliary",
];

/** Query parameters whose values are credentials: SAS signatures, keys, tokens, function keys. */
export const SECRET_QUERY_PARAMETERS: readonly string[] = [
  "api-key",
  "apikey",
  "sig",
  "signature",
  "code",
  "token",
  "access_token",
  "client_secret",
  "secret",
];
