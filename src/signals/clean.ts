import { prepareSecrets, redact, type PreparedSecrets } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";

/** What a request id looks like: a GUID or a similar token; anything else is not quoted. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** What a service's error code looks like: `AuthorizationPermissionMismatch`, `Forbidden.ByRbac`. */
const SERVICE_CODE = /^[A-Za-z0-9][\w.:/-]*$/;

/** What a Node.js or SDK error code looks like: `ERR_TLS_CERT_ALTNAME_INVALID`, `ECONNRESET`, `ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE`. */
const NODE_CODE = /^[A-Za-z][A-Za-z0-9_/]*$/;

/** What an error's name looks like: `RestError`, `CredentialUnavailableError`. */
const ERROR_NAME = /^[A-Za-z_$][\w$]*$/;

/** A JSON string's content that holds no quote, backslash or control character. */
// eslint-disable-next-line no-control-regex -- control characters are what it rules out
const PLAIN_STRING = /^[^"\\\u0000-\u001f]*$/;

/**
 * Redacts, in one step, every text of the signals that came from the failure: the message, the body
 * excerpt, the service's message, problem type and authentication detail, the challenge's reason, and
 * what answered in the service's place (Server, Via, X-Squid-Error, the realm). The codes and the
 * request id leave as evidence, written by the server or the thrower: each is dropped unless it has
 * its shape and holds no secret.
 *
 * @param signals - the raw signals; changed in place.
 * @param secrets - the request's credential values.
 */
export function cleaned(signals: FailureSignals, secrets: readonly string[]): FailureSignals {
  const prepared = prepareSecrets(secrets);
  const body = signals.body;
  const cleanBody = redact(body, prepared);
  signals.body = cleanBody;
  signals.message = redact(signals.message, prepared);
  const fromBody = cleanBody === body ? body : undefined;
  if (signals.serviceMessage !== undefined) {
    signals.serviceMessage = redactPart(signals.serviceMessage, fromBody, prepared);
  }
  signals.serviceCode = shaped(signals.serviceCode, SERVICE_CODE, fromBody, prepared);
  signals.innerCode = shaped(signals.innerCode, SERVICE_CODE, fromBody, prepared);
  if (signals.problemType !== undefined) {
    signals.problemType = redactPart(signals.problemType, fromBody, prepared);
  }
  if (signals.authenticationDetail !== undefined) {
    signals.authenticationDetail = redact(signals.authenticationDetail, prepared);
  }
  // Headers, not the body: always redacted.
  if (signals.challengeDescription !== undefined) {
    signals.challengeDescription = redact(signals.challengeDescription, prepared);
  }
  if (signals.server !== undefined) signals.server = redact(signals.server, prepared);
  if (signals.via !== undefined) signals.via = redact(signals.via, prepared);
  if (signals.squidError !== undefined) signals.squidError = redact(signals.squidError, prepared);
  if (signals.basicRealm !== undefined) signals.basicRealm = redact(signals.basicRealm, prepared);
  signals.requestId = shaped(signals.requestId, REQUEST_ID, undefined, prepared);
  signals.nodeCode = named(signals.nodeCode, NODE_CODE, secrets);
  signals.errorName = named(signals.errorName, ERROR_NAME, secrets);
  return signals;
}

/**
 * A text read from the body's JSON, redacted, unless the clean body holds it as a JSON string of its
 * own (`"text"`, with no quote, backslash or control character inside): then it is clean too, since
 * every finder of `redact()` that would report a part of it reports a part of the body, where the
 * quotes around it end names, values and runs as the text's own ends do.
 */
function redactPart(text: string, cleanBody: string | undefined, secrets: PreparedSecrets): string {
  if (cleanBody !== undefined && PLAIN_STRING.test(text) && isJsonString(cleanBody, text)) return text;
  return redact(text, secrets);
}

/** Whether `text` stands in `body` between two quotes. */
function isJsonString(body: string, text: string): boolean {
  for (let at = body.indexOf(text); at > 0; at = body.indexOf(text, at + 1)) {
    if (body.charCodeAt(at - 1) === QUOTE && body.charCodeAt(at + text.length) === QUOTE) return true;
  }
  return false;
}

const QUOTE = 0x22;

/** A code or id the server wrote: kept when it has the shape and redaction leaves it whole. */
function shaped(
  text: string | undefined,
  shape: RegExp,
  cleanBody: string | undefined,
  secrets: PreparedSecrets,
): string | undefined {
  return text !== undefined && shape.test(text) && redactPart(text, cleanBody, secrets) === text
    ? text
    : undefined;
}

/**
 * A code or name the thrower wrote, of a shape no finder of `redact()` but the known values' reads
 * (no blank, `:`, `=`, `.`, `%` or backslash): kept when it has the shape and holds no known value.
 */
function named(text: string | undefined, shape: RegExp, secrets: readonly string[]): string | undefined {
  if (text === undefined || !shape.test(text)) return undefined;
  for (const secret of secrets) if (secret.length >= 4 && text.includes(secret)) return undefined;
  return text;
}
