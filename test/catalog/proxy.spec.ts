import assert from "node:assert/strict";
import { describeDomain, diagnosisOfCase, systemError, type ResponseFailure } from "./tester.js";

const PROXY = "http://127.0.0.1:3128";
const PASSWORD = "proxy-pa55-0c9e";
const WITH_CREDENTIALS = `http://alice:${PASSWORD}@127.0.0.1:3128`;

/** squid's answers, headers as squid 5.7 writes them (test/network/squid.spec.ts). */
const SQUID_407: ResponseFailure = {
  service: "search",
  status: 407,
  foreign: true,
  headers: {
    server: "squid/5.7",
    via: "1.1 proxy.localhost (squid/5.7)",
    "x-squid-error": "ERR_CACHE_ACCESS_DENIED 0",
    "proxy-authenticate": 'Basic realm="azure-sdk-doctor test proxy"',
    "content-type": "text/html;charset=utf-8",
  },
  body: "<html><head><title>ERROR: Cache Access Denied</title></head><body></body></html>",
};
const SQUID_403: ResponseFailure = {
  service: "search",
  status: 403,
  foreign: true,
  headers: {
    server: "squid/5.7",
    via: "1.1 proxy.localhost (squid/5.7)",
    "x-squid-error": "ERR_ACCESS_DENIED 0",
    "content-type": "text/html;charset=utf-8",
  },
  body: "<html><head><title>ERROR: The requested URL could not be retrieved</title></head></html>",
};
/** tinyproxy asks for credentials on CONNECT with 401 and WWW-Authenticate, not 407. */
const TINYPROXY_401: ResponseFailure = {
  service: "storage",
  status: 401,
  foreign: true,
  headers: { server: "tinyproxy/1.11.1", "www-authenticate": 'Basic realm="Tinyproxy"' },
  body: "<html><head><title>401 Unauthorized</title></head></html>",
};
/** mitmproxy's own page when it cannot verify the service's certificate. */
const MITMPROXY_502: ResponseFailure = {
  service: "search",
  status: 502,
  foreign: true,
  headers: { server: "mitmproxy 8.1.1", "content-type": "text/html" },
  body: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>Certificate verify failed: certificate has expired</p></body></html>",
};

describeDomain("proxy (every client)", {
  causes: {
    proxyUnreachable: {
      fits: [
        {
          thrown: systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:3128"),
          service: "search",
          proxy: PROXY,
        },
        {
          thrown: systemError("ENOTFOUND", "getaddrinfo ENOTFOUND proxy.corp.invalid"),
          service: "keyVault",
          proxy: "http://proxy.corp.invalid:8080",
        },
        {
          thrown: systemError("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.9:8080"),
          proxy: "http://10.0.0.9:8080",
        },
      ],
      doesNotFit: [
        { thrown: systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443"), service: "search" },
        { thrown: systemError("ECONNRESET", "socket hang up"), service: "search", proxy: PROXY },
        { thrown: systemError("ETIMEDOUT", "read ETIMEDOUT"), service: "search", proxy: PROXY },
        // A code that is the name of an object's own property reads as no reason.
        { thrown: systemError("constructor", "connect constructor 127.0.0.1:3128"), proxy: PROXY },
        { thrown: systemError("toString", "connect toString 127.0.0.1:3128"), proxy: PROXY },
      ],
    },
    proxyAuthenticationRequired: {
      fits: [
        { ...SQUID_407, proxy: PROXY },
        { service: "storage", status: 407, foreign: true },
        { service: undefined, status: 407, foreign: true, headers: { "proxy-authenticate": "Negotiate" } },
        { ...TINYPROXY_401, proxy: PROXY },
        {
          service: "keyVault",
          status: 401,
          foreign: true,
          headers: { "proxy-authenticate": 'Basic realm="corp"' },
        },
      ],
      doesNotFit: [
        { ...SQUID_407, proxy: WITH_CREDENTIALS },
        {
          service: "keyVault",
          status: 401,
          foreign: true,
          headers: { "www-authenticate": 'Basic realm="x"' },
        },
        { service: "search", status: 401, credential: "bearer" },
        { service: "search", status: 401, headers: { "www-authenticate": 'Basic realm="x"' }, proxy: PROXY },
        { service: "storage", status: 403, foreign: true, body: "<html>Access denied by proxy</html>" },
      ],
    },
    proxyAuthenticationFailed: {
      fits: [
        { ...SQUID_407, proxy: WITH_CREDENTIALS },
        { ...TINYPROXY_401, proxy: WITH_CREDENTIALS },
      ],
      doesNotFit: [
        { ...SQUID_407, proxy: PROXY },
        { service: "search", status: 401, credential: "bearer", proxy: WITH_CREDENTIALS },
      ],
    },
    proxyUpstreamCertificateError: {
      fits: [
        MITMPROXY_502,
        { ...MITMPROXY_502, proxy: PROXY },
        {
          service: "appConfiguration",
          status: 503,
          foreign: true,
          headers: { server: "squid/5.7", "x-squid-error": "ERR_SECURE_CONNECT_FAIL 0" },
          proxy: PROXY,
        },
      ],
      doesNotFit: [
        { ...MITMPROXY_502, foreign: false },
        { ...MITMPROXY_502, body: "<html><title>502 Bad Gateway</title></html>" },
        { service: "search", status: 400, foreign: true, body: "certificate verify failed" },
      ],
    },
    proxyTunnelRefused: {
      fits: [
        { ...SQUID_403, proxy: PROXY },
        {
          service: "keyVault",
          status: 500,
          foreign: true,
          headers: { server: "tinyproxy/1.11.1" },
          proxy: PROXY,
        },
        {
          service: "search",
          status: 502,
          foreign: true,
          body: "Cannot connect to localhost:9: [Errno 111] Connect call failed ('127.0.0.1', 9)",
          proxy: PROXY,
        },
      ],
      doesNotFit: [
        SQUID_403,
        { ...SQUID_403, proxy: PROXY, scheme: "http" },
        {
          service: "search",
          status: 403,
          body: '{"error":{"code":"","message":"Forbidden"}}',
          proxy: PROXY,
        },
      ],
    },
  },
});

describe("catalog: proxy, what the diagnosis says", () => {
  it("names the proxy and where it came from when it refuses the connection, exact when the message names its address", () => {
    const refused = diagnosisOfCase({
      thrown: systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:3128"),
      service: "search",
      proxy: PROXY,
    });
    assert.equal(refused?.confidence, "exact");
    assert.equal(
      refused?.detail,
      "The proxy http://127.0.0.1:3128 (from proxyOptions) refused the connection: connect ECONNREFUSED 127.0.0.1:3128.",
    );
  });

  it("quotes squid, its headers and its page, and never the proxy's password", () => {
    const failed = diagnosisOfCase({ ...SQUID_407, proxy: WITH_CREDENTIALS });
    assert.equal(failed?.cause, "proxyAuthenticationFailed");
    assert.equal(
      failed?.detail,
      'The proxy http://127.0.0.1:3128 (from proxyOptions), squid, answered 407 (Server: squid/5.7; Via: 1.1 proxy.localhost (squid/5.7); X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0; realm "azure-sdk-doctor test proxy"): "ERROR: Cache Access Denied".',
    );
    assert.doesNotMatch(JSON.stringify(failed), new RegExp(PASSWORD));
  });

  it("redacts the proxy's password where its page echoes it", () => {
    const echoed = diagnosisOfCase({
      ...SQUID_403,
      body: `<html><head><title>Denied for alice:${PASSWORD}</title></head></html>`,
      proxy: WITH_CREDENTIALS,
    });
    assert.equal(echoed?.cause, "proxyTunnelRefused");
    assert.doesNotMatch(JSON.stringify(echoed), new RegExp(PASSWORD));
    assert.match(echoed?.detail ?? "", /Denied for alice:REDACTED/);
  });

  it("says what mitmproxy could not verify", () => {
    assert.equal(
      diagnosisOfCase(MITMPROXY_502)?.detail,
      "mitmproxy answered 502: certificate verify failed: certificate has expired.",
    );
  });

  it("is unsure whether credentials were sent only when the error carries no request", () => {
    const unknown = diagnosisOfCase({
      thrown: Object.assign(new Error("Unexpected status code: 407"), { statusCode: 407 }),
    });
    assert.equal(unknown?.cause, "proxyAuthenticationRequired");
    assert.equal(unknown?.confidence, "inferred");
    assert.deepEqual(unknown?.alternatives, ["proxyAuthenticationFailed"]);
    const direct = diagnosisOfCase({ service: "storage", status: 407, foreign: true });
    assert.equal(direct?.confidence, "exact", "a request without a proxy agent sent no proxy credentials");
  });
});
