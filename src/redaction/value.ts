import { types } from "node:util";
import { NameUse, isSecretName } from "./names.js";
import { REDACTED } from "./ranges.js";
import { prepareSecrets, redact, type PreparedSecrets } from "./redact.js";

/** Options of {@link redactValue}. */
export interface RedactValueOptions {
  /** How many levels of objects and arrays are copied; deeper ones are withheld. Defaults to 8, at most 64. */
  depth?: number;
  /** How many objects, arrays and errors are copied in all; the rest are withheld. Defaults to 10,000. */
  maxNodes?: number;
  /**
   * How many characters of strings (keys included) are read in all: the string that reaches the bound
   * is cut there, as `redact()` cuts a long text, and later ones are withheld. Defaults to no bound
   * but `redact()`'s own, string by string.
   */
  maxCharacters?: number;
}

/** What stands in for a value beyond the depth or size {@link redactValue} copies. */
export const VALUE_WITHHELD = "[withheld: too deep or too large to redact]";

/** What stands in for a value that contains itself. */
export const CIRCULAR = "[circular]";

const MAX_DEPTH = 64;

/**
 * A copy of a JSON-like value with every string redacted (keys included) and every value under a
 * credential's name (`"accountKey"`, `"api-key"`, `"password"`, ...) replaced by `REDACTED`: for
 * `error.details`, parsed before it is redacted so that JSON-escaped secrets are seen decoded, and for
 * an error's `cause` chain. An error becomes a new `Error` with the same name, message, stack, cause,
 * `errors` and own enumerable properties, each redacted. Never throws; a property that cannot be read,
 * a cycle, or what lies past the depth or size bound is replaced by a marker.
 *
 * @param value - the value to copy.
 * @param secrets - known secret values, or the same made ready by `prepareSecrets()`.
 * @param options - the depth and size copied.
 */
export function redactValue(
  value: unknown,
  secrets: readonly string[] | PreparedSecrets = [],
  options: RedactValueOptions = {},
): unknown {
  const walk: Walk = {
    secrets: Array.isArray(secrets) ? prepareSecrets(secrets) : (secrets as PreparedSecrets),
    depth: Math.min(Math.max(options.depth ?? 8, 0), MAX_DEPTH),
    nodes: Math.max(options.maxNodes ?? 10_000, 0),
    characters: Math.max(options.maxCharacters ?? Number.POSITIVE_INFINITY, 0),
    path: new Set(),
  };
  try {
    return copy(value, 0, walk);
  } catch {
    return VALUE_WITHHELD;
  }
}

interface Walk {
  readonly secrets: PreparedSecrets;
  readonly depth: number;
  /** How many more objects may be copied. */
  nodes: number;
  /** How many more characters of strings may be read. */
  characters: number;
  /** The objects being copied, from the root down: one met again is a cycle. */
  readonly path: Set<object>;
}

function copy(value: unknown, level: number, walk: Walk): unknown {
  if (typeof value === "string") return text(value, walk);
  if (typeof value !== "object" || value === null) return value;
  if (walk.path.has(value)) return CIRCULAR;
  if (level >= walk.depth || walk.nodes <= 0) return VALUE_WITHHELD;
  walk.nodes--;
  walk.path.add(value);
  try {
    if (isError(value)) return copyError(value, level, walk);
    if (Array.isArray(value)) return copyArray(value, level, walk);
    return copyObject(value, level, walk);
  } catch {
    return VALUE_WITHHELD;
  } finally {
    walk.path.delete(value);
  }
}

/** A string redacted within what is left of the characters to read. */
function text(value: string, walk: Walk): string {
  if (walk.characters === Number.POSITIVE_INFINITY) return redact(value, walk.secrets);
  if (walk.characters <= 0) return VALUE_WITHHELD;
  const limit = walk.characters;
  walk.characters -= Math.min(value.length, limit);
  return redact(value, walk.secrets, { maxLength: limit });
}

function copyArray(array: readonly unknown[], level: number, walk: Walk): unknown[] {
  const result: unknown[] = [];
  for (let i = 0; i < array.length; i++) {
    if (walk.nodes <= 0) {
      result.push(VALUE_WITHHELD);
      break;
    }
    result.push(copy(read(array, i), level + 1, walk));
  }
  return result;
}

function copyObject(object: object, level: number, walk: Walk): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (walk.nodes <= 0) {
      define(result, "…", VALUE_WITHHELD);
      break;
    }
    define(result, text(key, walk), copyField(key, read(object, key), level, walk));
  }
  return result;
}

/** A field's copy: a scalar under a credential's name is the secret itself. */
function copyField(key: string, value: unknown, level: number, walk: Walk): unknown {
  const scalar = typeof value === "string" || typeof value === "number" || typeof value === "bigint";
  if (scalar && isSecretName(key, NameUse.labelled)) return value === "" ? value : REDACTED;
  return copy(value, level + 1, walk);
}

function copyError(error: object, level: number, walk: Walk): Error {
  const message = read(error, "message");
  const cause = read(error, "cause");
  const result = new Error(
    typeof message === "string" ? text(message, walk) : "",
    cause === undefined ? undefined : { cause: copy(cause, level + 1, walk) },
  );
  const name = read(error, "name");
  if (typeof name === "string") result.name = text(name, walk);
  const stack = read(error, "stack");
  result.stack = typeof stack === "string" ? text(stack, walk) : `${result.name}: ${result.message}`;
  const errors = read(error, "errors");
  if (Array.isArray(errors)) define(result, "errors", copy(errors, level + 1, walk));
  for (const key of Object.keys(error)) {
    if (key === "message" || key === "cause" || key === "stack" || key === "name" || key === "errors")
      continue;
    define(result, text(key, walk), copyField(key, read(error, key), level, walk));
  }
  return result;
}

function isError(value: object): boolean {
  return value instanceof Error || types.isNativeError(value);
}

/** Reads a property without letting a throwing getter or a proxy escape. */
function read(value: object, key: string | number): unknown {
  try {
    return (value as Record<string | number, unknown>)[key];
  } catch {
    return VALUE_WITHHELD;
  }
}

/** Sets an own property, even one named `__proto__`. */
function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
