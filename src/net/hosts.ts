/**
 * Host, origin and loopback helpers shared by the policy and the preflight: one reading of a URL's
 * host, as the HTTP client reads it.
 */

/**
 * A URL hostname without the brackets of an IPv6 literal.
 *
 * @param hostname - a URL's hostname.
 */
export function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "");
}

/**
 * Whether a host name is this machine: localhost, 127.0.0.0/8 or ::1.
 *
 * @param hostname - a URL's hostname, IPv6 with or without brackets.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname).toLowerCase();
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/**
 * A URL parsed as the HTTP client will parse it, or undefined when it is not a URL.
 *
 * @param url - the URL as written.
 */
export function parseUrl(url: string): URL | undefined {
  return URL.canParse(url) ? new URL(url) : undefined;
}

/**
 * The host (and port) of a URL, for a message; never its userinfo, path or query.
 *
 * @param url - the URL as written.
 */
export function hostOf(url: string): string {
  return parseUrl(url)?.host ?? "the endpoint";
}

/**
 * The origin of a URL: scheme, host and port.
 *
 * @param url - the URL as written.
 */
export function originOf(url: string): string | undefined {
  return parseUrl(url)?.origin;
}

/**
 * The scheme, host and port as written: a cheap key for kept results, without parsing the URL.
 *
 * @param url - the URL as written.
 */
export function originKey(url: string): string {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path < 0 ? url : url.slice(0, path);
}
