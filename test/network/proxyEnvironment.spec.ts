/**
 * HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS, which the SDK and Node read once per process: each
 * case runs the probe in a child process of its own, all at once, against real squid and mitmproxy.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { probeInChild } from "./support/child.js";
import { startMitmproxy, type Mitmproxy } from "./support/mitmproxy.js";
import { requirePrograms, tempDir } from "./support/processes.js";
import { PATH_CATEGORIES, type Probe } from "./support/probe.js";
import { startSquid, type Squid } from "./support/squid.js";
import { createAuthority } from "../../standin/certs.js";
import { closedPort } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";
import { rmSync } from "node:fs";

const PASSWORD = "env-pa55-77c1";

describe("HTTPS_PROXY and NO_PROXY, one child process per case", function () {
  let standIn: SearchStandIn;
  let guarded: Squid;
  let denying: Squid;
  let mitm: Mitmproxy;
  let dir: string;
  let closedProxy: number;
  const probes = new Map<string, Probe>();

  before(async function () {
    requirePrograms(this, "squid", "htpasswd", "basic_ncsa_auth", "mitmdump");
    this.timeout(180_000);
    const root = createAuthority("Environment Test Root");
    standIn = await startSearchStandIn({ authority: root, trust: false });
    [guarded, denying, mitm] = await Promise.all([
      startSquid({ users: { alice: PASSWORD } }),
      startSquid({ denyConnect: true }),
      startMitmproxy({ upstreamCa: root.cert }),
    ]);
    dir = tempDir("trust");
    const rootFile = path.join(dir, "root.pem");
    const mitmFile = path.join(dir, "mitmproxy.pem");
    writeFileSync(rootFile, root.cert);
    writeFileSync(mitmFile, mitm.ca);
    closedProxy = await closedPort();
    const target = { endpoint: standIn.endpoint, apiKey: standIn.adminKey, timeoutMs: 5000 };
    const trustRoot = { NODE_EXTRA_CA_CERTS: rootFile };
    const cases: Record<string, Record<string, string>> = {
      "closed proxy": { ...trustRoot, HTTPS_PROXY: `http://127.0.0.1:${closedProxy}` },
      "wrong password in the URL": {
        ...trustRoot,
        HTTPS_PROXY: `http://alice:wrong-77c1@127.0.0.1:${guarded.port}`,
      },
      "right password in the URL": {
        ...trustRoot,
        HTTPS_PROXY: `http://alice:${PASSWORD}@127.0.0.1:${guarded.port}`,
      },
      "CONNECT denied": { ...trustRoot, HTTPS_PROXY: denying.url },
      "CONNECT denied, NO_PROXY names the host": {
        ...trustRoot,
        HTTPS_PROXY: denying.url,
        NO_PROXY: "localhost",
      },
      "CONNECT denied, lower-case no_proxy with a leading-dot suffix": {
        ...trustRoot,
        https_proxy: denying.url,
        no_proxy: "example.invalid, .localhost",
      },
      "https:// URL for a plain proxy": { ...trustRoot, HTTPS_PROXY: `https://127.0.0.1:${denying.port}` },
      "mitmproxy, its root not trusted": { ...trustRoot, HTTPS_PROXY: mitm.url },
      "mitmproxy, its root in NODE_EXTRA_CA_CERTS": { NODE_EXTRA_CA_CERTS: mitmFile, HTTPS_PROXY: mitm.url },
    };
    const results = await Promise.all(Object.values(cases).map((env) => probeInChild(target, { env })));
    Object.keys(cases).forEach((name, index) => probes.set(name, results[index] as Probe));
  });
  after(async () => {
    await Promise.all([standIn?.close(), guarded?.stop(), denying?.stop(), mitm?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const probeOf = (name: string): Probe => {
    const found = probes.get(name);
    assert.ok(found, name);
    return found;
  };

  it("a closed proxy: the SDK's ECONNREFUSED carries the proxy's address; preflight() names HTTPS_PROXY", () => {
    const p = probeOf("closed proxy");
    for (const outcome of [p.bare, p.policy]) {
      assert.equal(outcome.code, "ECONNREFUSED");
      assert.equal(outcome.message, `connect ECONNREFUSED 127.0.0.1:${closedProxy}`);
    }
    assert.equal(p.gated.code, "PreflightFailed");
    assert.equal(p.preflight.check, "proxy");
    assert.equal(p.preflight.cause, "connectionRefused");
    assert.match(
      p.preflight.summary ?? "",
      new RegExp(`^The proxy http://127\\.0\\.0\\.1:${closedProxy} \\(HTTPS_PROXY\\)`),
    );
  });

  it("a wrong password in HTTPS_PROXY: squid's 407 -> proxyAuthenticationRequired, and the password shows nowhere", () => {
    const p = probeOf("wrong password in the URL");
    assert.equal(p.bare.statusCode, 407);
    assert.equal(p.policy.cause, "proxyAuthenticationRequired");
    assert.equal(p.gated.cause, "proxyAuthenticationRequired");
    assert.equal(p.preflight.cause, "proxyAuthenticationRequired");
    assert.match(p.preflight.summary ?? "", /\(HTTPS_PROXY\)/);
    for (const outcome of [p.policy, p.gated, p.preflight]) assert.deepEqual(outcome.leaks, []);
  });

  it("the right password in HTTPS_PROXY: every call goes through squid", () => {
    const p = probeOf("right password in the URL");
    for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
    assert.equal(p.preflight.ok, true);
  });

  it("squid denies CONNECT: its 403 is never blamed on the service", () => {
    const p = probeOf("CONNECT denied");
    assert.equal(p.policy.statusCode, 403);
    assert.equal(p.policy.answer?.squidError, "ERR_ACCESS_DENIED 0");
    assert.ok(PATH_CATEGORIES.includes(p.policy.category ?? ""), p.policy.cause);
    assert.equal(p.gated.cause, "proxyTunnelRefused");
    assert.equal(p.preflight.cause, "proxyTunnelRefused");
  });

  for (const name of [
    "CONNECT denied, NO_PROXY names the host",
    "CONNECT denied, lower-case no_proxy with a leading-dot suffix",
  ]) {
    it(`${name}: the calls and the preflight go direct`, () => {
      const p = probeOf(name);
      for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
      assert.equal(p.preflight.ok, true);
    });
  }

  it("an https:// HTTPS_PROXY for a plain-HTTP proxy: wrong version number -> endpointNotTls at the proxy check", () => {
    const p = probeOf("https:// URL for a plain proxy");
    assert.equal(p.bare.code, "EPROTO");
    assert.match(p.bare.message ?? "", /wrong version number/);
    assert.equal(p.policy.cause, "endpointNotTls");
    assert.equal(p.gated.cause, "endpointNotTls");
    assert.equal(p.preflight.check, "proxy");
    assert.equal(p.preflight.cause, "endpointNotTls");
  });

  it("mitmproxy through HTTPS_PROXY: tlsUntrustedCertificate until its root is in NODE_EXTRA_CA_CERTS", () => {
    const untrusted = probeOf("mitmproxy, its root not trusted");
    assert.equal(untrusted.bare.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    assert.equal(untrusted.policy.cause, "tlsUntrustedCertificate");
    assert.equal(untrusted.preflight.cause, "tlsUntrustedCertificate");
    const trusted = probeOf("mitmproxy, its root in NODE_EXTRA_CA_CERTS");
    for (const outcome of [trusted.bare, trusted.policy, trusted.gated])
      assert.deepEqual(outcome, { ok: true });
    assert.match(trusted.preflight.certificate ?? "", /issued by mitmproxy/);
  });
});
