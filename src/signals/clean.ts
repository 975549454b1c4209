import { redact } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";

/** What a request id looks like: a GUID or a similar token; anything else is not quoted. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Redacts, in one step, every text of the signals that came from the failure: the message, the body
 * excerpt, the service's code and message, and the request id. A request id that is not shaped like
 * one, or that held a secret, is dropped: the server wrote it.
 *
 * @param signals - the raw signals; changed in place.
 * @param secrets - the request's credential values.
 */
export function cleaned(signals: FailureSignals, secrets: readonly string[]): FailureSignals {
  signals.body = redact(signals.body, secrets);
  signals.message = redact(signals.message, secrets);
  if (signals.serviceMessage !== undefined) signals.serviceMessage = redact(signals.serviceMessage, secrets);
  if (signals.serviceCode !== undefined) signals.serviceCode = redact(signals.serviceCode, secrets);
  const requestId = signals.requestId;
  if (requestId !== undefined && (!REQUEST_ID.test(requestId) || redact(requestId, secrets) !== requestId)) {
    signals.requestId = undefined;
  }
  return signals;
}
