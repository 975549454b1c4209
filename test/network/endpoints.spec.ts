/**
 * The badssl.com endpoint cases on real nginx (and `openssl s_server` for a client certificate demanded
 * in the handshake), through the real SearchClient without and with the policy, with its preflight,
 * `preflight()` alone and the `azure-sdk-doctor` command: every failure named, with the facts it was
 * named from (codes, OpenSSL reasons, what answered).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { checkOf, doctor, doctorAll, type DoctorRun } from "./support/doctor.js";
import {
  ENDPOINT_CASES,
  HANDSHAKE_FAILURE,
  startEndpoints,
  type Endpoints,
  type HandshakeFailure,
} from "./support/endpoints.js";
import { startOpensslServer } from "./support/openssl.js";
import { requirePrograms, tempDir } from "./support/processes.js";
import { probe, type Probe } from "./support/probe.js";
import { rmSync } from "node:fs";
import { createAuthority, type Authority } from "../../standin/certs.js";
import { trustInProcess } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

describe("real nginx as the endpoint: the badssl.com cases", function () {
  let root: Authority;
  let untrust: () => void;
  let standIn: SearchStandIn;
  let endpoints: Endpoints;
  let dir: string;
  let rootFile: string;
  const probes = new Map<string, Probe>();
  const reached = new Map<string, number>();
  const commands = new Map<string, DoctorRun>();

  before(async function () {
    requirePrograms(this, "nginx", "openssl");
    this.timeout(240_000);
    root = createAuthority("Network Test Root", "azure-sdk-doctor tests");
    untrust = trustInProcess(root.cert);
    standIn = await startSearchStandIn({ authority: root, trust: false });
    endpoints = await startEndpoints(root, `https://127.0.0.1:${standIn.server.port}`);
    dir = tempDir("endpoints");
    rootFile = path.join(dir, "root.pem");
    writeFileSync(rootFile, root.cert);
    for (const c of ENDPOINT_CASES) {
      const before = standIn.server.requests.length;
      probes.set(
        c.name,
        await probe({ endpoint: endpoints.url(c.name), apiKey: standIn.adminKey, timeoutMs: 5000 }),
      );
      reached.set(c.name, standIn.server.requests.length - before);
    }
    // The command, as a user runs it: the root in NODE_EXTRA_CA_CERTS, the key in a variable.
    const runs = await doctorAll(
      ENDPOINT_CASES.map((c) => ({
        args: [endpoints.url(c.name), "--api-key-env", "SEARCH_KEY", "--json", "--timeout", "5000"],
        options: { env: { NODE_EXTRA_CA_CERTS: rootFile, SEARCH_KEY: standIn.adminKey } },
      })),
    );
    ENDPOINT_CASES.forEach((c, index) => commands.set(c.name, runs[index] as DoctorRun));
  });
  after(async () => {
    untrust?.();
    await Promise.all([endpoints?.stop(), standIn?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const commandOf = (name: string): DoctorRun => {
    const found = commands.get(name);
    assert.ok(found, name);
    assert.ok(
      !found.stdout.includes(standIn.adminKey) && !found.stderr.includes(standIn.adminKey),
      "no key printed",
    );
    return found;
  };

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

  for (const { name, fails } of failing(() => true)) {
    const preflightCause = fails.preflightCause ?? fails.cause;
    it(`${name}: ${fails.code} (${fails.reason.source}) -> ${fails.cause}${fails.inferred ? ", likely" : ""}; the preflight, the gate and the command: ${preflightCause}`, () => {
      const p = probeOf(name);
      assert.equal(p.bare.code, fails.code);
      assert.match(p.bare.message ?? "", fails.reason);
      assert.equal(p.bare.cause, fails.cause, "diagnose() of the bare error");
      assert.equal(p.policy.code, fails.code, "the policy keeps the SDK's code");
      assert.match(p.policy.message ?? "", fails.reason);
      assert.equal(p.policy.cause, fails.cause);
      assert.equal(p.policy.confidence, fails.inferred ? "inferred" : "exact");
      assert.equal(p.gated.code, "PreflightFailed");
      assert.equal(p.gated.cause, preflightCause);
      assert.equal(p.preflight.ok, false);
      assert.equal(p.preflight.check, "tls");
      assert.match(p.preflight.summary ?? "", new RegExp(fails.reason.source.replace(/^\^/, "")));
      assert.equal(p.preflight.cause, preflightCause);
      assert.equal(p.preflight.confidence, fails.preflightInferred ? "inferred" : "exact");
      assert.match(p.preflight.certificate ?? "", fails.certificate);
      assert.doesNotMatch(p.preflight.certificate ?? "", /did not get as far/, "never 'Not read' falsely");
      assertStoppedBeforeTheService(name);

      const command = commandOf(name);
      assert.equal(command.code, 1);
      assert.equal(checkOf(command, "tls")?.diagnosis?.cause, preflightCause);
      assert.match(checkOf(command, "certificate")?.summary ?? "", fails.certificate);
      assert.equal(command.report?.call?.status, "skip", "no call with the key");
    });
  }

  it("the weak and refused handshakes say what the second handshake saw", () => {
    assert.match(probeOf("null-ciphers").preflight.detail ?? "", /the server chose \S*NULL\S* \(TLSv1\.2\)/);
    assert.match(
      probeOf("camellia-ciphers").preflight.detail ?? "",
      /the server chose \S*CAMELLIA\S* \(TLSv1\.2\)/,
    );
    assert.match(probeOf("anonymous-ciphers").preflight.detail ?? "", /the server chose \S*(ADH|AECDH)\S*/);
    assert.match(
      probeOf("incomplete-chain").gated.detail ?? "",
      /its issuer, Network Test Intermediate CA, is neither sent nor trusted/,
    );
    assert.deepEqual(probeOf("rsa512-tls13").policy.confidence, "inferred");
  });

  for (const name of ["client-cert-tls12", "client-cert-tls13"]) {
    it(`${name}: nginx's own 400 "No required SSL certificate was sent" -> tlsClientCertificateRequired, quoting nginx`, () => {
      const p = probeOf(name);
      for (const outcome of [p.bare, p.policy, p.gated]) {
        assert.equal(outcome.statusCode, 400);
        assert.equal(outcome.answer?.excerpt, "400 No required SSL certificate was sent");
        assert.match(outcome.answer?.server ?? "", /^nginx/);
        assert.equal(outcome.answer?.requestId, undefined, "no Azure request id");
        assert.equal(outcome.cause, "tlsClientCertificateRequired");
        assert.match(
          outcome.detail ?? "",
          /^nginx answered 400 \(Server: nginx\/[\d.]+\): "400 No required SSL certificate was sent"\.$/,
        );
      }
      assert.equal(p.preflight.ok, true, "nginx lets the handshake finish and answers in HTTP");
      assert.equal(reached.get(name), 0);
      const command = commandOf(name);
      assert.equal(command.code, 1);
      assert.equal(command.report?.call?.diagnosis?.cause, "tlsClientCertificateRequired");
      assert.match(command.report?.call?.diagnosis?.detail ?? "", /No required SSL certificate was sent/);
    });
  }

  it("the command prints what nginx said under Seen:, in text", async () => {
    const run = await doctor([endpoints.url("client-cert-tls13"), "--api-key-env", "SEARCH_KEY"], {
      env: { NODE_EXTRA_CA_CERTS: rootFile, SEARCH_KEY: standIn.adminKey },
    });
    assert.match(run.stdout, /^✗ call +HTTP 400: .*\[tlsClientCertificateRequired\]$/m);
    assert.match(
      run.stdout,
      /^ {4}Seen: nginx answered 400 \(Server: nginx\/[\d.]+\): "400 No required SSL certificate was sent"\.$/m,
    );
    assert.ok(!run.stdout.includes(standIn.adminKey));
  });

  describe("openssl s_server -Verify 1: the client certificate demanded in the handshake", () => {
    const cases = [
      {
        protocol: "tls1_3" as const,
        code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
        reason: /tlsv13 alert certificate required/,
        cause: "tlsClientCertificateRequired",
        confidence: "exact",
      },
      // Alert 40 alone is ambiguous; the preflight sees the CertificateRequest before it.
      {
        protocol: "tls1_2" as const,
        code: "EPROTO",
        reason: HANDSHAKE_FAILURE,
        cause: "tlsNoSharedCipher",
        confidence: "inferred",
      },
    ];
    for (const c of cases) {
      it(`${c.protocol}: ${c.code} (${c.reason.source}) -> ${c.cause}; the preflight and the command: tlsClientCertificateRequired, exact`, async function () {
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
            assert.equal(outcome.cause, c.cause);
            assert.equal(outcome.confidence, c.confidence);
          }
          // TLS 1.3 refuses after the client's side of the handshake: the preflight waits for it.
          assert.equal(p.gated.code, "PreflightFailed");
          assert.equal(p.gated.cause, "tlsClientCertificateRequired");
          assert.equal(p.gated.confidence, "exact");
          assert.equal(p.preflight.check, "tls");
          assert.equal(p.preflight.cause, "tlsClientCertificateRequired");
          const command = await doctor([server.url, "--json"], { env: { NODE_EXTRA_CA_CERTS: rootFile } });
          assert.equal(command.code, 1);
          assert.equal(checkOf(command, "tls")?.diagnosis?.cause, "tlsClientCertificateRequired");
        } finally {
          await server.stop();
        }
      });
    }
  });
});
