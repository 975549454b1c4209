import { holdsKnownValue, prepareSecrets, redact, type PreparedSecrets } from "../redaction/index.js";
import type { DiagnosisEvidence, FailureSignals } from "../types.js";
import { NO_SECRETS, SECRETS, type RawSignals } from "./read.js";

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
 * Keeps the request's credential values on its raw signals, made ready once for every text that
 * leaves of them.
 *
 * @param signals - the raw signals.
 * @param secrets - the request's credential values.
 */
export function withSecrets<T extends FailureSignals>(signals: T, secrets: readonly string[]): T {
  (signals as unknown as RawSignals)[SECRETS] = secrets.length === 0 ? NO_SECRETS : prepareSecrets(secrets);
  return signals;
}

/**
 * The credential values kept on raw signals, made ready for redaction, or none.
 *
 * @param signals - the signals.
 */
export function secretsOf(signals: FailureSignals): PreparedSecrets {
  return (signals as Partial<RawSignals>)[SECRETS] ?? NO_SECRETS;
}

/**
 * A copy of the signals with every text that came from the failure redacted: what a rule of your own
 * sees. The message, the body excerpt, the service's message, problem type and authentication detail,
 * the challenge's reason, and what answered in the service's place (Server, Via, X-Squid-Error, the
 * realm); the codes and the request id are dropped unless they have their shape and hold no secret.
 *
 * @param signals - the raw signals, left as they are.
 */
export function redactedSignals(signals: FailureSignals): FailureSignals {
  const prepared = secretsOf(signals);
  const copy: FailureSignals = { ...signals, lowerCaseText: undefined };
  const body = signals.body;
  const cleanBody = redact(body, prepared);
  copy.body = cleanBody;
  copy.message = redact(signals.message, prepared);
  const fromBody = cleanBody === body ? body : undefined;
  if (signals.serviceMessage !== undefined) {
    copy.serviceMessage = redactPart(signals.serviceMessage, fromBody, prepared);
  }
  copy.serviceCode = shaped(signals.serviceCode, SERVICE_CODE, fromBody, prepared);
  copy.innerCode = shaped(signals.innerCode, SERVICE_CODE, fromBody, prepared);
  if (signals.problemType !== undefined) {
    copy.problemType = redactPart(signals.problemType, fromBody, prepared);
  }
  if (signals.authenticationDetail !== undefined) {
    copy.authenticationDetail = redact(signals.authenticationDetail, prepared);
  }
  // Headers, not the body: always redacted.
  if (signals.challengeDescription !== undefined) {
    copy.challengeDescription = redact(signals.challengeDescription, prepared);
  }
  if (signals.server !== undefined) copy.server = redact(signals.server, prepared);
  if (signals.via !== undefined) copy.via = redact(signals.via, prepared);
  if (signals.squidError !== undefined) copy.squidError = redact(signals.squidError, prepared);
  if (signals.basicRealm !== undefined) copy.basicRealm = redact(signals.basicRealm, prepared);
  copy.requestId = shaped(signals.requestId, REQUEST_ID, undefined, prepared);
  copy.nodeCode = named(signals.nodeCode, NODE_CODE, prepared);
  copy.errorName = named(signals.errorName, ERROR_NAME, prepared);
  return copy;
}

/**
 * The facts of raw signals that leave as a diagnosis's evidence. The codes, names and request id were
 * written by the server or the thrower: each is kept only when it has its shape and holds no secret;
 * the rest the package read itself (a status, a host, the service, a method of a known set).
 *
 * @param signals - the raw signals.
 */
export function evidenceFrom(signals: FailureSignals): DiagnosisEvidence {
  const evidence: DiagnosisEvidence = {};
  if (signals.status !== undefined) evidence.status = signals.status;
  const secrets = secretsOf(signals);
  const code = shaped(signals.serviceCode, SERVICE_CODE, undefined, secrets);
  if (code !== undefined) evidence.serviceCode = code;
  const nodeCode = named(signals.nodeCode, NODE_CODE, secrets);
  if (nodeCode !== undefined) evidence.nodeCode = nodeCode;
  const errorName = named(signals.errorName, ERROR_NAME, secrets);
  if (errorName !== undefined) evidence.errorName = errorName;
  const requestId = shaped(signals.requestId, REQUEST_ID, undefined, secrets);
  if (requestId !== undefined) evidence.requestId = requestId;
  if (signals.service !== undefined) evidence.service = signals.service;
  if (signals.method !== undefined) evidence.method = signals.method;
  if (signals.host !== undefined) evidence.host = signals.host;
  if (signals.operation !== undefined) evidence.operation = signals.operation;
  if (signals.credential !== undefined) evidence.credential = signals.credential;
  return evidence;
}

/**
 * A text built from raw signals, as it may leave: redacted with the failure's own secrets.
 *
 * @param text - the text, such as a diagnosis's detail.
 * @param signals - the raw signals it was built from.
 */
export function redactedText(text: string, signals: FailureSignals): string {
  return redact(text, secretsOf(signals));
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

/**
 * A request id or code of letters, digits and dashes alone (a GUID, `AuthorizationPermissionMismatch`):
 * of each shape, the part in which redaction can find nothing but a known value.
 */
const PLAIN_TOKEN = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** A code or id the server wrote: kept when it has the shape and redaction leaves it whole. */
function shaped(
  text: string | undefined,
  shape: RegExp,
  cleanBody: string | undefined,
  secrets: PreparedSecrets,
): string | undefined {
  if (text === undefined) return undefined;
  // Most are plain tokens: one test of the shape, and the known values looked for alone.
  if (PLAIN_TOKEN.test(text)) return holdsKnownValue(text, secrets) ? undefined : text;
  return shape.test(text) && redactPart(text, cleanBody, secrets) === text ? text : undefined;
}

/**
 * A code or name the thrower wrote, of a shape no finder of `redact()` but the known values' reads
 * (no blank, `:`, `=`, `.`, `%` or backslash): kept when it has the shape and holds no known value.
 */
function named(text: string | undefined, shape: RegExp, secrets: PreparedSecrets): string | undefined {
  if (text === undefined || !shape.test(text)) return undefined;
  for (const { value } of secrets.known) if (text.includes(value)) return undefined;
  return text;
}
