/**
 * Real tinyproxy as the forward proxy: open, with basic auth, and with CONNECT allowed to port 443
 * only. Its own answers (401 on a CONNECT without the right credentials, 403, 500) are never read as
 * the service's: each is named, with tinyproxy and its page.
 */
import assert from "node:assert/strict";
import { requirePrograms } from "./support/processes.js";
import { probe, proxyOptionsOf, type Probe } from "./support/probe.js";
import { startTinyproxy, type Tinyproxy } from "./support/tinyproxy.js";
import { createAuthority } from "../../standin/certs.js";
import { closedPort, trustInProcess } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

const PASSWORD = "tiny-pa55-4b1e";

describe("real tinyproxy as the forward proxy", function () {
  let untrust: () => void;
  let standIn: SearchStandIn;
  const running: Tinyproxy[] = [];

  before(async function () {
    requirePrograms(this, "tinyproxy");
    const root = createAuthority("Proxy Test Root");
    untrust = trustInProcess(root.cert);
    standIn = await startSearchStandIn({ authority: root, trust: false });
  });
  after(async () => {
    untrust?.();
    await Promise.all([standIn?.close(), ...running.map((proxy) => proxy.stop())]);
  });

  async function through(
    options: Parameters<typeof startTinyproxy>[0],
    endpoint: string,
    username?: string,
    password?: string,
  ): Promise<Probe> {
    const proxy = await startTinyproxy(options);
    running.push(proxy);
    return probe({
      endpoint,
      apiKey: standIn.adminKey,
      proxyOptions: proxyOptionsOf(proxy.url, username, password),
      timeoutMs: 5000,
    });
  }

  /** tinyproxy answered, and each way of calling names the cause, with tinyproxy and its page. */
  function assertTinyproxyAnswered(p: Probe, status: number, title: string, cause: string): void {
    for (const outcome of [p.bare, p.policy]) {
      // tinyproxy may write its page after the headers, and the SDK's proxy agent replays only the
      // segments that held the headers: then the body is empty, or the call waits for it for ever.
      if (outcome.hung) {
        assert.equal(outcome.abortIgnored, true);
        continue;
      }
      // Without the policy, search-documents 13 turns such an empty body into a TypeError with no status.
      if (outcome === p.bare && outcome.name === "TypeError") {
        assert.equal(outcome.cause, "emptyErrorResponse");
        continue;
      }
      assert.equal(outcome.statusCode, status);
      assert.match(outcome.answer?.server ?? "", /^tinyproxy\//);
      if (outcome.answer?.excerpt !== undefined) assert.equal(outcome.answer.excerpt, title);
      assert.equal(outcome.answer?.requestId, undefined);
      assert.equal(outcome.cause, cause);
      assert.match(outcome.detail ?? "", new RegExp(`, tinyproxy, answered ${status} \\(Server: tinyproxy/`));
    }
    assert.equal(p.gated.code, "PreflightFailed");
    assert.equal(p.gated.cause, cause);
    assert.equal(p.preflight.check, "proxy");
    assert.equal(p.preflight.cause, cause);
    assert.match(p.preflight.summary ?? "", new RegExp(`CONNECT with ${status} `));
    assert.match(p.preflight.detail ?? "", new RegExp(`answered ${status} .*: "${title}"\\.$`));
  }

  it("open: tunnels the calls and the preflight to the service", async () => {
    const p = await through({}, standIn.endpoint);
    for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
    assert.equal(p.preflight.ok, true);
  });

  it("open: its 500 'Unable to connect' for a target it cannot reach", async () => {
    const p = await through({}, `https://localhost:${await closedPort()}`);
    assertTinyproxyAnswered(p, 500, "500 Unable to connect", "proxyTunnelRefused");
  });

  it("basic auth: tunnels with the right password", async () => {
    const p = await through(
      { user: { name: "alice", password: PASSWORD } },
      standIn.endpoint,
      "alice",
      PASSWORD,
    );
    for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
  });

  it("basic auth: tinyproxy's 401 (not 407) with WWW-Authenticate realm Tinyproxy to a wrong password is the proxy's; its 407 without one", async () => {
    const guarded = { user: { name: "alice", password: PASSWORD } };
    const wrong = await through(guarded, standIn.endpoint, "alice", "wrong-4b1e");
    assertTinyproxyAnswered(wrong, 401, "401 Unauthorized", "proxyAuthenticationFailed");
    if (!wrong.policy.hung) assert.equal(wrong.policy.answer?.challenge, 'Basic realm="Tinyproxy"');
    assert.match(wrong.preflight.detail ?? "", /realm "Tinyproxy"/);
    for (const outcome of [wrong.policy, wrong.gated, wrong.preflight]) assert.deepEqual(outcome.leaks, []);
    // Without credentials it asks as a proxy should, with 407.
    const none = await through(guarded, standIn.endpoint);
    assertTinyproxyAnswered(none, 407, "407 Proxy Authentication Required", "proxyAuthenticationRequired");
  });

  it("CONNECT to port 443 only: its 403 'Access violation'", async () => {
    const p = await through({ connectPort443Only: true }, standIn.endpoint);
    assertTinyproxyAnswered(p, 403, "403 Access violation", "proxyTunnelRefused");
  });
});
