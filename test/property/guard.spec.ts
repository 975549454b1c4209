import assert from "node:assert/strict";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { diagnosisPolicy } from "../../src/index.js";
import { SECRET_HEADERS, SECRET_PARAMETERS } from "../../src/secrets.js";

/**
 * The guard over generated requests: URLs spelled every way URL parsing accepts, credential headers
 * and query parameters of the secrets table in any case, added before the policy runs or in the Sign
 * phase, a redirect that changes the URL after the policy ran, a proxy on the agent, and the policy
 * at perCall or perRetry. A model says which must be refused; an HTTP client that reads the request
 * as Node's does (the URL first, then the headers) records what would have been sent.
 */

const SCHEMES = ["http", "HTTP", "Http", "ht\ttp", "h\nttp", "https", "HTTPS", "ht\ttps", "ws", "ftp"];
const AROUND = ["", " ", "   ", "\t", "\u0000", " \n", "\u001f"];
const LOOPBACK = ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]", "api.localhost"];
const REMOTE = [
  "search.invalid",
  "contoso.search.windows.net",
  "10.1.2.3",
  "[2001:db8::1]",
  "localhost.invalid",
];

/** The table's header and parameter names in the cases a client or a person may write them. */
const recase = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    name,
    name.toUpperCase(),
    name.replace(/(^|-)(\w)/g, (_m, dash: string, c: string) => dash + c.toUpperCase()),
  );

const credentialHeader = fc
  .constantFrom(...SECRET_HEADERS.filter((header) => header.holds !== "url").map((header) => header.name))
  .chain(recase);
const credentialParameter = fc
  .constantFrom(...SECRET_PARAMETERS.map((parameter) => parameter.name))
  .chain(recase);
const plainHeader = fc.constantFrom("accept", "x-ms-client-request-id", "content-type", "x-ms-version");
const plainParameter = fc.constantFrom("api-version", "comp", "restype", "sv", "se", "timeout");
const value = fc.constantFrom("", "  ", "v", "value-0123456789", "a+b/c==");

const requestShape = fc.record({
  leading: fc.constantFrom(...AROUND),
  trailing: fc.constantFrom(...AROUND),
  scheme: fc.constantFrom(...SCHEMES),
  userinfo: fc.constantFrom("", "user@", "user:@", "user:proxy-password-0123@"),
  host: fc.oneof(fc.constantFrom(...LOOPBACK), fc.constantFrom(...REMOTE)),
  port: fc.constantFrom("", ":8080"),
  parameters: fc.array(fc.tuple(fc.oneof(credentialParameter, plainParameter), value), { maxLength: 3 }),
  headers: fc.array(fc.tuple(fc.oneof(credentialHeader, plainHeader), value), { maxLength: 3 }),
  signed: fc.option(fc.tuple(credentialHeader, value), { nil: undefined }),
  redirected: fc.boolean(),
  proxy: fc.constantFrom(
    undefined,
    "http://proxy.invalid:3128",
    "http://127.0.0.1:3128",
    "https://proxy.invalid:3128",
  ),
  position: fc.constantFrom("perCall" as const, "perRetry" as const),
});

type Shape = typeof requestShape extends fc.Arbitrary<infer T> ? T : never;

function urlOf(shape: Shape): string {
  const query = shape.parameters.map(([name, v]) => `${name}=${encodeURIComponent(v)}`).join("&");
  const path = `/indexes/docs${query ? `?${query}` : ""}`;
  return `${shape.leading}${shape.scheme}://${shape.userinfo}${shape.host}${shape.port}${path}${shape.trailing}`;
}

const isLoopback = (hostname: string): boolean =>
  ["localhost", "[::1]", "::1"].includes(hostname) ||
  hostname.endsWith(".localhost") ||
  /^127\./.test(hostname);

const isSecret = (names: readonly string[], name: string): boolean =>
  names.some(
    (secret) => secret.replace(/[-_]/g, "").toLowerCase() === name.replace(/[-_]/g, "").toLowerCase(),
  );

/**
 * Whether the request must be refused, said without the package's code: as it leaves (its last URL,
 * its headers after the Sign phase) or as the policy first sees it, which at perCall is before the
 * Sign phase and before a redirect.
 */
function mustRefuse(shape: Shape): boolean {
  const url = urlOf(shape);
  const entryUrl = shape.redirected ? ENTRY : url;
  const entryHeaders =
    shape.position === "perRetry" ? finalHeaders(shape) : finalHeaders({ ...shape, signed: undefined });
  return (
    inClearWithCredentials(shape, url, finalHeaders(shape)) ||
    inClearWithCredentials(shape, entryUrl, entryHeaders)
  );
}

function inClearWithCredentials(shape: Shape, url: string, headers: Map<string, string>): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (parsed.protocol === "https:") return false;
  const proxy = shape.proxy === undefined ? undefined : new URL(shape.proxy);
  const inClear =
    !isLoopback(parsed.hostname) ||
    (proxy !== undefined && proxy.protocol === "http:" && !isLoopback(proxy.hostname));
  const headerNames = SECRET_HEADERS.map((header) => header.name);
  const parameterNames = [...SECRET_PARAMETERS.map((parameter) => parameter.name), ...headerNames];
  const parameters = url === ENTRY ? [] : shape.parameters;
  const credentialed =
    parsed.password !== "" ||
    parameters.some(([name, v]) => isSecret(parameterNames, name) && v !== "") ||
    [...headers].some(([name, v]) => isSecret(headerNames, name) && v.trim() !== "");
  return inClear && credentialed;
}

const ENTRY = "https://entry.invalid/indexes";

/** The headers as sent: each set in turn, the Sign phase's last; a name in any case is one header. */
function finalHeaders(shape: Shape): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, v] of [...shape.headers, ...(shape.signed ? [shape.signed] : [])]) {
    headers.set(name.toLowerCase(), v);
  }
  return headers;
}

interface Sent {
  url?: string;
}

/** Reads the request as Node's HTTP client does: the URL first, then every header to send. */
function clientRecording(sent: Sent): HttpClient {
  return {
    async sendRequest(request): Promise<PipelineResponse> {
      const url = new URL(request.url);
      request.headers.toJSON({ preserveCase: true });
      sent.url = url.href;
      return { request, status: 200, headers: createHttpHeaders() };
    },
  };
}

/** A policy that changes the request, as a client's own policy at that place would. */
function policyOf(name: string, change: (request: PipelineRequest) => void): PipelinePolicy {
  return {
    name,
    sendRequest: (request, next) => {
      change(request);
      return next(request);
    },
  };
}

describe("property: the guard refuses exactly the requests that carry credentials in clear, as they leave or as the policy first sees them", function () {
  this.timeout(120_000);

  it("over generated URLs, headers, parameters, phases, redirects, proxies and positions", async () => {
    await fc.assert(
      fc.asyncProperty(requestShape, async (shape) => {
        const url = urlOf(shape);
        const pipeline = createEmptyPipeline();
        pipeline.addPolicy(
          policyOf("agent", (request) => {
            if (shape.proxy)
              request.agent = { proxy: new URL(shape.proxy) } as unknown as typeof request.agent;
          }),
        );
        if (shape.redirected)
          pipeline.addPolicy(
            policyOf("redirect", (request) => void (request.url = url)),
            { phase: "Retry" },
          );
        if (shape.signed) {
          const [name, v] = shape.signed;
          pipeline.addPolicy(
            policyOf("sign", (request) => request.headers.set(name, v)),
            { phase: "Sign" },
          );
        }
        pipeline.addPolicy(
          diagnosisPolicy({ telemetry: false }),
          shape.position === "perRetry" ? { afterPhase: "Sign" } : {},
        );
        const request = createPipelineRequest({
          url: shape.redirected ? ENTRY : url,
        });
        for (const [name, v] of shape.headers) request.headers.set(name, v);
        const sent: Sent = {};
        let thrown: unknown;
        try {
          await pipeline.sendRequest(clientRecording(sent), request);
        } catch (error) {
          thrown = error;
        }
        if (mustRefuse(shape)) {
          assert.ok(
            isRestError(thrown) && thrown.code === "InsecureRequestRefused",
            `refused: ${JSON.stringify(url)}`,
          );
          assert.equal(sent.url, undefined, "nothing sent");
        } else {
          assert.ok(
            !(isRestError(thrown) && thrown.code === "InsecureRequestRefused"),
            `not refused: ${JSON.stringify(url)}`,
          );
          if (URL.canParse(url)) assert.equal(sent.url, new URL(url).href);
        }
        // Whatever happened, the request is back to its own url and headers.
        assert.equal(Object.getOwnPropertyDescriptor(request, "url")?.writable, true);
        assert.equal(typeof request.headers.get, "function");
      }),
      { numRuns: 10_000 },
    );
  });
});
