import { mayHoldSecret, redact } from "../redaction/redact.js";
import type { FailureSignals } from "../types.js";

/** What a request id looks like: a GUID or a similar token; anything else is not quoted. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Redacts, in one step, every text of the signals that came from the failure: the message, the body
 * excerpt, the service's code, inner code, problem type and message, Storage's authentication detail,
 * the challenge's reason, and the request id. A code or message that stands in a
 * body excerpt with nothing to redact is clean too. A request id that is not shaped like one, or that
 * held a secret, is dropped: the server wrote it.
 *
 * @param signals - the raw signals; changed in place.
 * @param secrets - the request's credential values.
 */
export function cleaned(signals: FailureSignals, secrets: readonly string[]): FailureSignals {
  const body = signals.body;
  // What stands in a body excerpt with nothing to redact is clean too: no second scan of it.
  const cleanBody = mayHoldSecret(body, secrets) ? undefined : body;
  if (cleanBody === undefined) signals.body = redact(body, secrets);
  signals.message = redact(signals.message, secrets);
  if (signals.serviceMessage !== undefined) {
    signals.serviceMessage = redactPart(signals.serviceMessage, cleanBody, secrets);
  }
  if (signals.serviceCode !== undefined) {
    signals.serviceCode = redactPart(signals.serviceCode, cleanBody, secrets);
  }
  if (signals.innerCode !== undefined) signals.innerCode = redactPart(signals.innerCode, cleanBody, secrets);
  if (signals.problemType !== undefined) {
    signals.problemType = redactPart(signals.problemType, cleanBody, secrets);
  }
  if (signals.authenticationDetail !== undefined) {
    signals.authenticationDetail = redactPart(signals.authenticationDetail, cleanBody, secrets);
  }
  // A header, not the body: always redacted.
  if (signals.challengeDescription !== undefined) {
    signals.challengeDescription = redact(signals.challengeDescription, secrets);
  }
  // What answered, as the server or proxy wrote it.
  if (signals.server !== undefined) signals.server = redact(signals.server, secrets);
  if (signals.via !== undefined) signals.via = redact(signals.via, secrets);
  if (signals.squidError !== undefined) signals.squidError = redact(signals.squidError, secrets);
  if (signals.basicRealm !== undefined) signals.basicRealm = redact(signals.basicRealm, secrets);
  const requestId = signals.requestId;
  if (requestId !== undefined && (!REQUEST_ID.test(requestId) || redact(requestId, secrets) !== requestId)) {
    signals.requestId = undefined;
  }
  return signals;
}

/** A text read from the body, redacted unless it stands in a body excerpt with nothing to redact. */
function redactPart(text: string, cleanBody: string | undefined, secrets: readonly string[]): string {
  return cleanBody !== undefined && cleanBody.includes(text) ? text : redact(text, secrets);
}
