/**
 * HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS, which the SDK and Node read once per process: each
 * case runs the probe, and the command, in a child process of its own, against real squid and mitmproxy.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { probeInChild } from "./support/child.js";
import { checkOf, doctorAll, type DoctorRun } from "./support/doctor.js";
import { startMitmproxy, type Mitmproxy } from "./support/mitmproxy.js";
import { requirePrograms, tempDir } from "./support/processes.js";
import type { Probe } from "./support/probe.js";
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
  const commands = new Map<string, DoctorRun>();

  before(async function () {
    requirePrograms(this, "squid", "htpasswd", "basic_ncsa_auth", "mitmdump");
    this.timeout(180_000);
    const root = createAuthority("Environment Test Root");
    standIn = await startSearchStandIn({ authority: root, trust: false });
    [guarded, denying, mitm] = await Promise.all([
      // The wrong password is bob's, never alice's: squid holds the requests of a user whose password is
      // being checked until the check ends and answers them all with its result, so alice's right and
      // wrong passwords in flight at once (the cases run in parallel) could let the wrong one through.
      startSquid({ users: { alice: PASSWORD, bob: "env-bob-pa55-3d9a" } }),
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
        HTTPS_PROXY: `http://bob:wrong-77c1@127.0.0.1:${guarded.port}`,
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
    // The command, with the same environment: it reads HTTPS_PROXY and NO_PROXY as the SDK does.
    const named = [
      "closed proxy",
      "wrong password in the URL",
      "CONNECT denied",
      "mitmproxy, its root not trusted",
    ];
    const runs = await doctorAll(
      named.flatMap((name) =>
        [false, true].map((json) => ({
          args: [standIn.endpoint, "--api-key-env", "SEARCH_KEY", ...(json ? ["--json"] : [])],
          options: { env: { ...cases[name], SEARCH_KEY: standIn.adminKey } },
        })),
      ),
    );
    named.forEach((name, index) => {
      commands.set(`${name} (text)`, runs[2 * index] as DoctorRun);
      commands.set(name, runs[2 * index + 1] as DoctorRun);
    });
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

  /** The command's text and JSON runs of a case; neither prints the key or the proxy's password. */
  const commandOf = (name: string): { text: DoctorRun; json: DoctorRun } => {
    const text = commands.get(`${name} (text)`);
    const json = commands.get(name);
    assert.ok(text && json, name);
    for (const run of [text, json]) {
      for (const secret of [standIn.adminKey, PASSWORD, "env-bob-pa55-3d9a", "wrong-77c1"]) {
        assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "no secret printed");
      }
    }
    return { text, json };
  };

  it("a closed proxy: the SDK's ECONNREFUSED names the proxy's address -> proxyUnreachable, HTTPS_PROXY named everywhere", () => {
    const p = probeOf("closed proxy");
    for (const outcome of [p.bare, p.policy]) {
      assert.equal(outcome.code, "ECONNREFUSED");
      assert.equal(outcome.message, `connect ECONNREFUSED 127.0.0.1:${closedProxy}`);
    }
    const named = `The proxy http://127.0.0.1:${closedProxy} (from HTTPS_PROXY) refused the connection: connect ECONNREFUSED 127.0.0.1:${closedProxy}.`;
    for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
      assert.equal(outcome.cause, "proxyUnreachable");
      assert.equal(outcome.confidence, "exact");
      assert.equal(outcome.detail, named);
    }
    assert.equal(p.gated.code, "PreflightFailed");
    // The gate labels the proxy by where it came from, as preflight() does.
    assert.match(
      p.gated.message ?? "",
      new RegExp(`The proxy http://127\\.0\\.0\\.1:${closedProxy} \\(HTTPS_PROXY\\) did not open a tunnel`),
    );
    assert.equal(p.preflight.check, "proxy");
    assert.match(
      p.preflight.summary ?? "",
      new RegExp(`^The proxy http://127\\.0\\.0\\.1:${closedProxy} \\(HTTPS_PROXY\\)`),
    );
    const { text, json } = commandOf("closed proxy");
    assert.equal(checkOf(json, "proxy")?.diagnosis?.cause, "proxyUnreachable");
    assert.match(
      text.stdout,
      /^✗ proxy +The proxy .* \(HTTPS_PROXY\) did not open a tunnel.*\[proxyUnreachable\]$/m,
    );
    assert.ok(text.stdout.includes(`    Seen: ${named}`));
  });

  it("a wrong password in HTTPS_PROXY: squid's 407 -> proxyAuthenticationFailed, and the password shows nowhere", () => {
    const p = probeOf("wrong password in the URL");
    assert.equal(p.bare.statusCode, 407);
    for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
      assert.equal(outcome.cause, "proxyAuthenticationFailed");
      assert.match(outcome.detail ?? "", /\(from HTTPS_PROXY\), squid, answered 407/);
    }
    assert.match(p.gated.message ?? "", /\(HTTPS_PROXY\) did not open a tunnel/);
    assert.match(p.preflight.summary ?? "", /\(HTTPS_PROXY\)/);
    for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) assert.deepEqual(outcome.leaks, []);
    const { text, json } = commandOf("wrong password in the URL");
    assert.equal(checkOf(json, "proxy")?.diagnosis?.cause, "proxyAuthenticationFailed");
    assert.match(
      text.stdout,
      /^ {4}Seen: The proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\), squid, answered 407/m,
    );
  });

  it("the right password in HTTPS_PROXY: every call goes through squid", () => {
    const p = probeOf("right password in the URL");
    for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
    assert.equal(p.preflight.ok, true);
  });

  it("squid denies CONNECT: its 403 -> proxyTunnelRefused, naming squid and HTTPS_PROXY", () => {
    const p = probeOf("CONNECT denied");
    assert.equal(p.policy.statusCode, 403);
    assert.equal(p.policy.answer?.squidError, "ERR_ACCESS_DENIED 0");
    for (const outcome of [p.bare, p.policy, p.gated, p.preflight]) {
      assert.equal(outcome.cause, "proxyTunnelRefused");
      assert.match(
        outcome.detail ?? "",
        /\(from HTTPS_PROXY\), squid, answered 403 \(.*X-Squid-Error: ERR_ACCESS_DENIED 0\)/,
      );
    }
    const { json } = commandOf("CONNECT denied");
    assert.equal(checkOf(json, "proxy")?.diagnosis?.cause, "proxyTunnelRefused");
    assert.equal(json.report?.call?.status, "skip");
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
    assert.match(untrusted.preflight.detail ?? "", /^Issued by mitmproxy: mitmproxy TLS inspection/);
    const { text } = commandOf("mitmproxy, its root not trusted");
    assert.match(
      text.stdout,
      /^✗ certificate +Not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): localhost issued by mitmproxy, a certificate from mitmproxy TLS inspection on this network;/m,
    );
    assert.match(text.stdout, /^ {4}• .*NODE_USE_SYSTEM_CA=1 or start node with --use-system-ca\.$/m);
    const trusted = probeOf("mitmproxy, its root in NODE_EXTRA_CA_CERTS");
    for (const outcome of [trusted.bare, trusted.policy, trusted.gated])
      assert.deepEqual(outcome, { ok: true });
    assert.match(trusted.preflight.certificate ?? "", /issued by mitmproxy/);
  });
});
