import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { SECRET_HEADERS, SECRET_QUERY_PARAMETERS } from "../secrets.js";
import type { CredentialKind } from "../types.js";

/** What stands in for a secret. */
export const REDACTED = "REDACTED";

/**
 * Secrets by shape, for text where the exact value is not known: query parameters and
 * connection-string fields that carry keys, SAS signatures, headers written as text or JSON,
 * passwords in URLs (proxies), bearer and basic credentials, JWTs.
 */
const SECRET_PATTERNS: readonly { hint: RegExp; pattern: RegExp }[] = [
  {
    hint: /=/,
    pattern:
      /\b((?:api[-_]?key|sig|signature|client_secret|clientsecret|access_token|refresh_token|code|password|secret|token|key)=)[^&\s"'<>;,]+/gi,
  },
  {
    hint: /=/,
    pattern:
      /\b((?:AccountKey|SharedAccessKey|SharedAccessSignature|ClientSecret|Password)\s*=\s*)[^;\s"']+/gi,
  },
  {
    hint: /(?:api[-_]?key|authorization|subscription-key|secret|password)["']?\s*[:=]/i,
    pattern:
      /\b((?:api[-_]?key|authorization|proxy-authorization|ocp-apim-subscription-key|client[-_]?secret|password)["']?\s*[:=]\s*["']?(?:(?:bearer|basic|sharedkey)\s+)?)[^\s,"';}]+/gi,
  },
  { hint: /:\/\/[^\s@]*@/, pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)[^\s/?#@]+(?=@)/gi },
  { hint: /(?:bearer|basic)\s/i, pattern: /\b((?:bearer|basic)\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi },
  { hint: /eyJ/, pattern: /()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
];

/**
 * What the patterns without a `=` or an `@` need (those two are found faster by a plain search):
 * a credential's word followed by `:`, a scheme followed by a space, or a JWT's start. "Authorization
 * failed." and "The provided application secret is invalid." hold none.
 */
const SECRET_WORD_HINT =
  /(?:bearer|basic)\s|eyJ|(?:api[-_]?key|authorization|subscription-key|secret|password)["']?\s*[:=]/i;

const QUERY_NAMES = SECRET_QUERY_PARAMETERS.map((name) => name.replace(/[-_]/g, "[-_]?")).join("|");

/** A secret query parameter anywhere in a URL, checked before the query string is parsed. */
const SECRET_QUERY_HINT = new RegExp(`[?&](?:${QUERY_NAMES})=`, "i");

/** A secret query parameter's name. */
const SECRET_QUERY_NAME = new RegExp(`^(?:${QUERY_NAMES})$`, "i");

/** The credentials a request carries: their values, to be removed wherever they appear, and their kind. */
export interface RequestCredentials {
  /** Header values and secret query parameters, each at least 4 characters long. */
  secrets: string[];
  /** Which credential the request carries; undefined when its headers cannot be read. */
  kind: CredentialKind | undefined;
}

/**
 * The credential values a request carries, to be removed wherever they appear: header values and
 * secret query parameters.
 *
 * @param request - the request whose credentials to collect.
 */
export function secretsOf(request: PipelineRequest): string[] {
  return credentialsOf(request).secrets;
}

/**
 * The credentials a request carries, read in one pass over its headers. The api-key header is set
 * before a perCall policy runs; a bearer token only after, so a token credential shows as
 * `"bearer"` once the request has gone.
 *
 * @param request - the request whose credentials to collect.
 */
export function credentialsOf(request: PipelineRequest): RequestCredentials {
  const secrets: string[] = [];
  let kind: CredentialKind | undefined;
  try {
    kind = "none";
    for (const name of SECRET_HEADERS) {
      const value = request.headers.get(name)?.trim();
      if (value === undefined) continue;
      if (name === "api-key") kind = "apiKey";
      else if (name === "authorization" && kind === "none") kind = authorizationKind(value);
      keep(secrets, value);
      // "Bearer <token>", "Basic <credentials>": the credential alone may be echoed too.
      const space = value.indexOf(" ");
      if (space > 0) keep(secrets, value.slice(space + 1).trim());
      // "SharedKey <account>:<signature>": Storage quotes the signature alone when it does not match.
      if (SHARED_KEY_VALUE.test(value)) keep(secrets, value.slice(value.lastIndexOf(":") + 1));
    }
    const url = request.url;
    const query = url.indexOf("?");
    if (query >= 0 && SECRET_QUERY_HINT.test(url)) {
      for (const [name, value] of new URLSearchParams(url.slice(query + 1))) {
        if (SECRET_QUERY_NAME.test(name)) {
          keep(secrets, value);
          keep(secrets, encodeURIComponent(value));
          if (kind === "none" && name.toLowerCase() === "sig") kind = "sas";
        }
      }
    }
  } catch {
    // A request that cannot be read has no secrets we could find; the patterns still apply.
    kind = undefined;
  }
  return { secrets, kind };
}

/** The schemes of an `Authorization` value, and the kind of credential each carries. */
const AUTHORIZATION_KINDS: readonly [RegExp, CredentialKind][] = [
  [/^bearer\s/i, "bearer"],
  [/^sharedkey(?:lite)?\s/i, "sharedKey"],
  [/^hmac-sha256\s/i, "hmac"],
];

const SHARED_KEY_VALUE = /^sharedkey(?:lite)?\s+[^:\s]+:\S/i;

function authorizationKind(value: string): CredentialKind {
  for (const [scheme, kind] of AUTHORIZATION_KINDS) if (scheme.test(value)) return kind;
  return "none";
}

/** Keeps a secret value; values shorter than 4 characters are left out, they would redact words. */
function keep(secrets: string[], value: string): void {
  if (value.length >= 4) secrets.push(value);
}

/**
 * Whether redact() could change a text: it holds one of the secrets, or what some secret pattern
 * needs (a `=`, an `@`, a credential's word followed by `:`, a scheme followed by a space, a JWT's
 * start). A text for which this is false holds no secret, and neither does any part of it.
 *
 * @param text - the text to look at.
 * @param secrets - exact values to look for.
 */
export function mayHoldSecret(text: string, secrets: readonly string[] = []): boolean {
  for (const secret of secrets) if (text.includes(secret)) return true;
  return text.includes("=") || text.includes("@") || SECRET_WORD_HINT.test(text);
}

/**
 * Removes secrets from a text: every known secret value, then anything shaped like one.
 *
 * @param text - the text to clean.
 * @param secrets - exact values to remove, such as the request's api-key.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  // Most error texts hold nothing shaped like a secret: one scan rules them out, then each
  // pattern runs only where its own hint is present.
  if (!mayHoldSecret(text, secrets)) return text;
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const { hint, pattern } of SECRET_PATTERNS) {
    if (hint.test(result))
      result = result.replace(pattern, (_match, prefix: string) => `${prefix}${REDACTED}`);
  }
  return result;
}

/**
 * Whether a request carries any credential of the table: a secret header, or a secret query
 * parameter in any case (`?SIG=`, `?API-KEY=`).
 *
 * @param request - the request.
 */
export function carriesCredentials(request: PipelineRequest): boolean {
  for (const name of SECRET_HEADERS) if (request.headers.has(name)) return true;
  const query = request.url.indexOf("?");
  if (query < 0) return false;
  for (const [name] of new URLSearchParams(request.url.slice(query + 1))) {
    if (SECRET_QUERY_NAME.test(name)) return true;
  }
  return false;
}
