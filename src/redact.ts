import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** What stands in for a secret. */
export const REDACTED = "REDACTED";

/** Request headers whose values are credentials. */
const SECRET_HEADERS = [
  "api-key",
  "authorization",
  "proxy-authorization",
  "ocp-apim-subscription-key",
  "x-ms-authorization-auxiliary",
] as const;

/**
 * Secrets by shape, for text where the exact value is not known: query parameters and
 * connection-string fields that carry keys, SAS signatures, headers written as text or JSON,
 * passwords in URLs (proxies), bearer and basic credentials, JWTs.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b((?:api[-_]?key|sig|signature|client_secret|clientsecret|access_token|refresh_token|code|password|secret|token|key)=)[^&\s"'<>;,]+/gi,
  /\b((?:AccountKey|SharedAccessKey|SharedAccessSignature|ClientSecret|Password)\s*=\s*)[^;\s"']+/gi,
  /\b((?:api[-_]?key|authorization|proxy-authorization|ocp-apim-subscription-key|client[-_]?secret|password)["']?\s*[:=]\s*["']?(?:(?:bearer|basic|sharedkey)\s+)?)[^\s,"';}]+/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)[^\s/?#@]+(?=@)/gi,
  /\b((?:bearer|basic)\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi,
  /()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];

/**
 * The credential values a request carries, to be removed wherever they appear: header values and
 * secret query parameters. Values shorter than 4 characters are left out, they would redact words.
 *
 * @param request - the request whose credentials to collect.
 */
export function secretsOf(request: PipelineRequest): string[] {
  const secrets: string[] = [];
  try {
    for (const name of SECRET_HEADERS) {
      const value = request.headers.get(name);
      if (value) {
        secrets.push(value);
        const token = /^\s*\S+\s+(\S+)\s*$/.exec(value)?.[1];
        if (token) secrets.push(token);
      }
    }
    const query = request.url.indexOf("?");
    if (query >= 0) {
      for (const [name, value] of new URLSearchParams(request.url.slice(query + 1))) {
        if (/^(api-?key|sig|signature|code|token|access_token|client_secret|secret)$/i.test(name) && value) {
          secrets.push(value, encodeURIComponent(value));
        }
      }
    }
  } catch {
    // A request that cannot be read has no secrets we could find; the patterns still apply.
  }
  return secrets.filter((secret) => secret.length >= 4);
}

/**
 * Removes secrets from a text: every known secret value, then anything shaped like one.
 *
 * @param text - the text to clean.
 * @param secrets - exact values to remove, such as the request's api-key.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(result)) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, (_match, prefix: string) => `${prefix}${REDACTED}`);
    }
  }
  return result;
}
