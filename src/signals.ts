import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { FailureSignals, OperationKind } from "./diagnosis.js";
import { credentialsOf, mayHoldSecret, redact, type RequestCredentials } from "./redact.js";

/** How much of a message the rules see: error texts are short, and a bound keeps a 10 MB one cheap. */
export const TEXT_LIMIT = 4096;

/** How much of a body the rules see: the service's texts and a proxy page's telling start fit in it. */
export const BODY_LIMIT = 1024;

/** The SDK's message for an error response with no usable body, and its paged variant. */
const UNEXPECTED_STATUS = /(?:Unexpected status code:?|unexpected statusCode)\s*(\d{3})\b/i;

/**
 * Reads the facts of a failure from a response the client will reject.
 *
 * @param request - the request as it was sent.
 * @param response - the response that came back.
 * @param credentials - the request's credentials, when the caller has already read them.
 */
export function signalsFromResponse(
  request: PipelineRequest,
  response: PipelineResponse,
  credentials: RequestCredentials = credentialsOf(request),
): FailureSignals {
  const signals = blankSignals();
  addRequestFacts(signals, request, credentials);
  addResponseFacts(signals, response, credentials.secrets);
  return signals;
}

/**
 * Reads the facts of anything that was thrown: a `RestError` with or without a response, a Node.js
 * system error, an `@azure/identity` error, a string. Never throws; getters that throw read as absent.
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
      addRequestFacts(signals, req, credentials);
      if (hasResponse) addResponseFacts(signals, response, secrets);
    } catch {
      // Headers whose methods throw: the exchange tells nothing, the error itself still may.
      signals = blankSignals();
    }
  }

  signals.message = redact(bounded(messageOf(error)), secrets);
  signals.errorName = stringOr(read(error, "name"), 128);
  const code = read(error, "code");
  if (typeof code === "string" && code !== "" && !hasResponse && signals.status === undefined) {
    signals.nodeCode = bounded(code, 128);
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
    if (typeof detailsMessage === "string") signals.serviceMessage = redact(bounded(detailsMessage), secrets);
    if (typeof detailsCode === "string" && detailsCode !== "")
      signals.serviceCode = bounded(detailsCode, 128);
    if (signals.serviceCode === undefined && typeof code === "string" && code !== "") {
      signals.serviceCode = bounded(code, 128);
    }
  }
  if (signals.nodeCode === undefined) {
    // @azure/identity and undici keep the system error as `cause`.
    const causeCode = read(read(error, "cause"), "code");
    if (typeof causeCode === "string" && causeCode !== "") signals.nodeCode = bounded(causeCode, 128);
  }
  return signals;
}

const NO_SECRETS: readonly string[] = [];

/**
 * Signals with every field present, in one order: the rules then meet a single object shape, and
 * their reads stay fast (this runs for every failure).
 */
function blankSignals(): FailureSignals {
  return {
    status: undefined,
    serviceCode: undefined,
    nodeCode: undefined,
    errorName: undefined,
    requestId: undefined,
    method: undefined,
    host: undefined,
    operation: undefined,
    credential: undefined,
    message: "",
    body: "",
    serviceMessage: undefined,
    scheme: undefined,
    contentType: undefined,
    fromAzure: false,
    bearerChallenge: false,
  };
}

/** The request facts shared by every kind of failure. */
function addRequestFacts(
  signals: FailureSignals,
  request: PipelineRequest,
  credentials: RequestCredentials,
): void {
  signals.method = request.method;
  signals.credential = credentials.kind;
  const url = HTTP_URL.exec(request.url);
  if (url) {
    signals.scheme = url[1]!.toLowerCase() as "http" | "https";
    signals.host = url[2]!.toLowerCase();
    signals.operation = operationOf(url[3] || "/");
  }
}

/** The facts of an error response: status, the service's error envelope, a body excerpt, headers. */
function addResponseFacts(
  signals: FailureSignals,
  response: PipelineResponse,
  secrets: readonly string[],
): void {
  const text = typeof response.bodyAsText === "string" ? response.bodyAsText : "";
  const serviceError = parseServiceError(text);
  const headers = response.headers;
  const requestId = headers.get("request-id") ?? headers.get("x-ms-request-id");
  signals.status = response.status;
  const excerpt = bounded(text, BODY_LIMIT);
  // What a clean excerpt holds is clean too: the service's code and message are usually in it.
  const clean = !mayHoldSecret(excerpt, secrets);
  signals.body = clean ? excerpt : redact(excerpt, secrets);
  if (serviceError.code)
    signals.serviceCode = redactPart(bounded(serviceError.code, 128), excerpt, clean, secrets);
  if (serviceError.message !== undefined) {
    signals.serviceMessage = redactPart(bounded(serviceError.message), excerpt, clean, secrets);
  }
  signals.requestId = requestId ? bounded(requestId, 128) : undefined;
  signals.fromAzure = signals.requestId !== undefined;
  signals.contentType = headers.get("content-type")?.toLowerCase();
  signals.bearerChallenge = BEARER.test(headers.get("www-authenticate") ?? "");
}

/** A text read from the body, redacted unless it stands in an excerpt with nothing to redact. */
function redactPart(part: string, excerpt: string, clean: boolean, secrets: readonly string[]): string {
  return clean && excerpt.includes(part) ? part : redact(part, secrets);
}

const BEARER = /^\s*bearer\b/i;

/**
 * The scheme, host and path of an http(s) URL as the SDK writes it, without building a URL object:
 * this runs for every failure. Userinfo and port are skipped; an IPv6 host keeps its brackets.
 */
const HTTP_URL = /^(https?):\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::\d*)?([^?#]*)/i;

const MANAGEMENT_COLLECTIONS: ReadonlyMap<string, OperationKind> = new Map([
  ["indexes", "indexManagement"],
  ["indexers", "indexerManagement"],
  ["datasources", "dataSourceManagement"],
  ["skillsets", "skillsetManagement"],
  ["synonymmaps", "synonymMapManagement"],
  ["aliases", "aliasManagement"],
  ["knowledgebases", "knowledgeManagement"],
  ["knowledgesources", "knowledgeManagement"],
  ["agents", "knowledgeManagement"],
  ["servicestats", "serviceStatistics"],
]);

const DOCS_SEGMENT = /\/docs\b/i;
const DOCS_WRITE = /\/docs\/(search\.)?index$/i;
const RETRIEVE = /retrieve/i;

/**
 * What a Search request does, from its path. Document reads are the only operations a
 * query key may make: search, suggest, autocomplete, lookup and count.
 *
 * @param pathname - the URL path, such as `/indexes('hotels')/docs/$count`.
 */
export function operationOf(pathname: string): OperationKind {
  const path = pathname.includes("%") ? safeDecode(pathname) : pathname;
  const collection = firstSegment(path).toLowerCase();
  if (collection === "indexes" && DOCS_SEGMENT.test(path)) {
    return DOCS_WRITE.test(path) ? "documentWrite" : "documentRead";
  }
  if (collection === "knowledgebases" && RETRIEVE.test(path)) return "documentRead";
  return MANAGEMENT_COLLECTIONS.get(collection) ?? "other";
}

/** The first segment of a path, without a `('key')` suffix. */
function firstSegment(path: string): string {
  const start = path.startsWith("/") ? 1 : 0;
  for (let i = start; i < path.length; i++) {
    const char = path[i];
    if (char === "/" || char === "(") return path.slice(start, i);
  }
  return path.slice(start);
}

/**
 * The envelope exactly as the service writes it, with no escape sequence in either string: read
 * without JSON.parse, which costs three times as much. Anything else goes to JSON.parse.
 */
// eslint-disable-next-line no-control-regex -- a JSON string cannot hold a raw control character
const PLAIN_ENVELOPE = /^\{"error":\{"code":"([^"\\\u0000-\u001f]*)","message":"([^"\\\u0000-\u001f]*)"\}\}$/;

/** The `{ error: { code, message } }` envelope, parsed only when the body is small enough to be one. */
function parseServiceError(text: string): { code?: string; message?: string } {
  if (text.length === 0 || text.length > TEXT_LIMIT * 16) return {};
  const start = text.trimStart()[0];
  if (start !== "{") return {};
  const plain = PLAIN_ENVELOPE.exec(text);
  if (plain) return { code: plain[1], message: plain[2] };
  try {
    const parsed: unknown = JSON.parse(text);
    const error = read(parsed, "error");
    const code = read(error, "code");
    const message = read(error, "message") ?? read(parsed, "message") ?? read(parsed, "Message");
    return {
      code: typeof code === "string" ? code : undefined,
      message: typeof message === "string" ? message : undefined,
    };
  } catch {
    return {};
  }
}

function messageOf(error: unknown): string {
  if (typeof error === "string") return error;
  const message = read(error, "message");
  return typeof message === "string" ? message : "";
}

/** Reads a property without letting a throwing getter or a proxy escape. */
export function read(value: unknown, key: string): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isRequestLike(value: unknown): value is PipelineRequest {
  return (
    typeof read(value, "url") === "string" &&
    typeof read(value, "method") === "string" &&
    typeof read(read(value, "headers"), "get") === "function"
  );
}

function isResponseLike(value: unknown): value is PipelineResponse {
  return (
    typeof read(value, "status") === "number" && typeof read(read(value, "headers"), "get") === "function"
  );
}

function stringOr(value: unknown, limit: number): string | undefined {
  return typeof value === "string" && value !== "" ? bounded(value, limit) : undefined;
}

function bounded(text: string, limit = TEXT_LIMIT): string {
  return text.length > limit ? text.slice(0, limit) : text;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
