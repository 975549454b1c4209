/**
 * Real mitmproxy (mitmdump) as a TLS-inspecting proxy, forward and reverse, with the root it makes
 * at start-up: untrusted (what a user behind an inspecting proxy meets first), trusted, and its own
 * 502 when it cannot verify or reach the service. Its 502 to a CONNECT can come in two TCP segments,
 * which can leave the SDK's proxy agent waiting for ever: every call here is bounded.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { startMitmproxy, type Mitmproxy } from "./support/mitmproxy.js";
import { startNginx, type Nginx } from "./support/nginx.js";
import { requirePrograms } from "./support/processes.js";
import { probe, proxyOptionsOf, type Probe } from "./support/probe.js";
import { createAuthority, when, type Authority } from "../../standin/certs.js";
import { closedPort, trustInProcess } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

describe("real mitmproxy as a TLS-inspecting proxy", function () {
  let root: Authority;
  let untrust: () => void;
  let standIn: SearchStandIn;
  let expired: Nginx;
  const running: Mitmproxy[] = [];

  before(async function () {
    requirePrograms(this, "mitmdump", "nginx");
    root = createAuthority("Upstream Test Root");
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
    await Promise.all([standIn?.close(), expired?.stop(), ...running.map((proxy) => proxy.stop())]);
  });

  async function mitmproxy(mode?: string): Promise<Mitmproxy> {
    const started = await startMitmproxy({ mode, upstreamCa: root.cert });
    running.push(started);
    return started;
  }

  /** Probes with mitmproxy's root trusted by this process, as a user who installed it would. */
  async function trusting(proxy: Mitmproxy, run: () => Promise<Probe>): Promise<Probe> {
    const restore = trustInProcess(proxy.ca);
    try {
      return await run();
    } finally {
      restore();
    }
  }

  /** mitmproxy's own 502: named everywhere as the proxy that could not verify the service, quoting why. */
  function assertMitmproxy502(p: Probe, body: RegExp): void {
    for (const outcome of [p.bare, p.policy, p.gated]) {
      assert.equal(outcome.statusCode, 502);
      assert.match(outcome.answer?.server ?? "", /^mitmproxy /);
      assert.equal(outcome.answer?.excerpt, "502 Bad Gateway");
      assert.equal(outcome.answer?.requestId, undefined);
      assert.equal(outcome.cause, "proxyUpstreamCertificateError");
      assert.equal(
        outcome.detail,
        "mitmproxy answered 502: certificate verify failed: certificate has expired.",
      );
    }
    assert.match(p.policy.body ?? "", body);
  }

  describe("forward", () => {
    let proxy: Mitmproxy;
    const via = (endpoint: string): Promise<Probe> =>
      probe({ endpoint, apiKey: standIn.adminKey, proxyOptions: proxyOptionsOf(proxy.url), timeoutMs: 5000 });
    before(async () => {
      proxy = await mitmproxy();
    });

    it("its root untrusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE (it sends no chain) -> tlsUntrustedCertificate, issuer mitmproxy", async () => {
      const p = await via(standIn.endpoint);
      assert.equal(p.bare.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      assert.equal(p.policy.cause, "tlsUntrustedCertificate");
      for (const outcome of [p.gated, p.preflight]) {
        // The issuer tells an inspecting proxy from a missing intermediate.
        assert.equal(outcome.cause, "tlsUntrustedCertificate");
        assert.match(outcome.detail ?? "", /^Issued by mitmproxy: mitmproxy TLS inspection on this network/);
      }
      assert.match(
        p.preflight.certificate ?? "",
        /^Not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): localhost issued by mitmproxy, a certificate from mitmproxy TLS inspection on this network;/,
      );
    });

    it("its root trusted: the calls go through it", async () => {
      const p = await trusting(proxy, () => via(standIn.endpoint));
      for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
      assert.match(
        p.preflight.certificate ?? "",
        /^Trusted: localhost issued by mitmproxy, a certificate from mitmproxy TLS inspection on this network;/,
      );
    });

    it("upstream certificate expired: its own 502 'Certificate verify failed: certificate has expired' -> proxyUpstreamCertificateError", async () => {
      const p = await trusting(proxy, () => via(expired.url("expired")));
      assertMitmproxy502(p, /Certificate verify failed: certificate has expired/);
      assert.equal(p.preflight.ok, true, "the preflight sees mitmproxy's certificate, not the service's");
    });

    it("upstream closed: with the preflight on, the refused tunnel is named before the SDK's request can hang", async function () {
      this.timeout(90_000);
      const closed = `https://localhost:${await closedPort()}`;
      const p = await trusting(proxy, () =>
        probe({ endpoint: closed, proxyOptions: proxyOptionsOf(proxy.url), timeoutMs: 2000 }),
      );
      assert.equal(p.gated.code, "PreflightFailed");
      for (const outcome of [p.gated, p.preflight]) {
        assert.equal(outcome.cause, "proxyTunnelRefused");
        assert.match(
          outcome.detail ?? "",
          /^The proxy http:\/\/127\.0\.0\.1:\d+ \(from proxyOptions\) answered 502: "Cannot connect to localhost:\d+: \[Errno 111\] Connect call failed/,
        );
      }
      assert.equal(p.preflight.check, "proxy");
      assert.match(p.preflight.summary ?? "", /CONNECT with 502 Bad Gateway/);
      // Without it, the call ends with mitmproxy's 502 or hangs, whatever its abort signal says.
      for (const outcome of [p.bare, p.policy]) {
        if (outcome.hung) assert.equal(outcome.abortIgnored, true);
        else {
          assert.equal(outcome.statusCode, 502);
          assert.equal(outcome.cause, "proxyTunnelRefused");
        }
      }
    });

    it("answers a CONNECT it cannot open with 502 'Cannot connect to', in one TCP segment or two", async () => {
      const port = await closedPort();
      const segments: number[] = [];
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const chunks = await connectOnce(proxy.port, `localhost:${port}`);
        assert.match(
          chunks.join(""),
          /^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*\r\n\r\nCannot connect to localhost:/,
        );
        segments.push(chunks.length);
      }
      assert.ok(
        segments.every((count) => count === 1 || count === 2),
        segments.join(","),
      );
    });
  });

  describe("reverse", () => {
    it("its root untrusted: tlsUntrustedCertificate; trusted: the calls go through", async () => {
      const proxy = await mitmproxy(`reverse:https://localhost:${standIn.server.port}`);
      const untrusted = await probe({ endpoint: proxy.url, apiKey: standIn.adminKey, timeoutMs: 5000 });
      assert.equal(untrusted.policy.cause, "tlsUntrustedCertificate");
      assert.equal(untrusted.preflight.cause, "tlsUntrustedCertificate");
      assert.match(untrusted.preflight.detail ?? "", /^Issued by mitmproxy: mitmproxy TLS inspection/);
      const trusted = await trusting(proxy, () =>
        probe({ endpoint: proxy.url, apiKey: standIn.adminKey, timeoutMs: 5000 }),
      );
      for (const outcome of [trusted.bare, trusted.policy, trusted.gated])
        assert.deepEqual(outcome, { ok: true });
    });

    it("upstream certificate expired: its own 502 -> proxyUpstreamCertificateError, never blamed on the service", async () => {
      const proxy = await mitmproxy(`reverse:${expired.url("expired")}`);
      const p = await trusting(proxy, () => probe({ endpoint: proxy.url, timeoutMs: 5000 }));
      assertMitmproxy502(p, /Certificate verify failed: certificate has expired/);
    });
  });
});

/** Sends one CONNECT and returns the answer's TCP segments as they arrived. */
function connectOnce(port: number, target: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const socket = net.connect(port, "127.0.0.1", () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(chunks);
    };
    // mitmproxy keeps the connection open after its answer: stop once the body is complete.
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk.toString());
      const text = chunks.join("");
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      const bodyStart = text.indexOf("\r\n\r\n");
      if (bodyStart >= 0 && text.length - bodyStart - 4 >= length) done();
    });
    socket.on("error", reject);
    socket.on("end", done);
    const timer = setTimeout(() => reject(new Error(`no complete answer to CONNECT ${target}`)), 5000);
  });
}
