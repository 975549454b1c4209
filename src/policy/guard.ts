import { inspect } from "node:util";
import { RestError, type HttpHeaders, type PipelineRequest } from "@azure/core-rest-pipeline";
import { INSECURE_REQUEST_REFUSED } from "../codes.js";
import { isLoopbackHost, parseUrl } from "../net/hosts.js";
import { carriesCredentials } from "../redaction/index.js";

/**
 * A check of a request as it leaves: throws what refuses it, with its URL as the HTTP client reads
 * it at that moment.
 */
export type LeaveCheck = (request: PipelineRequest, url: string) => void;

/** The refusals the guard made, so that the policy tells them from any other failure. */
const refusals = new WeakSet<object>();

/**
 * Whether an error is the guard's refusal of plain HTTP.
 *
 * @param error - anything thrown.
 */
export function isInsecureRequestRefusal(error: unknown): boolean {
  return typeof error === "object" && error !== null && refusals.has(error);
}

/**
 * Where a request's credentials would cross the network in clear, or undefined when they would not:
 * the URL read as the Node.js HTTP client reads it (WHATWG URL parsing, which drops spaces and
 * controls at its ends and tabs and line breaks anywhere), sent in clear unless its scheme is https,
 * to a host other than loopback, or to loopback through a plain-HTTP proxy on another host (the proxy
 * the SDK put on `request.agent`). The answer names the host the credentials would reach.
 *
 * @param request - the request, with the agent the SDK chose for it.
 * @param url - its URL as it will be sent.
 */
export function clearHop(request: PipelineRequest, url: string): string | undefined {
  // The exact prefix is https whatever follows: no URL parsing on the common path.
  if (url.startsWith("https://")) return undefined;
  const parsed = parseUrl(url);
  // A URL the HTTP client cannot parse is not sent at all.
  if (parsed === undefined || parsed.protocol === "https:") return undefined;
  if (!isLoopbackHost(parsed.hostname)) return parsed.host;
  const proxy = proxyOf(request);
  if (proxy !== undefined && proxy.protocol !== "https:" && !isLoopbackHost(proxy.hostname)) {
    return `${proxy.host} (a plain-HTTP proxy)`;
  }
  return undefined;
}

/** The proxy on the agent the SDK's proxyPolicy (or the application) put on the request. */
function proxyOf(request: PipelineRequest): URL | undefined {
  const proxy: unknown = (request.agent as { proxy?: unknown } | undefined)?.proxy;
  if (proxy instanceof URL) return proxy;
  return typeof proxy === "string" ? parseUrl(proxy) : undefined;
}

/**
 * Whether a request would carry credentials in clear over the network: a hop in clear
 * ({@link clearHop}) and any credential of the secrets table (a header, a query or form parameter, a
 * password in the URL; a request that cannot be read counts as carrying one).
 *
 * @param request - the request about to be sent.
 * @param url - its URL as it will be sent; defaults to `request.url`.
 */
export function sendsCredentialsInClear(request: PipelineRequest, url: string = request.url): boolean {
  return clearHop(request, url) !== undefined && carriesCredentials(request);
}

/**
 * The error the policy throws instead of sending such a request: a `RestError` with the code
 * `InsecureRequestRefused` and the request, naming the host only.
 *
 * @param request - the refused request.
 * @param url - its URL as it would have been sent; defaults to `request.url`.
 */
export function insecureRequestRefusal(request: PipelineRequest, url: string = request.url): RestError {
  const hop = clearHop(request, url) ?? parseUrl(url)?.host ?? "the endpoint";
  const error = new RestError(
    `Refused to send credentials over plain HTTP to ${hop}; use an https:// endpoint.`,
    { code: INSECURE_REQUEST_REFUSED, request },
  );
  refusals.add(error);
  return error;
}

/**
 * The plain-HTTP check of a request as it leaves: throws {@link insecureRequestRefusal} when it would
 * carry credentials in clear.
 *
 * @param request - the request.
 * @param url - its URL as it will be sent.
 */
export function refuseCredentialsInClear(request: PipelineRequest, url: string): void {
  if (sendsCredentialsInClear(request, url)) throw insecureRequestRefusal(request, url);
}

/**
 * Keeps checking a request, on the same object, until the rest of the pipeline has run: the check
 * runs when the HTTP client reads the request to send it, after the Sign phase and after every
 * redirect, and what it throws reaches the client before anything is sent.
 *
 * Where the URL is not https when the policy runs (the rare case, where a later policy may still add
 * credentials), the request's `url` data property becomes an accessor on the same object whose
 * getter checks the request as it is at each read and whose setter keeps redirects working. Otherwise
 * `headers` is wrapped for the time of the call, and the wrapper checks when the client reads the
 * headers to send them (`toJSON()`, or iterating them): a URL the pipeline changed since (a redirect)
 * is checked then. An accessor costs a microsecond (V8 turns the object's properties into a
 * dictionary), a wrapper a few nanoseconds, so the common case pays for the wrapper only.
 *
 * @param request - the request the policy was given.
 * @param check - what to run as it leaves.
 * @returns what puts the request back as it was (its current URL and headers kept), or undefined
 * when the request cannot be watched (a frozen or exotic object): the policy's own check is then all.
 */
export function watchRequest(request: PipelineRequest, check: LeaveCheck): (() => void) | undefined {
  try {
    const url: unknown = request.url;
    if (typeof url === "string" && !url.startsWith("https://")) {
      const restore = watchUrl(request, check);
      if (restore) return restore;
    }
    return watchHeaders(request, check);
  } catch {
    return undefined;
  }
}

/** The `url` accessor: see {@link watchRequest}. */
function watchUrl(request: PipelineRequest, check: LeaveCheck): (() => void) | undefined {
  const own = Object.getOwnPropertyDescriptor(request, "url");
  if (!own?.configurable || !("value" in own)) return undefined;
  let value: unknown = own.value;
  let checking = false;
  const accessor: PropertyDescriptor = {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      // The check itself reads the request: those reads are answered plainly.
      if (!checking && typeof value === "string") {
        checking = true;
        try {
          check(request, value);
        } finally {
          checking = false;
        }
      }
      return value;
    },
    set(next: unknown) {
      value = next;
    },
  };
  Object.defineProperty(request, "url", accessor);
  return () => {
    if (Object.getOwnPropertyDescriptor(request, "url")?.get !== accessor.get) return;
    Object.defineProperty(request, "url", {
      value,
      writable: own.writable,
      enumerable: own.enumerable,
      configurable: true,
    });
  };
}

/** The `headers` wrapper: see {@link watchRequest}. */
function watchHeaders(request: PipelineRequest, check: LeaveCheck): (() => void) | undefined {
  const inner = request.headers;
  if (inner instanceof WatchedHeaders) return undefined;
  const watched = new WatchedHeaders(inner, request, check);
  request.headers = watched;
  if (request.headers !== watched) return undefined;
  return () => {
    // A policy that put headers of its own on the request keeps them.
    if (request.headers === watched) request.headers = inner;
  };
}

/**
 * A request's headers, unchanged in every answer, that run the leave check when the HTTP client
 * reads them all to send them.
 */
class WatchedHeaders implements HttpHeaders {
  /** Whether the check is running: what it reads of the headers is answered plainly. */
  private checking = false;

  constructor(
    private readonly inner: HttpHeaders,
    private readonly request: PipelineRequest,
    private readonly check: LeaveCheck,
  ) {}

  get(name: string): string | undefined {
    return this.inner.get(name);
  }

  has(name: string): boolean {
    return this.inner.has(name);
  }

  set(name: string, value: string | number | boolean): void {
    this.inner.set(name, value);
  }

  delete(name: string): void {
    this.inner.delete(name);
  }

  toJSON(options?: { preserveCase?: boolean }): ReturnType<HttpHeaders["toJSON"]> {
    this.leaving();
    return this.inner.toJSON(options);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    this.leaving();
    return this.inner[Symbol.iterator]();
  }

  toString(): string {
    return String(this.inner);
  }

  [inspect.custom](depth: number, options: object): string {
    return inspect(this.inner, { ...options, depth });
  }

  private leaving(): void {
    if (this.checking) return;
    const url: unknown = this.request.url;
    if (typeof url !== "string") return;
    this.checking = true;
    try {
      this.check(this.request, url);
    } finally {
      this.checking = false;
    }
  }
}
