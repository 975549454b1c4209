import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { serviceOfUserAgent } from "../services.js";
import { credentialsOf } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";
import { cleaned } from "./clean.js";
import {
  blankSignals,
  bounded,
  CODE_LIMIT,
  isRequestLike,
  isResponseLike,
  read,
  READ_LIMIT,
  stringOr,
} from "./read.js";
import { addRequestFacts } from "./request.js";
import { addResponseFacts } from "./response.js";

/** The SDK's message for an error response with no usable body, and its paged variant. */
const UNEXPECTED_STATUS = /(?:Unexpected status code:?|unexpected statusCode)\s*(\d{3})\b/i;

/** How deep a `cause` chain is followed for a system error's code. */
const CAUSE_DEPTH = 5;

/** An Azure SDK package in a stack frame's path. */
const SDK_FRAME = /[\\/]node_modules[\\/]@azure[\\/]([a-z0-9-]+)[\\/]/;

const NO_SECRETS: readonly string[] = [];

/**
 * Reads the facts of anything that was thrown: a `RestError` with or without a response, a Node.js
 * system error, an `@azure/identity` error, an error that wraps one in its `cause`, a string. Never
 * throws; getters that throw read as absent. Every raw fact is read first, then what may leave is
 * redacted, once.
 *
 * @param error - the thrown value.
 * @param request - the request that was being sent, when the caller knows it.
 */
export function signalsFromThrown(error: unknown, request?: PipelineRequest): FailureSignals {
  let signals = blankSignals();
  const req = request ?? read(error, "request");
  const response = read(error, "response");
  const hasResponse = isResponseLike(response);
  let secrets: readonly string[] = NO_SECRETS;
  if (isRequestLike(req)) {
    const credentials = credentialsOf(req);
    secrets = credentials.secrets;
    try {
      addRequestFacts(signals, req, credentials.kind);
      if (hasResponse) addResponseFacts(signals, response);
    } catch {
      // Headers whose methods throw: the exchange tells nothing, the error itself still may.
      signals = blankSignals();
    }
  }

  signals.message = bounded(messageOf(error));
  signals.errorName = stringOr(read(error, "name"), CODE_LIMIT);
  const code = read(error, "code");
  if (typeof code === "string" && code !== "" && !hasResponse && signals.status === undefined) {
    signals.nodeCode = bounded(code, CODE_LIMIT);
  }
  if (signals.status === undefined) {
    const statusCode = read(error, "statusCode");
    if (typeof statusCode === "number" && Number.isInteger(statusCode)) signals.status = statusCode;
  }
  if (signals.status === undefined) {
    const fromMessage = UNEXPECTED_STATUS.exec(signals.message);
    if (fromMessage) signals.status = Number(fromMessage[1]);
  }
  if (signals.status !== undefined && signals.serviceMessage === undefined) {
    // A RestError built by the SDK without the policy carries the parsed body in `details`.
    const detailsError = read(read(error, "details"), "error");
    const detailsMessage = read(detailsError, "message");
    const detailsCode = read(detailsError, "code");
    if (typeof detailsMessage === "string") signals.serviceMessage = bounded(detailsMessage);
    if (typeof detailsCode === "string" && detailsCode !== "")
      signals.serviceCode = bounded(detailsCode, CODE_LIMIT);
    if (signals.serviceCode === undefined && typeof code === "string" && code !== "") {
      signals.serviceCode = bounded(code, CODE_LIMIT);
    }
  }
  if (signals.nodeCode === undefined) signals.nodeCode = causeCode(error);
  if (signals.service === undefined && signals.errorName === "TypeError") signals.service = thrownBy(error);
  return cleaned(signals, secrets);
}

function messageOf(error: unknown): string {
  const message = typeof error === "string" ? error : read(error, "message");
  return typeof message === "string" && message.length <= READ_LIMIT ? message : "";
}

/**
 * The code of a system error kept in the `cause` chain: `@azure/identity` and undici keep it as
 * `cause`, and clients that wrap fetch (the `openai` package) wrap it once more.
 */
function causeCode(error: unknown): string | undefined {
  let current = read(error, "cause");
  for (let depth = 0; depth < CAUSE_DEPTH && current !== undefined; depth++) {
    const code = read(current, "code");
    if (typeof code === "string" && code !== "") return bounded(code, CODE_LIMIT);
    current = read(current, "cause");
  }
  return undefined;
}

/** The service whose client package threw a plain TypeError, from the stack's first Azure frame. */
function thrownBy(error: unknown): FailureSignals["service"] {
  const stack = read(error, "stack");
  if (typeof stack !== "string" || stack.length > READ_LIMIT) return undefined;
  const name = SDK_FRAME.exec(bounded(stack))?.[1];
  return name === undefined ? undefined : serviceOfUserAgent(`azsdk-js-${name}/`);
}
