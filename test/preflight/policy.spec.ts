import assert from "node:assert/strict";
import util from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy, type PreflightReport } from "../../src/index.js";
import { forgetPreflights, PREFLIGHT_PASS_KEPT_MS } from "../../src/policy/gate.js";
import { createAuthority } from "../../standin/certs.js";
import { failure, searchClient } from "../support/clients.js";
import { closedPort, startConnectProxy, startTlsServer, type TestServer } from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";

const API_KEY = "preflight-policy-secret-4d1c8e";

describe("diagnosisPolicy({ preflight }): the gate before the first request", () => {
  const trusted = useTrustedRoot("Gate Test Root");

  async function keep<T extends TestServer>(server: Promise<T>): Promise<T> {
    return trusted.keep(await server);
  }

  it("runs one preflight handshake for 30 racing first requests, and none for a later request", async () => {
    const server = await keep(startTlsServer(trusted.ca.issue({})));
    const client = searchClient({
      endpoint: `https://localhost:${server.port}`,
      apiKey: API_KEY,
      policy: { preflight: true },
    });

    const counts = await Promise.all(Array.from({ length: 30 }, () => client.getDocumentsCount()));
    assert.deepEqual(new Set(counts), new Set([42]));
    assert.equal(server.requests.length, 30);
    assert.equal(server.handshakesWithoutRequest(), 1, "one preflight handshake, shared by the 30 requests");

    assert.equal(await client.getDocumentsCount(), 42);
    assert.equal(server.requests.length, 31);
    assert.equal(server.handshakesWithoutRequest(), 1, "the passing result is kept: no new preflight");
  });

  it("never sends a request that failed the preflight, throws a RestError with the check's diagnosis, and retries once fixed", async () => {
    const stranger = createAuthority("Zscaler Root CA", "Zscaler Inc.").intermediate(
      "Zscaler Intermediate Root CA",
    );
    const server = await keep(startTlsServer(stranger.issue({})));
    const client = searchClient({
      endpoint: `https://localhost:${server.port}`,
      apiKey: API_KEY,
      policy: { preflight: true },
    });

    const error = await failure(() => client.getDocumentsCount());
    assert.ok(isRestError(error));
    assert.equal(error.code, "PreflightFailed");
    assert.match(error.message, /failed at the tls check/);
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "tlsUntrustedCertificate");
    assert.equal(diagnosis?.evidence.host, "localhost");
    const report = (error as unknown as { preflight: PreflightReport }).preflight;
    assert.equal(report.ok, false);
    assert.equal(report.tls?.certificate?.inspectionProduct, "Zscaler");
    assert.equal(server.requests.length, 0, "the request never reached the server");
    for (const text of [error.message, String(error.stack), util.inspect(error), JSON.stringify(report)]) {
      assert.ok(!text.includes(API_KEY), "the api-key appears nowhere");
    }

    const second = await failure(() => client.getDocumentsCount());
    assert.equal(
      (second as { code?: string }).code,
      "PreflightFailed",
      "a failing result is not kept: it runs again",
    );
    assert.equal(server.requests.length, 0);

    server.setCertificate(trusted.ca.issue({}));
    assert.equal(
      await client.getDocumentsCount(),
      42,
      "once the server is fixed, the next request goes through",
    );
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.headers["api-key"], API_KEY);
  });

  it("trusts the roots the client trusts through tlsOptions", async () => {
    const own = createAuthority("Client Pinned Root");
    const server = await keep(startTlsServer(own.issue({})));
    const client = new SearchClient(
      `https://localhost:${server.port}`,
      "hotels",
      new AzureKeyCredential(API_KEY),
      {
        tlsOptions: { ca: own.cert },
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: diagnosisPolicy({ preflight: true }), position: "perCall" }],
      },
    );
    assert.equal(await client.getDocumentsCount(), 42);
    assert.equal(server.handshakesWithoutRequest(), 1);
  });

  it("checks through the client's proxy, and refuses to send when the proxy wants credentials (407)", async () => {
    const server = await keep(startTlsServer(trusted.ca.issue({})));
    const proxy = await keep(startConnectProxy());
    const endpoint = `https://localhost:${server.port}`;
    const viaProxy = (port: number) =>
      new SearchClient(endpoint, "hotels", new AzureKeyCredential(API_KEY), {
        proxyOptions: { host: "http://127.0.0.1", port },
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: diagnosisPolicy({ preflight: true }), position: "perCall" }],
      });

    assert.equal(await viaProxy(proxy.port).getDocumentsCount(), 42);
    assert.deepEqual(
      proxy.connects,
      [`localhost:${server.port}`, `localhost:${server.port}`],
      "the preflight and the request both tunnelled",
    );

    const guarded = await keep(startConnectProxy({ requireAuthorization: "Basic c29tZW9uZTpzZWNyZXQ=" }));
    const error = await failure(() => viaProxy(guarded.port).getDocumentsCount());
    assert.equal(
      diagnose(error)?.cause,
      "proxyAuthenticationRequired",
      "no credentials were given for the proxy",
    );
    assert.equal(guarded.connects.length, 1, "only the preflight's CONNECT reached the proxy");
    assert.equal(server.requests.length, 1, "nothing more reached the server");
  });

  it("takes the path the SDK chose, not a proxy set in the environment after the client was made", async () => {
    const server = await keep(startTlsServer(trusted.ca.issue({})));
    const client = searchClient({
      endpoint: `https://localhost:${server.port}`,
      apiKey: API_KEY,
      policy: { preflight: true },
    });
    const before = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${await closedPort()}`;
    try {
      assert.equal(await client.getDocumentsCount(), 42, "the SDK goes direct, and so does its preflight");
      assert.equal(server.handshakesWithoutRequest(), 1);
    } finally {
      if (before === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = before;
    }
  });

  it("ends a waiting request when its own abort signal fires, without ending the shared run", async () => {
    const server = await keep(startTlsServer(trusted.ca.issue({})));
    const client = searchClient({
      endpoint: `https://localhost:${server.port}`,
      apiKey: API_KEY,
      policy: { preflight: true },
    });
    const aborted = AbortSignal.abort();
    const error = await failure(() => client.getDocumentsCount({ abortSignal: aborted }));
    assert.equal((error as Error).name, "AbortError");
    assert.equal(await client.getDocumentsCount(), 42);
    assert.equal(server.requests.length, 1);
  });

  describe("one passing preflight per origin and TLS setting for the whole process", () => {
    it("a client made per request, each with a policy of its own, pays one handshake for 20 requests", async () => {
      const server = await keep(startTlsServer(trusted.ca.issue({})));
      for (let i = 0; i < 20; i++) {
        const perRequest = searchClient({
          endpoint: `https://localhost:${server.port}`,
          apiKey: API_KEY,
          policy: { preflight: true },
        });
        assert.equal(await perRequest.getDocumentsCount(), 42);
      }
      assert.equal(server.requests.length, 20);
      assert.equal(server.handshakesWithoutRequest(), 1, "one preflight for the process");
    });

    it("a client that trusts other roots (tlsOptions.ca) gets a preflight of its own, and is refused where they do not fit", async () => {
      const server = await keep(startTlsServer(trusted.ca.issue({})));
      const endpoint = `https://localhost:${server.port}`;
      assert.equal(
        await searchClient({ endpoint, apiKey: API_KEY, policy: { preflight: true } }).getDocumentsCount(),
        42,
      );
      const own = createAuthority("Other Client Root");
      const other = new SearchClient(endpoint, "hotels", new AzureKeyCredential(API_KEY), {
        tlsOptions: { ca: own.cert },
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: diagnosisPolicy({ preflight: true }), position: "perCall" }],
      });
      const error = await failure(() => other.getDocumentsCount());
      assert.equal((error as { code?: string }).code, "PreflightFailed");
      assert.equal(server.handshakesWithoutRequest(), 2, "a second preflight, for the other roots");
      assert.equal(server.requests.length, 1);
    });

    it(`keeps a pass for ${PREFLIGHT_PASS_KEPT_MS / 60_000} minutes, then checks again; forgetPreflights() starts over`, async () => {
      const server = await keep(startTlsServer(trusted.ca.issue({})));
      const client = searchClient({
        endpoint: `https://localhost:${server.port}`,
        apiKey: API_KEY,
        policy: { preflight: true },
      });
      const realNow = Date.now;
      const start = realNow();
      try {
        assert.equal(await client.getDocumentsCount(), 42);
        Date.now = () => start + PREFLIGHT_PASS_KEPT_MS - 1000;
        assert.equal(await client.getDocumentsCount(), 42);
        assert.equal(server.handshakesWithoutRequest(), 1);
        Date.now = () => start + PREFLIGHT_PASS_KEPT_MS + 1000;
        assert.equal(await client.getDocumentsCount(), 42);
        assert.equal(server.handshakesWithoutRequest(), 2, "checked again once the pass ran out");
      } finally {
        Date.now = realNow;
      }
      forgetPreflights();
      assert.equal(await client.getDocumentsCount(), 42);
      assert.equal(server.handshakesWithoutRequest(), 3);
    });
  });

  it("labels a proxy from HTTPS_PROXY as HTTPS_PROXY, not proxyOptions, and names a wrong password", async () => {
    const server = await keep(startTlsServer(trusted.ca.issue({})));
    const guarded = await keep(startConnectProxy({ requireAuthorization: "Basic c29tZW9uZTpzZWNyZXQ=" }));
    const before = process.env.HTTPS_PROXY;
    // The SDK reads HTTPS_PROXY when the client is made.
    process.env.HTTPS_PROXY = `http://someone:wrong-pa55-91c@127.0.0.1:${guarded.port}`;
    let error: unknown;
    try {
      const client = searchClient({
        endpoint: `https://localhost:${server.port}`,
        apiKey: API_KEY,
        policy: { preflight: true },
      });
      error = await failure(() => client.getDocumentsCount());
    } finally {
      if (before === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = before;
    }
    const message = (error as Error).message;
    assert.match(
      message,
      new RegExp(`The proxy http://127\\.0\\.0\\.1:${guarded.port} \\(HTTPS_PROXY\\) did not open a tunnel`),
    );
    assert.equal(diagnose(error)?.cause, "proxyAuthenticationFailed");
    assert.match(diagnose(error)?.detail ?? "", /\(from HTTPS_PROXY\) answered 407/);
    for (const text of [message, util.inspect(error), JSON.stringify(diagnose(error))]) {
      assert.ok(!text.includes("wrong-pa55-91c"), "the proxy's password shows nowhere");
    }
    assert.equal(server.requests.length, 0);
  });
});
