import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { prepareSecrets, type PreparedSecrets } from "../redaction/index.js";
import type { FailureSignals } from "../types.js";

/** How much of a message the rules see: error texts are short, and a bound keeps a 10 MB one cheap. */
export const TEXT_LIMIT = 4096;

/** How much of a body the rules see: the service's texts and a proxy page's telling start fit in it. */
export const BODY_LIMIT = 1024;

/**
 * The longest text of an error that is read at all. Reading any part of a long string V8 built by
 * joining others (a client's message that quotes a whole body) copies all of it first: a 10 MB message
 * costs tens of milliseconds before its first character. A longer text counts as absent, and what the
 * policy writes in its place says how long it was.
 */
export const READ_LIMIT = 1024 * 1024;

/** The longest code or request id kept; real ones are far shorter. */
export const CODE_LIMIT = 128;

/**
 * Where a failure's raw signals keep the credential values of its request, made ready once for every
 * text that leaves (the evidence, a diagnosis's detail, what your own rules see): each is redacted
 * with them, once, when it leaves.
 */
export const SECRETS: unique symbol = Symbol("azure-sdk-doctor.secrets");

/** Signals as they are read, with the secrets to redact what leaves of them. */
export type RawSignals = FailureSignals & { [SECRETS]: PreparedSecrets };

/** The secrets of a failure whose request carried none, or that had no request. */
export const NO_SECRETS: PreparedSecrets = prepareSecrets([]);

/**
 * Signals with every field present, in one order: the rules then meet a single object shape, and
 * their reads stay fast (this runs for every failure).
 */
export function blankSignals(): RawSignals {
  return {
    status: undefined,
    serviceCode: undefined,
    nodeCode: undefined,
    errorName: undefined,
    requestId: undefined,
    service: undefined,
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
    lowerCaseText: undefined,
    challengeDescription: undefined,
    problemType: undefined,
    authenticationDetail: undefined,
    innerCode: undefined,
    clientAddress: undefined,
    failureCause: undefined,
    retryAfterSeconds: undefined,
    rateLimitExhausted: undefined,
    entraCode: undefined,
    // Who answered, and the path the request took.
    server: undefined,
    via: undefined,
    squidError: undefined,
    basicRealm: undefined,
    proxyChallenge: false,
    proxy: undefined,
    proxySource: undefined,
    proxyCredentials: false,
    [SECRETS]: NO_SECRETS,
  };
}

/**
 * Reads a property without letting a throwing getter or a proxy escape.
 *
 * @param value - anything.
 * @param key - the property to read.
 */
export function read(value: unknown, key: string): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * The fields every failure's reading starts with, each read by a function of its own: a property
 * read with a fixed name keeps what it learns of the objects it meets to itself, where {@link read}'s
 * one read by any key is shared by every caller and every key (and in V8 ends up megamorphic).
 * Like {@link read}, a throwing getter or proxy reads as absent.
 */
type Fields = Record<
  "request" | "response" | "message" | "name" | "code" | "statusCode" | "status" | "details" | "cause",
  unknown
>;

function isObjectLike(value: unknown): value is Partial<Fields> {
  return value !== null && (typeof value === "object" || typeof value === "function");
}

/** The `request` of an error, as {@link read} would give it. */
export function readRequest(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.request;
  } catch {
    return undefined;
  }
}

/** The `response` of an error, as {@link read} would give it. */
export function readResponse(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.response;
  } catch {
    return undefined;
  }
}

/** The `message` of an error, as {@link read} would give it. */
export function readMessage(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.message;
  } catch {
    return undefined;
  }
}

/** The `name` of an error, as {@link read} would give it. */
export function readName(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.name;
  } catch {
    return undefined;
  }
}

/** The `code` of an error, as {@link read} would give it. */
export function readCode(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.code;
  } catch {
    return undefined;
  }
}

/** The `statusCode` of an error, as {@link read} would give it. */
export function readStatusCode(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.statusCode;
  } catch {
    return undefined;
  }
}

/** The `status` of an error or a response, as {@link read} would give it. */
export function readStatus(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.status;
  } catch {
    return undefined;
  }
}

/** The `details` of an error, as {@link read} would give it. */
export function readDetails(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.details;
  } catch {
    return undefined;
  }
}

/** The `cause` of an error, as {@link read} would give it. */
export function readCause(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return value.cause;
  } catch {
    return undefined;
  }
}

/**
 * A text cut to a bound.
 *
 * @param text - the text.
 * @param limit - the most characters kept.
 */
export function bounded(text: string, limit = TEXT_LIMIT): string {
  return text.length > limit ? text.slice(0, limit) : text;
}

/**
 * A non-empty string value, bounded; anything else as absent.
 *
 * @param value - anything.
 * @param limit - the most characters kept.
 */
export function stringOr(value: unknown, limit: number): string | undefined {
  return typeof value === "string" && value !== "" ? bounded(value, limit) : undefined;
}

/**
 * Whether a value looks like the SDK's request: a string URL and method, and headers it can read.
 *
 * @param value - anything.
 */
export function isRequestLike(value: unknown): value is PipelineRequest {
  return (
    typeof readUrl(value) === "string" &&
    typeof readMethod(value) === "string" &&
    typeof readGet(readHeaders(value)) === "function"
  );
}

/**
 * Whether a value looks like the SDK's response: a numeric status and headers it can read.
 *
 * @param value - anything.
 */
export function isResponseLike(value: unknown): value is PipelineResponse {
  return typeof readStatus(value) === "number" && typeof readGet(readHeaders(value)) === "function";
}

function readUrl(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return (value as { url?: unknown }).url;
  } catch {
    return undefined;
  }
}

function readMethod(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return (value as { method?: unknown }).method;
  } catch {
    return undefined;
  }
}

function readHeaders(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return (value as { headers?: unknown }).headers;
  } catch {
    return undefined;
  }
}

function readGet(value: unknown): unknown {
  if (!isObjectLike(value)) return undefined;
  try {
    return (value as { get?: unknown }).get;
  } catch {
    return undefined;
  }
}
