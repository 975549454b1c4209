import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { serviceOfErrorName, serviceOfUserAgent } from "../services.js";
import { credentialsOf } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";
import { withSecrets } from "./clean.js";
import { innerCodeOf } from "./envelope.js";
import {
  blankSignals,
  bounded,
  CODE_LIMIT,
  isRequestLike,
  isResponseLike,
  read,
  readCause,
  readCode,
  readDetails,
  readMessage,
  readName,
  readRequest,
  readResponse,
  readStatus,
  readStatusCode,
  READ_LIMIT,
  stringOr,
  TEXT_LIMIT,
} from "./read.js";
import { addProxyFacts, addRequestFacts } from "./request.js";
import { addResponseFacts } from "./response.js";

/** The SDK's message for an error response with no usable body, and its paged variant. */
const UNEXPECTED_STATUS = /(?:Unexpected status code:?|unexpected statusCode)\s*(\d{3})\b/i;

/** What {@link UNEXPECTED_STATUS} needs in a message: a test that makes nothing, where an exec makes its result. */
const STATUS_WORD = /status/i;

/** How deep a `cause` chain is followed for a system error's code. */
const CAUSE_DEPTH = 5;

/** An Azure SDK package in a stack frame's path. */
const SDK_FRAMES = /[\\/]node_modules[\\/]@azure[\\/]([a-z0-9-]+)[\\/]/g;

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
  return signalsWithRequest(error, request ?? readRequest(error));
}

/**
 * The same as {@link signalsFromThrown}, with the request the caller read from the error already, or
 * knew: anything, read once.
 *
 * @param error - the thrown value.
 * @param req - the request that was being sent, or whatever the error's `request` held.
 */
export function signalsWithRequest(error: unknown, req: unknown): FailureSignals {
  let signals = blankSignals();
  const response = readResponse(error);
  const hasResponse = isResponseLike(response);
  let secrets: readonly string[] = NO_SECRETS;
  if (isRequestLike(req)) {
    const credentials = credentialsOf(req);
    secrets = credentials.secrets;
    try {
      addRequestFacts(signals, req, credentials);
      // The proxy the request went through: a refused connection or a foreign answer may be its own.
      const proxySecrets = addProxyFacts(signals, req, credentials.headers);
      if (proxySecrets.length > 0) secrets = [...secrets, ...proxySecrets];
      if (hasResponse) addResponseFacts(signals, response);
    } catch {
      // Headers whose methods throw: the exchange tells nothing, the error itself still may.
      signals = blankSignals();
    }
  }

  signals.message = bounded(messageOf(error));
  signals.errorName = stringOr(readName(error), CODE_LIMIT);
  const code = readCode(error);
  if (signals.status === undefined) signals.status = statusOf(error);
  if (typeof code === "string" && code !== "" && !hasResponse && signals.status === undefined) {
    signals.nodeCode = bounded(code, CODE_LIMIT);
  }
  if (signals.status === undefined && STATUS_WORD.test(signals.message)) {
    const fromMessage = UNEXPECTED_STATUS.exec(signals.message);
    if (fromMessage) signals.status = Number(fromMessage[1]);
  }
  if (signals.status !== undefined) {
    addDetails(signals, readDetails(error), code);
    if (!hasResponse) addOwnFacts(signals, error);
  }
  addCauseChain(signals, error);
  // A credential's failure is Microsoft Entra ID's, whichever client's request waited for the token.
  const own = signals.entraCode !== undefined ? "entraId" : serviceOfErrorName(signals.errorName);
  if (own !== undefined) signals.service = own;
  // An error a client made itself, with no request to read the service from: its package says which.
  if (signals.service === undefined && signals.status === undefined && signals.nodeCode === undefined)
    signals.service = thrownBy(error);
  return withSecrets(signals, secrets);
}

/**
 * What a client put in its error's `details` after the pipeline: the service's code and message (the
 * parsed body of a RestError the SDK built), Key Vault's inner code, Storage's authentication detail and
 * an App Configuration problem type. Facts the response already gave are kept.
 *
 * @param signals - the signals to fill in.
 * @param details - the error's `details`.
 * @param code - the error's own `code`.
 */
function addDetails(signals: FailureSignals, details: unknown, code: unknown): void {
  if (details === undefined || details === null) {
    if (signals.serviceCode === undefined && typeof code === "string" && code !== "")
      signals.serviceCode = bounded(code, CODE_LIMIT);
    return;
  }
  const detailsError = read(details, "error");
  if (signals.serviceMessage === undefined) {
    const detailsMessage = read(detailsError, "message");
    const detailsCode = read(detailsError, "code");
    if (typeof detailsMessage === "string") signals.serviceMessage = bounded(detailsMessage);
    if (typeof detailsCode === "string" && detailsCode !== "")
      signals.serviceCode = bounded(detailsCode, CODE_LIMIT);
  }
  if (signals.serviceCode === undefined) {
    // Storage's header code, which its HEAD errors carry nowhere else.
    const errorCode = read(details, "errorCode");
    const own = typeof code === "string" && code !== "" ? code : errorCode;
    if (typeof own === "string" && own !== "") signals.serviceCode = bounded(own, CODE_LIMIT);
  }
  if (signals.innerCode === undefined) {
    const inner = innerCodeOf(detailsError);
    if (inner !== undefined) signals.innerCode = bounded(inner, CODE_LIMIT);
  }
  if (signals.authenticationDetail === undefined)
    signals.authenticationDetail = stringOr(read(details, "authenticationErrorDetail"), TEXT_LIMIT);
  if (signals.problemType === undefined) signals.problemType = stringOr(read(details, "type"), CODE_LIMIT);
}

/**
 * The HTTP status of an error: `statusCode` as the Azure SDK writes it, or `status` as fetch-based
 * clients (the `openai` package) do.
 */
function statusOf(error: unknown): number | undefined {
  const statusCode = readStatusCode(error);
  if (typeof statusCode === "number" && Number.isInteger(statusCode)) return statusCode;
  const status = readStatus(error);
  return typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined;
}

/** Request id headers of services a policy does not reach: Azure OpenAI's (API Management's) first. */
const OWN_REQUEST_ID_HEADERS = ["apim-request-id", "x-ms-request-id", "request-id", "x-request-id"];

/**
 * What an HTTP error of a client without a pipeline carries itself (the `openai` package's): the
 * service's code and message in its `error`, the request id in its `headers`.
 *
 * @param signals - the signals to fill in.
 * @param error - the error.
 */
function addOwnFacts(signals: FailureSignals, error: unknown): void {
  const body = read(error, "error");
  if (signals.serviceMessage === undefined)
    signals.serviceMessage = stringOr(read(body, "message"), TEXT_LIMIT);
  if (signals.serviceCode === undefined) signals.serviceCode = stringOr(read(body, "code"), CODE_LIMIT);
  const headers = read(error, "headers");
  if (signals.requestId !== undefined || typeof read(headers, "get") !== "function") return;
  try {
    const get = (headers as { get(name: string): unknown }).get.bind(headers);
    for (const name of OWN_REQUEST_ID_HEADERS) {
      const id = stringOr(get(name), CODE_LIMIT);
      if (id !== undefined) {
        signals.requestId = id;
        return;
      }
    }
  } catch {
    // Headers whose get throws carry no id we can read.
  }
}

/** A Microsoft Entra ID error code, as MSAL and the token endpoint write it. */
const ENTRA_CODE = /\bAADSTS(\d{4,9})\b/;

/** The first Microsoft Entra ID code (`AADSTS7000215`) in a text. */
function entraCodeIn(text: string): string | undefined {
  if (!text.includes("AADSTS")) return undefined;
  const found = ENTRA_CODE.exec(text);
  return found ? `AADSTS${found[1]}` : undefined;
}

/**
 * What the `cause` chain holds, in one walk no deeper than {@link CAUSE_DEPTH}: the code of a system
 * error (`@azure/identity` and undici keep it as `cause`, and clients that wrap fetch, such as the
 * `openai` package, wrap it once more) when the error has none of its own, and a Microsoft Entra ID
 * code from the message or a message of the chain.
 *
 * @param signals - the signals to fill in.
 * @param error - the thrown value.
 */
function addCauseChain(signals: FailureSignals, error: unknown): void {
  let nodeCode = signals.nodeCode;
  let entraCode = entraCodeIn(signals.message);
  let current = readCause(error);
  for (let depth = 0; depth < CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (nodeCode !== undefined && entraCode !== undefined) break;
    if (nodeCode === undefined) {
      const code = readCode(current);
      if (typeof code === "string" && code !== "") nodeCode = bounded(code, CODE_LIMIT);
    }
    if (entraCode === undefined) {
      const message = typeof current === "string" ? current : readMessage(current);
      if (typeof message === "string") entraCode = entraCodeIn(bounded(message));
    }
    current = readCause(current);
  }
  signals.nodeCode = nodeCode;
  signals.entraCode = entraCode;
}

function messageOf(error: unknown): string {
  const message = typeof error === "string" ? error : readMessage(error);
  return typeof message === "string" && message.length <= READ_LIMIT ? message : "";
}

/**
 * The service whose client package threw an error of its own, from the stack's first frame in an Azure
 * package that calls a service (frames of the core packages, such as RestError's constructor, are passed).
 */
function thrownBy(error: unknown): FailureSignals["service"] {
  const stack = read(error, "stack");
  if (typeof stack !== "string" || stack.length > READ_LIMIT) return undefined;
  const frames = bounded(stack);
  if (!frames.includes("@azure")) return undefined;
  for (const frame of frames.matchAll(SDK_FRAMES)) {
    const service = serviceOfUserAgent(`azsdk-js-${frame[1]}/`);
    if (service !== undefined) return service;
  }
  return undefined;
}
