/**
 * The badssl.com endpoint cases on real nginx (and `openssl s_server` for a client certificate demanded
 * in the handshake), through the real SearchClient without and with the policy, with its preflight, and
 * `preflight()` alone. Where today's diagnosis is right it is asserted; where issue 12 says it is wrong
 * or missing, only the facts a diagnosis will match on are (codes, OpenSSL reasons, what answered).
 */
import assert from "node:assert/strict";
import {
  ENDPOINT_CASES,
  HANDSHAKE_FAILURE,
  startEndpoints,
  type Endpoints,
  type HandshakeFailure,
} from "./support/endpoints.js";
import { startOpensslServer } from "./support/openssl.js";
import { requirePrograms } from "./support/processes.js";
import { probe, type Probe } from "./support/probe.js";
import { createAuthority, type Authority } from "../../standin/certs.js";
import { trustInProcess } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

describe("real nginx as the endpoint: the badssl.com cases", function () {
  let root: Authority;
  let untrust: () => void;
  let standIn: SearchStandIn;
  let endpoints: Endpoints;
  const probes = new Map<string, Probe>();
  const reached = new Map<string, number>();

  before(async function () {
    requirePrograms(this, "nginx", "openssl");
    this.timeout(120_000);
    root = createAuthority("Network Test Root", "azure-sdk-doctor tests");
    untrust = trustInProcess(root.cert);
    standIn = await startSearchStandIn({ authority: root, trust: false });
    endpoints = await startEndpoints(root, `https://127.0.0.1:${standIn.server.port}`);
    for (const c of ENDPOINT_CASES) {
      const before = standIn.server.requests.length;
      probes.set(
        c.name,
        await probe({ endpoint: endpoints.url(c.name), apiKey: standIn.adminKey, timeoutMs: 5000 }),
      );
      reached.set(c.name, standIn.server.requests.length - before);
    }
  });
  after(async () => {
    untrust?.();
    await Promise.all([endpoints?.stop(), standIn?.close()]);
  });

  /** The handshake failures that pass a test. */
  const failing = (test: (fails: HandshakeFailure) => boolean): { name: string; fails: HandshakeFailure }[] =>
    ENDPOINT_CASES.flatMap(({ name, fails }) => (fails && test(fails) ? [{ name, fails }] : []));

  const probeOf = (name: string): Probe => {
    const found = probes.get(name);
    assert.ok(found, name);
    return found;
  };

  /** Nothing reached the service, and no text the user sees holds the api-key. */
  function assertStoppedBeforeTheService(name: string): void {
    assert.equal(reached.get(name), 0, "no request reached the service");
    const p = probeOf(name);
    for (const outcome of [p.policy, p.gated]) assert.deepEqual(outcome.leaks, [], "no secret in the error");
    assert.deepEqual(p.preflight.leaks, []);
  }

  for (const name of ["healthy-tls12", "healthy-tls13"]) {
    it(`${name}: every call succeeds and the preflight passes`, () => {
      const p = probeOf(name);
      for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
      assert.equal(p.preflight.ok, true, JSON.stringify(p.preflight));
      assert.match(p.preflight.certificate ?? "", /^Trusted: localhost issued by Network Test Root/);
      assert.equal(reached.get(name), 3, "the three calls reached the service through nginx");
    });
  }

  // Today's diagnoses that are right: the cause from the bare error, the policy, the gate and the preflight.
  for (const { name, fails } of failing((fails) => fails.cause !== undefined)) {
    it(`${name}: ${fails.code} -> ${fails.cause}, from the bare error, the policy, its preflight and preflight()`, () => {
      const p = probeOf(name);
      assert.equal(p.bare.code, fails.code);
      assert.match(p.bare.message ?? "", fails.reason);
      assert.equal(p.bare.cause, fails.cause, "diagnose() of the bare error");
      assert.equal(p.policy.code, fails.code, "the policy keeps the SDK's code");
      assert.equal(p.policy.cause, fails.cause);
      assert.equal(p.policy.confidence, "exact");
      assert.equal(p.gated.code, "PreflightFailed");
      assert.equal(p.gated.cause, fails.cause);
      assert.equal(p.preflight.ok, false);
      assert.equal(p.preflight.check, "tls");
      assert.equal(p.preflight.cause, fails.cause);
      assertStoppedBeforeTheService(name);
    });
  }

  // Issue 12: no diagnosis today. The facts phase 2 matches on, and that the request is stopped.
  for (const { name, fails } of failing((fails) => fails.cause === undefined)) {
    it(`${name}: ${fails.code} (${fails.reason.source}); the gate refuses the request at the tls check`, () => {
      const p = probeOf(name);
      assert.equal(p.bare.code, fails.code);
      assert.match(p.bare.message ?? "", fails.reason);
      assert.equal(p.policy.code, fails.code);
      assert.match(p.policy.message ?? "", fails.reason);
      assert.equal(p.gated.code, "PreflightFailed");
      assert.equal(p.preflight.ok, false);
      assert.equal(p.preflight.check, "tls");
      assert.match(p.preflight.summary ?? "", fails.reason);
      assertStoppedBeforeTheService(name);
    });
  }

  for (const name of ["client-cert-tls12", "client-cert-tls13"]) {
    it(`${name}: nginx's own 400 "No required SSL certificate was sent" is never blamed on the service`, () => {
      const p = probeOf(name);
      for (const outcome of [p.bare, p.policy, p.gated]) {
        assert.equal(outcome.statusCode, 400);
        assert.equal(outcome.answer?.excerpt, "400 No required SSL certificate was sent");
        assert.match(outcome.answer?.server ?? "", /^nginx/);
        assert.equal(outcome.answer?.requestId, undefined, "no Azure request id");
      }
      assert.equal(p.policy.category, "gateway");
      assert.equal(p.gated.category, "gateway");
      assert.equal(reached.get(name), 0);
    });
  }

  describe("openssl s_server -Verify 1: the client certificate demanded in the handshake", () => {
    const cases = [
      {
        protocol: "tls1_3" as const,
        code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
        reason: /tlsv13 alert certificate required/,
      },
      { protocol: "tls1_2" as const, code: "EPROTO", reason: HANDSHAKE_FAILURE },
    ];
    for (const c of cases) {
      it(`${c.protocol}: ${c.code} (${c.reason.source})`, async function () {
        requirePrograms(this, "openssl");
        const server = await startOpensslServer({
          tls: root.issue({}),
          clientCa: root.cert,
          protocol: c.protocol,
        });
        try {
          const p = await probe({ endpoint: server.url, timeoutMs: 5000 });
          for (const outcome of [p.bare, p.policy]) {
            assert.equal(outcome.code, c.code);
            assert.match(outcome.message ?? "", c.reason);
          }
          // TLS 1.3 ends the handshake before the server reads the (empty) client certificate.
          if (c.protocol === "tls1_3") assert.equal(p.gated.code, c.code);
          else assert.equal(p.gated.code, "PreflightFailed");
        } finally {
          await server.stop();
        }
      });
    }
  });
});
