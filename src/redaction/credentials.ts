import type { PipelineRequest } from "@azure/core-rest-pipeline";
import {
  AUTHORIZATION_SCHEMES,
  SECRET_HEADERS,
  SECRET_MIN_LENGTH,
  SECRET_PARAMETERS,
  type SecretHeader,
  type SecretParameter,
} from "../secrets.js";
import type { CredentialKind } from "../types.js";
import { isSecretName, NameUse, normalizeName } from "./names.js";

/** The credentials a request carries: their values, to be removed wherever they appear, and their kind. */
export interface RequestCredentials {
  /**
   * The secret values, each at least `SECRET_MIN_LENGTH` long: credential header values and the
   * credential after their scheme (and a SharedKey's signature, a Basic credential's password, an
   * HMAC or SAS header's signature), secret query and form parameters as written and decoded, cookie
   * values, and a password in the URL. `redact()` finds them in their other spellings itself.
   */
  secrets: string[];
  /** Which credential the request authenticates with; undefined when the request cannot be read. */
  kind: CredentialKind | undefined;
  /**
   * The request's headers by lower-case name, as they were read for the credentials: the other facts of
   * the request are read from them too, where a header's `get` would cost a lookup each. Undefined when
   * they could not be read.
   */
  headers: Readonly<Record<string, string>> | undefined;
}

/** The table's headers by lower-case name, with their rank: the first present with a kind names it. */
const HEADERS: ReadonlyMap<string, { header: SecretHeader; rank: number }> = new Map(
  SECRET_HEADERS.map((header, rank) => [header.name.toLowerCase(), { header, rank }]),
);

/** The table's parameters by normalized name, with their rank. */
const PARAMETERS: ReadonlyMap<string, { parameter: SecretParameter; rank: number }> = new Map(
  SECRET_PARAMETERS.map((parameter, rank) => [normalizeName(parameter.name), { parameter, rank }]),
);

const SCHEME_KINDS: ReadonlyMap<string, CredentialKind> = new Map(
  AUTHORIZATION_SCHEMES.map((scheme) => [scheme.scheme.toLowerCase(), scheme.kind]),
);

/**
 * The credentials a request carries, read in one pass over its headers, its URL's userinfo and query,
 * and a form body, by the table in `secrets.ts`. Header names are matched without regard to case;
 * query and form parameter names as redaction reads them (any of the table's names, without regard
 * to case, `-` and `_`, after percent-decoding). The URL is read as the HTTP client reads it (tabs
 * and line breaks dropped, spaces and controls at its ends ignored).
 *
 * The api-key header is set before a perCall policy runs, a bearer token or a Storage or App
 * Configuration signature only in the Sign phase: read after it, the request shows them.
 *
 * @param request - the request whose credentials to collect.
 */
export function credentialsOf(request: PipelineRequest): RequestCredentials {
  const secrets: string[] = [];
  let kind: CredentialKind | undefined = "none";
  let headers: Readonly<Record<string, string>> | undefined;
  try {
    let rank = Number.POSITIVE_INFINITY;
    // One copy with lower-case names, read with for-in: cheaper than the headers' own iterator.
    headers = request.headers.toJSON();
    for (const name in headers) {
      const known = HEADERS.get(name);
      const value = headers[name];
      if (known === undefined || typeof value !== "string") continue;
      const schemeKind = collectHeader(known.header, value, secrets);
      const headerKind = known.header.kind;
      if (headerKind !== undefined && schemeKind !== undefined && known.rank < rank) {
        rank = known.rank;
        kind = headerKind === "byScheme" ? schemeKind : headerKind;
      }
    }
    const url = asSent(request.url);
    const password = passwordOf(url);
    if (password !== undefined) keepDecoded(secrets, password);
    const fromQuery = collectParameters(queryOf(url), secrets);
    if (kind === "none" && fromQuery !== undefined) kind = fromQuery;
    const form = formOf(request, headers);
    if (form !== undefined) collectParameters(form, secrets);
    collectFormData(request, secrets);
  } catch {
    // A request that cannot be read has no secrets we could find; the shapes still apply.
    kind = undefined;
  }
  return { secrets, kind, headers };
}

/**
 * Whether a request carries any credential of the table: a credential header with a value, a URL
 * header whose query holds a secret parameter, a secret parameter in its URL or form body, or a
 * password in its URL. For the plain-HTTP guard; a request that cannot be read counts as carrying one.
 *
 * @param request - the request about to be sent.
 */
export function carriesCredentials(request: PipelineRequest): boolean {
  try {
    const headers = request.headers.toJSON();
    for (const name in headers) {
      const known = HEADERS.get(name);
      const value = headers[name];
      if (known === undefined || typeof value !== "string") continue;
      if (known.header.holds === "url" ? hasSecretParameter(queryOf(asSent(value))) : value.trim() !== "") {
        return true;
      }
    }
    const url = asSent(request.url);
    if (passwordOf(url) !== undefined || hasSecretParameter(queryOf(url))) return true;
    const form = formOf(request, headers);
    if (form !== undefined && hasSecretParameter(form)) return true;
    const secrets: string[] = [];
    collectFormData(request, secrets);
    return secrets.length > 0;
  } catch {
    return true;
  }
}

/**
 * The secrets a proxy's URL carries, which a proxy may echo in its answer: the password as written
 * and decoded, `user:password`, and the Basic credential sent for it (base64 of `user:password`).
 * None for a URL without a password.
 *
 * @param url - the proxy's URL, credentials included.
 */
export function proxyCredentials(url: URL): string[] {
  const secrets: string[] = [];
  if (url.password === "") return secrets;
  const user = decodeUserinfo(url.username);
  const password = decodeUserinfo(url.password);
  keep(secrets, url.password);
  keep(secrets, password);
  keep(secrets, `${user}:${password}`);
  keep(secrets, Buffer.from(`${user}:${password}`, "utf8").toString("base64"));
  return secrets;
}

/** Percent-decoding of a URL's userinfo (where `+` is itself), keeping a malformed one as written. */
function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Keeps a header's secrets and returns the kind its scheme names (`"other"` for a credential in a
 * scheme the table does not name, undefined for an empty value or one that holds a URL or cookies).
 */
function collectHeader(header: SecretHeader, value: string, secrets: string[]): CredentialKind | undefined {
  if (header.holds === "url") {
    collectParameters(queryOf(asSent(value)), secrets);
    return undefined;
  }
  if (header.holds === "cookies") {
    for (const cookie of value.split(";")) keep(secrets, cookie.slice(cookie.indexOf("=") + 1).trim());
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  keep(secrets, trimmed);
  // "Bearer a, Bearer b": Resource Manager's auxiliary header holds a list.
  if (!trimmed.includes(",")) return collectCredential(trimmed, secrets);
  const parts = trimmed.split(",");
  for (const part of parts.slice(1)) collectCredential(part.trim(), secrets);
  return collectCredential(parts[0]!.trim(), secrets);
}

/**
 * Keeps the credential after a scheme, and the parts of it a server may echo alone; returns the
 * kind the scheme names.
 */
function collectCredential(value: string, secrets: string[]): CredentialKind {
  const space = value.indexOf(" ");
  // A key as it is (api-key, x-functions-key, ...) holds nothing more to read.
  if (space < 0 && !value.includes("=") && !value.includes(":") && !value.includes("%")) return "other";
  const kind = (space > 0 && SCHEME_KINDS.get(value.slice(0, space).toLowerCase())) || "other";
  const credential = space > 0 ? value.slice(space + 1).trim() : value;
  keep(secrets, credential);
  if (kind === "sharedKey") {
    // account:signature; Storage quotes the signature alone in its AuthenticationFailed message.
    keep(secrets, credential.slice(credential.indexOf(":") + 1));
  } else if (kind === "basic") {
    const userPassword = Buffer.from(credential, "base64").toString("utf8");
    const colon = userPassword.indexOf(":");
    if (colon >= 0) keep(secrets, userPassword.slice(colon + 1));
  } else if (credential.includes("&") || credential.includes("%26")) {
    // HMAC-SHA256 and SharedAccessSignature parameters; Cosmos DB writes its token URL-encoded.
    collectParameters(credential.includes("=") ? credential : decode(credential), secrets);
  }
  return kind;
}

/**
 * Keeps the secret parameters of a query or form body, as written and decoded, and returns the kind
 * of the first in the table's order that names one.
 */
function collectParameters(query: string, secrets: string[]): CredentialKind | undefined {
  let kind: CredentialKind | undefined;
  let rank = Number.POSITIVE_INFINITY;
  const found = secretParameters(query);
  for (let i = 0; i < found.length; i++) {
    const [name, value] = found[i]!;
    keepDecoded(secrets, value);
    const known = PARAMETERS.get(name);
    if (known?.parameter.kind !== undefined && known.rank < rank && value !== "") {
      rank = known.rank;
      kind = known.parameter.kind;
    }
  }
  return kind;
}

function hasSecretParameter(query: string): boolean {
  return secretParameters(query).some(([, value]) => value !== "");
}

const NONE: readonly [string, string][] = [];

/**
 * The parameters of a query or form body whose names redaction takes for a credential's (the
 * table's parameters, headers and fields), as normalized names with their values as written. Most
 * names are ruled out without a copy.
 */
function secretParameters(query: string): readonly [string, string][] {
  let found: [string, string][] | undefined;
  // Names are decoded only in a query that holds an escape or a '+' at all.
  const encoded = query.includes("%") || query.includes("+");
  for (let start = 0; start < query.length;) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    const equals = query.indexOf("=", start);
    const nameEnd = equals >= 0 && equals < end ? equals : end;
    const written = query.slice(start, nameEnd);
    const name = encoded && (written.includes("%") || written.includes("+")) ? decode(written) : written;
    if (isSecretName(name, NameUse.assigned)) {
      (found ??= []).push([normalizeName(name), nameEnd < end ? query.slice(nameEnd + 1, end) : ""]);
    }
    start = end + 1;
  }
  return found ?? NONE;
}

/**
 * The URL as the HTTP client reads it: WHATWG URL parsing drops tabs and line breaks anywhere and
 * C0 controls and spaces at either end.
 */
function asSent(url: string): string {
  const last = url.length - 1;
  const clean = url.charCodeAt(0) > 0x20 && url.charCodeAt(last) > 0x20 && !hasBreak(url);
  // eslint-disable-next-line no-control-regex -- the characters URL parsing trims
  return clean ? url : url.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
}

/** A tab or line break anywhere: three native searches for one character cost half of one regular expression's. */
function hasBreak(url: string): boolean {
  return url.includes("\n") || url.includes("\t") || url.includes("\r");
}

/** The query of a URL: after the first `?`, up to a `#`. */
function queryOf(url: string): string {
  const question = url.indexOf("?");
  if (question < 0) return "";
  const hash = url.indexOf("#");
  if (hash >= 0 && hash < question) return "";
  return url.slice(question + 1, hash > question ? hash : url.length);
}

/** The password of `scheme://user:password@host`, split at the last `@` as URL parsing does. */
function passwordOf(url: string): string | undefined {
  // Most URLs have no `@` at all: one search rules them out.
  if (!url.includes("@")) return undefined;
  const scheme = url.indexOf("://");
  if (scheme < 0) return undefined;
  const rest = url.slice(scheme + 3);
  const authority = rest.slice(0, rest.search(/[/?#\\]|$/));
  const at = authority.lastIndexOf("@");
  const colon = authority.indexOf(":");
  return at >= 0 && colon >= 0 && colon < at && colon + 1 < at ? authority.slice(colon + 1, at) : undefined;
}

/** A form-urlencoded string body. */
function formOf(request: PipelineRequest, headers: Readonly<Record<string, string>>): string | undefined {
  const body = request.body;
  if (typeof body !== "string") return undefined;
  const type = headers["content-type"] ?? "";
  return type.toLowerCase().includes("application/x-www-form-urlencoded") ? body : undefined;
}

/** The table's parameters among `formData` fields (core-rest-pipeline's form bodies). */
function collectFormData(request: PipelineRequest, secrets: string[]): void {
  const formData = request.formData;
  if (formData === undefined || formData === null) return;
  for (const [name, value] of Object.entries(formData)) {
    if (!isSecretName(name, NameUse.assigned)) continue;
    for (const item of Array.isArray(value) ? value : [value])
      if (typeof item === "string") keep(secrets, item);
  }
}

/** Keeps a value as written and, when it differs, decoded as a form or query value. */
function keepDecoded(secrets: string[], value: string): void {
  keep(secrets, value);
  if (value.includes("%") || value.includes("+")) keep(secrets, decode(value));
}

/** Form and query decoding (`+` is a space) that never throws: a malformed value stays as it is. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Keeps a secret value once; shorter ones would redact ordinary words and are left to the shapes. */
function keep(secrets: string[], value: string): void {
  if (value.length >= SECRET_MIN_LENGTH && !secrets.includes(value)) secrets.push(value);
}
