/**
 * Which proxy a request takes, read as the SDK's proxyPolicy reads it: from `proxyOptions`, from
 * HTTPS_PROXY, ALL_PROXY or HTTP_PROXY unless NO_PROXY excludes the host, or from the agent the policy
 * put on a request. Shared by the signals (which proxy refused or answered) and the preflight.
 */

/** A proxy as the SDK's `proxyOptions` give it (`host` may be a URL such as `http://proxy.example`). */
export interface ProxySettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** The proxy a request to the endpoint goes through, as the SDK's proxyPolicy would pick it. */
export interface ProxyRoute {
  /** The proxy's URL, credentials included: never print it, print {@link proxyLabel}. */
  url: URL;
  /** Where it came from: `"proxyOptions"` or the environment variable's name. */
  source: string;
}

/** Which proxy applies to a host, or why none does. */
export interface ProxyChoice {
  proxy?: ProxyRoute;
  /** The NO_PROXY entry that excludes the host, when one does. */
  bypassedBy?: string;
}

type Environment = Record<string, string | undefined>;

/** The variables the SDK reads, in its order of preference, each in upper then lower case. */
const PROXY_VARIABLES = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"] as const;

function variable(env: Environment, name: string): { name: string; value: string } | undefined {
  for (const key of [name, name.toLowerCase()]) {
    const value = env[key];
    if (value) return { name: key, value };
  }
  return undefined;
}

/**
 * The proxy the SDK would use for a URL: `proxyOptions` when given, else HTTPS_PROXY, ALL_PROXY or
 * HTTP_PROXY, unless NO_PROXY names the host exactly or by a leading-dot suffix.
 *
 * @param target - the endpoint.
 * @param proxyOptions - the client's proxy options, if any.
 * @param env - the environment to read; defaults to this process's.
 * @throws TypeError when the configured proxy is not a URL.
 */
export function proxyFor(
  target: URL,
  proxyOptions: ProxySettings | undefined,
  env: Environment = process.env,
): ProxyChoice {
  const proxy = proxyOptions ? fromOptions(proxyOptions) : fromEnvironment(env);
  if (!proxy) return {};
  const bypassedBy = noProxyMatch(target.hostname, variable(env, "NO_PROXY")?.value ?? "");
  return bypassedBy ? { bypassedBy } : { proxy };
}

function fromOptions(options: ProxySettings): ProxyRoute {
  const url = parseProxyUrl(options.host, "proxyOptions.host");
  url.port = String(options.port);
  if (options.username) url.username = encodeURIComponent(options.username);
  if (options.password) url.password = encodeURIComponent(options.password);
  return { url, source: "proxyOptions" };
}

function fromEnvironment(env: Environment): ProxyRoute | undefined {
  for (const name of PROXY_VARIABLES) {
    const found = variable(env, name);
    if (found) return { url: parseProxyUrl(found.value, found.name), source: found.name };
  }
  return undefined;
}

function parseProxyUrl(value: string, source: string): URL {
  // A bare host:port is how many people write a proxy; the SDK's agents take it as http.
  const text = /^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  if (!URL.canParse(text)) throw new TypeError(`The proxy in ${source} is not a URL.`);
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`The proxy in ${source} must be an http:// or https:// URL, not ${url.protocol}.`);
  }
  return url;
}

/**
 * The NO_PROXY entry that excludes a host: an exact host name, or `.suffix` matching the domain
 * itself and everything under it, as the SDK's proxyPolicy matches them.
 *
 * @param hostname - the endpoint's host name.
 * @param noProxy - the comma-separated NO_PROXY value.
 */
export function noProxyMatch(hostname: string, noProxy: string): string | undefined {
  const host = hostname.toLowerCase();
  // Entries are compared as written, as the SDK compares them with the URL's lower-case host name.
  for (const entry of noProxy
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    if (entry.startsWith(".") ? host.endsWith(entry) || host === entry.slice(1) : host === entry)
      return entry;
  }
  return undefined;
}

/**
 * The proxy as it may be shown: scheme, host and port, never its credentials.
 *
 * @param route - the proxy.
 */
export function proxyLabel(route: ProxyRoute): string {
  return `${route.url.protocol}//${route.url.host}`;
}

/**
 * The proxy the SDK's proxyPolicy put on a request, read from its agent (`https-proxy-agent` keeps the
 * proxy's URL as `proxy`), with where it came from: the environment variable whose URL it is, else
 * `proxyOptions`. Undefined for a request that goes direct. Never throws.
 *
 * @param request - the request, as the pipeline carries it.
 * @param env - the environment to compare with; defaults to this process's.
 */
export function requestProxy(request: { agent?: unknown }, env?: Environment): ProxyRoute | undefined {
  try {
    const proxy = (request.agent as { proxy?: unknown } | undefined)?.proxy;
    if (!(proxy instanceof URL)) return undefined;
    // The environment is read only for a request that went through a proxy (this runs for every failure).
    const fromEnv = fromEnvironment(env ?? process.env);
    const source = fromEnv && fromEnv.url.href === proxy.href ? fromEnv.source : "proxyOptions";
    return { url: proxy, source };
  } catch {
    return undefined;
  }
}

/**
 * Whether credentials go to the proxy (a `Proxy-Authorization` header on CONNECT): a user name or a
 * password in its URL.
 *
 * @param route - the proxy.
 */
export function sendsProxyCredentials(route: ProxyRoute): boolean {
  return route.url.username !== "" || route.url.password !== "";
}

/**
 * What of the proxy's credentials must never be shown: its password as written in the URL and
 * decoded, and the Basic credentials the CONNECT carries, which a proxy's page may echo.
 *
 * @param route - the proxy.
 */
export function proxySecrets(route: ProxyRoute): string[] {
  const { username, password } = route.url;
  if (!password) return [];
  const plain = decoded(password);
  const basic = Buffer.from(`${decoded(username)}:${plain}`).toString("base64");
  return [...new Set([password, plain, basic])];
}

/**
 * A URL's percent-encoded user name or password, decoded as the proxy agent decodes it; a malformed
 * escape is kept as written.
 *
 * @param text - the encoded text.
 */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
