/**
 * Real squid as the forward proxy (the SDK's `proxyOptions`): open, with basic auth through
 * `basic_ncsa_auth`, and with CONNECT denied by an ACL. squid's own answers (403, 407, 503) are
 * never read as the service's: each is named, with squid and what it said.
 */
import assert from "node:assert/strict";
import { startNginx, type Nginx } from "./support/nginx.js";
import { requirePrograms } from "./support/processes.js";
import { probe, proxyOptionsOf, type Probe } from "./support/probe.js";
import { startSquid, type Squid } from "./support/squid.js";
import { createAuthority, when } from "../../standin/certs.js";
import { closedPort, trustInProcess } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

const PASSWORD = "squid-pa55-9d2c";

describe("real squid as the forward proxy", function () {
  let untrust: () => void;
  let standIn: SearchStandIn;
  let expired: Nginx;
  const running: Squid[] = [];

  before(async function () {
    requirePrograms(this, "squid", "htpasswd", "basic_ncsa_auth", "nginx");
    const root = createAuthority("Proxy Test Root");
    untrust = trustInProcess(root.cert);
    standIn = await startSearchStandIn({ authority: root, trust: false });
    expired = await startNginx({
      sites: [
        { name: "expired", tls: root.issue({ notBefore: when.daysAgo(30), notAfter: when.daysAgo(1) }) },
      ],
    });
  });
  after(async () => {
    untrust?.();
    await Promise.all([standIn?.close(), expired?.stop(), ...running.map((squid) => squid.stop())]);
  });

  async function squid(options: Parameters<typeof startSquid>[0] = {}): Promise<Squid> {
    const started = await startSquid(options);
    running.push(started);
    return started;
  }

  async function through(
    proxy: Squid,
    endpoint: string,
    username?: string,
    password?: string,
  ): Promise<Probe> {
    return probe({
      endpoint,
      apiKey: standIn.adminKey,
      proxyOptions: proxyOptionsOf(proxy.url, username, password),
      timeoutMs: 5000,
    });
  }

  describe("open", () => {
    let open: Squid;
    before(async () => {
      open = await squid();
    });

    it("tunnels the calls and the preflight to the service", async () => {
      const before = standIn.server.requests.length;
      const p = await through(open, standIn.endpoint);
      for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
      assert.equal(p.preflight.ok, true, JSON.stringify(p.preflight));
      assert.equal(standIn.server.requests.length - before, 3);
    });

    it("leaves the endpoint's own certificate failure to the endpoint: tlsCertificateExpired", async () => {
      const p = await through(open, expired.url("expired"));
      assert.equal(p.bare.code, "CERT_HAS_EXPIRED");
      assert.equal(p.policy.cause, "tlsCertificateExpired");
      assert.equal(p.gated.cause, "tlsCertificateExpired");
      assert.equal(p.preflight.cause, "tlsCertificateExpired");
    });

    it("its own 503 for a target it cannot reach (ERR_CONNECT_FAIL) is never blamed on the service", async () => {
      const p = await through(open, `https://localhost:${await closedPort()}`);
      for (const outcome of [p.bare, p.policy]) {
        assert.equal(outcome.statusCode, 503);
        assert.match(outcome.answer?.server ?? "", /^squid\//);
        assert.match(outcome.answer?.squidError ?? "", /^ERR_CONNECT_FAIL /);
        assert.equal(outcome.answer?.excerpt, "ERROR: The requested URL could not be retrieved");
        assert.equal(outcome.answer?.requestId, undefined);
      }
      for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
        assert.equal(outcome.cause, "proxyTunnelRefused");
        assert.match(
          outcome.detail ?? "",
          /^The proxy http:\/\/127\.0\.0\.1:\d+ \(from proxyOptions\), squid, answered 503 \(Server: squid\/[\d.]+; X-Squid-Error: ERR_CONNECT_FAIL 111\): "ERROR: The requested URL could not be retrieved"\.$/,
        );
      }
      assert.equal(p.policy.confidence, "exact");
      assert.equal(p.gated.code, "PreflightFailed");
      assert.equal(p.preflight.check, "proxy");
      assert.match(p.preflight.summary ?? "", /503 Service Unavailable/);
    });
  });

  describe("basic auth (basic_ncsa_auth, htpasswd)", () => {
    let guarded: Squid;
    before(async () => {
      guarded = await squid({ users: { alice: PASSWORD } });
    });

    it("tunnels with the right password", async () => {
      const p = await through(guarded, standIn.endpoint, "alice", PASSWORD);
      for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
      assert.equal(p.preflight.ok, true);
    });

    for (const [title, password, cause] of [
      ["a wrong password", "wrong-pa55-1e7b", "proxyAuthenticationFailed"],
      ["no credentials", undefined, "proxyAuthenticationRequired"],
    ] as const) {
      it(`answers ${title} with its 407: ${cause} everywhere, quoting squid, and no password in any text`, async () => {
        const p = await through(guarded, standIn.endpoint, password && "alice", password);
        for (const outcome of [p.bare, p.policy]) {
          assert.equal(outcome.statusCode, 407);
          assert.match(outcome.answer?.server ?? "", /^squid\//);
          assert.match(outcome.answer?.via ?? "", /\(squid\//);
          assert.equal(outcome.answer?.squidError, "ERR_CACHE_ACCESS_DENIED 0");
          assert.equal(outcome.answer?.excerpt, "ERROR: Cache Access Denied");
        }
        for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
          assert.equal(outcome.cause, cause);
          assert.equal(outcome.confidence, "exact");
          assert.match(
            outcome.detail ?? "",
            /\(from proxyOptions\), squid, answered 407 \(.*X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0; realm "azure-sdk-doctor test proxy"\): "ERROR: Cache Access Denied"\.$/,
          );
        }
        assert.equal(p.preflight.check, "proxy");
        for (const outcome of [p.policy, p.gated, p.preflight]) assert.deepEqual(outcome.leaks, []);
      });
    }
  });

  describe("CONNECT denied by an ACL", () => {
    it("its own 403 (ERR_ACCESS_DENIED) is never blamed on the service; the preflight names the refused tunnel", async () => {
      const denying = await squid({ denyConnect: true });
      const before = standIn.server.requests.length;
      const p = await through(denying, standIn.endpoint);
      for (const outcome of [p.bare, p.policy]) {
        assert.equal(outcome.statusCode, 403);
        assert.match(outcome.answer?.server ?? "", /^squid\//);
        assert.equal(outcome.answer?.squidError, "ERR_ACCESS_DENIED 0");
        assert.equal(outcome.answer?.requestId, undefined);
      }
      for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
        assert.equal(outcome.cause, "proxyTunnelRefused");
        assert.match(outcome.detail ?? "", /, squid, answered 403 \(.*X-Squid-Error: ERR_ACCESS_DENIED 0\)/);
      }
      assert.match(p.preflight.summary ?? "", /403 Forbidden/);
      assert.equal(standIn.server.requests.length, before, "nothing reached the service");
    });
  });
});
