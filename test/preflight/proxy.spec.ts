import assert from "node:assert/strict";
import { preflight, type PreflightReport } from "../../src/index.js";
import { noProxyMatch, proxyFor } from "../../src/net/proxy.js";
import { createAuthority, type Authority } from "../../standin/certs.js";
import {
  startConnectProxy,
  startTlsServer,
  trustInProcess,
  type TestProxy,
  type TestServer,
} from "../../standin/servers.js";

const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "ALL_PROXY",
  "all_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
];

function check(report: PreflightReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

describe("preflight(): the proxy path", () => {
  let ca: Authority;
  let untrust: () => void;
  let server: TestServer;
  let proxy: TestProxy;
  let saved: Record<string, string | undefined>;

  before(async () => {
    ca = createAuthority("Proxy Test Root");
    untrust = trustInProcess(ca.cert);
    server = await startTlsServer(ca.issue({ hosts: ["localhost", "127.0.0.1", "127.0.0.2"] }));
    proxy = await startConnectProxy();
  });
  after(async () => {
    untrust();
    await Promise.all([server.close(), proxy.close()]);
  });
  beforeEach(() => {
    saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of PROXY_VARIABLES) delete process.env[name];
    proxy.connects.length = 0;
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("tunnels with CONNECT through HTTPS_PROXY and runs the TLS check through the tunnel", async () => {
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    const report = await preflight(`https://localhost:${server.port}`);
    assert.equal(report.ok, true, JSON.stringify(report.checks, null, 2));
    assert.equal(check(report, "proxy").status, "pass");
    assert.match(check(report, "proxy").summary, /HTTPS_PROXY/);
    assert.equal(check(report, "dns").status, "skip");
    assert.equal(check(report, "tls").status, "pass");
    assert.deepEqual(proxy.connects, [`localhost:${server.port}`]);
    assert.equal(server.requests.length, 0);
  });

  it("reads the lower-case variable and a bare host:port, as the SDK does", async () => {
    process.env.https_proxy = `127.0.0.1:${proxy.port}`;
    const report = await preflight(`https://localhost:${server.port}`);
    assert.equal(check(report, "proxy").status, "pass");
    assert.deepEqual(proxy.connects, [`localhost:${server.port}`]);
  });

  it("goes direct when NO_PROXY names the host, exactly or by a leading-dot suffix", async () => {
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    for (const noProxy of ["localhost", "example.test, .localhost"]) {
      process.env.NO_PROXY = noProxy;
      const report = await preflight(
        `https://${noProxy.includes(".localhost") ? "svc.localhost" : "localhost"}:${server.port}`,
      );
      assert.equal(check(report, "proxy").status, "skip");
      assert.match(check(report, "proxy").summary, /NO_PROXY/);
    }
    assert.deepEqual(proxy.connects, []);
  });

  it("tells a wrong proxy password (proxyAuthenticationFailed) from none (proxyAuthenticationRequired) on a 407, and never prints the password", async () => {
    const guarded = await startConnectProxy({
      requireAuthorization: `Basic ${Buffer.from("alice:right").toString("base64")}`,
    });
    try {
      const wrong = await preflight(`https://localhost:${server.port}`, {
        proxyOptions: {
          host: "http://127.0.0.1",
          port: guarded.port,
          username: "alice",
          password: "wrong-pa55",
        },
      });
      assert.equal(wrong.ok, false);
      assert.equal(check(wrong, "proxy").diagnosis?.cause, "proxyAuthenticationFailed");
      assert.match(
        check(wrong, "proxy").diagnosis?.detail ?? "",
        /\(from proxyOptions\) answered 407 \(realm "test"\)/,
      );
      assert.equal(check(wrong, "tls").status, "skip");
      assert.ok(!JSON.stringify(wrong).includes("wrong-pa55"));

      const none = await preflight(`https://localhost:${server.port}`, {
        proxyOptions: { host: "http://127.0.0.1", port: guarded.port },
      });
      assert.equal(check(none, "proxy").diagnosis?.cause, "proxyAuthenticationRequired");

      const right = await preflight(`https://localhost:${server.port}`, {
        proxyOptions: { host: "http://127.0.0.1", port: guarded.port, username: "alice", password: "right" },
      });
      assert.equal(right.ok, true, JSON.stringify(right.checks, null, 2));
    } finally {
      await guarded.close();
    }
  });

  it("fails with proxyTunnelRefused when the proxy refuses the host", async () => {
    const report = await preflight(`https://127.0.0.2:${server.port}`, {
      proxyOptions: { host: "http://127.0.0.1", port: proxy.port },
    });
    assert.equal(check(report, "proxy").status, "fail");
    assert.equal(check(report, "proxy").diagnosis?.cause, "proxyTunnelRefused");
    assert.match(check(report, "proxy").summary, /403/);
  });

  it("fails with proxyUnreachable, naming the proxy, when nothing listens at the proxy's address", async () => {
    const stopped = await startConnectProxy();
    await stopped.close();
    const report = await preflight(`https://localhost:${server.port}`, {
      proxyOptions: { host: "http://127.0.0.1", port: stopped.port },
    });
    const diagnosis = check(report, "proxy").diagnosis;
    assert.equal(diagnosis?.cause, "proxyUnreachable");
    assert.equal(diagnosis?.confidence, "exact");
    assert.equal(
      diagnosis?.detail,
      `The proxy http://127.0.0.1:${stopped.port} (from proxyOptions) refused the connection: connect ECONNREFUSED 127.0.0.1:${stopped.port}.`,
    );
  });

  it("rejects a proxy setting that is not a URL with a TypeError", async () => {
    process.env.HTTPS_PROXY = "http://[not-a-host";
    await assert.rejects(preflight(`https://localhost:${server.port}`), TypeError);
  });

  describe("NO_PROXY matching (the SDK's rules)", () => {
    const cases: [string, string, string | undefined][] = [
      ["mysvc.search.windows.net", "mysvc.search.windows.net", "mysvc.search.windows.net"],
      ["mysvc.search.windows.net", ".search.windows.net", ".search.windows.net"],
      ["search.windows.net", ".search.windows.net", ".search.windows.net"],
      ["mysvc.search.windows.net", "search.windows.net", undefined],
      ["mysvc.search.windows.net", " other.test , .windows.net ", ".windows.net"],
      ["mysvc.search.windows.net", "", undefined],
    ];
    for (const [host, noProxy, expected] of cases) {
      it(`${host} with NO_PROXY=${JSON.stringify(noProxy)} -> ${expected ?? "proxied"}`, () => {
        assert.equal(noProxyMatch(host, noProxy), expected);
      });
    }

    it("prefers proxyOptions, then HTTPS_PROXY over ALL_PROXY over HTTP_PROXY", () => {
      const target = new URL("https://mysvc.search.windows.net");
      const env = { HTTP_PROXY: "http://h:1", ALL_PROXY: "http://a:2", https_proxy: "http://s:3" };
      assert.equal(proxyFor(target, undefined, env).proxy?.source, "https_proxy");
      assert.equal(
        proxyFor(target, undefined, { HTTP_PROXY: "http://h:1", ALL_PROXY: "http://a:2" }).proxy?.source,
        "ALL_PROXY",
      );
      assert.equal(proxyFor(target, { host: "http://o", port: 8 }, env).proxy?.url.host, "o:8");
      assert.equal(proxyFor(target, undefined, {}).proxy, undefined);
    });
  });
});
