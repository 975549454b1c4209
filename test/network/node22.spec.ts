/**
 * The endpoint cases again from Node 22.12 (OpenSSL 3.0), the oldest release the advice must fit,
 * installed on demand into a cache outside the repository: what differs from Node 24 is what phase 2
 * of issue 12 must match and advise on.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { probeAllInChild } from "./support/child.js";
import { doctor } from "./support/doctor.js";
import { ENDPOINT_CASES, startEndpoints, type Endpoints } from "./support/endpoints.js";
import { nodeRelease } from "./support/nodeReleases.js";
import { requirePrograms, strict, tempDir } from "./support/processes.js";
import type { Probe } from "./support/probe.js";
import { createAuthority } from "../../standin/certs.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";

const RELEASE = "22.12.0";

describe(`Node ${RELEASE} (OpenSSL 3.0): the endpoint cases from a child process`, function () {
  let node: string;
  let standIn: SearchStandIn;
  let endpoints: Endpoints;
  let dir: string;
  let rootFile: string;
  const probes = new Map<string, Probe>();

  before(async function () {
    requirePrograms(this, "nginx", "openssl", "npm");
    this.timeout(400_000);
    try {
      node = nodeRelease(RELEASE);
    } catch (error) {
      const reason = `Node ${RELEASE} could not be installed from the npm registry: ${String(error).split("\n")[0]}`;
      if (strict()) throw new Error(reason, { cause: error });
      console.warn(`      skipped: ${reason}`);
      this.skip();
    }
    const root = createAuthority("Network Test Root", "azure-sdk-doctor tests");
    standIn = await startSearchStandIn({ authority: root, trust: false });
    endpoints = await startEndpoints(root, `https://127.0.0.1:${standIn.server.port}`);
    dir = tempDir("node22");
    rootFile = path.join(dir, "root.pem");
    writeFileSync(rootFile, root.cert);
    const targets = ENDPOINT_CASES.map((c) => ({
      endpoint: endpoints.url(c.name),
      apiKey: standIn.adminKey,
      timeoutMs: 5000,
    }));
    const results = await probeAllInChild(targets, { node, env: { NODE_EXTRA_CA_CERTS: rootFile } });
    ENDPOINT_CASES.forEach((c, index) => probes.set(c.name, results[index] as Probe));
  });
  after(async () => {
    await Promise.all([endpoints?.stop(), standIn?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const probeOf = (name: string): Probe => {
    const found = probes.get(name);
    assert.ok(found, name);
    return found;
  };

  it("rejects --use-system-ca as a bad option, which the Node running the specs accepts", () => {
    const old = spawnSync(node, ["--use-system-ca", "-e", "0"], { encoding: "utf8" });
    assert.notEqual(old.status, 0);
    assert.match(old.stderr, /bad option: --use-system-ca/);
    assert.equal(spawnSync(process.execPath, ["--use-system-ca", "-e", "0"]).status, 0);
  });

  for (const { name, fails } of ENDPOINT_CASES) {
    // Node 22 accepts the 1024-bit DH group: below.
    if (!fails || name === "dh1024") continue;
    const preflightCause = fails.preflightCause ?? fails.cause;
    it(`${name}: the same ${fails.code} -> ${fails.cause}, the preflight ${preflightCause}, with no --use-system-ca hint in the message`, () => {
      const p = probeOf(name);
      assert.equal(p.bare.code, fails.code);
      assert.match(p.bare.message ?? "", fails.reason);
      assert.doesNotMatch(p.bare.message ?? "", /--use-system-ca/);
      assert.equal(p.bare.cause, fails.cause);
      assert.equal(p.policy.cause, fails.cause);
      assert.equal(p.gated.cause, preflightCause);
      assert.equal(p.preflight.cause, preflightCause);
      assert.match(p.preflight.certificate ?? "", fails.certificate);
    });
  }

  it("the command on Node 22.12 advises only NODE_EXTRA_CA_CERTS, with no dangling 'Or' and no --use-system-ca to start with", async () => {
    const run = await doctor([endpoints.url("self-signed")], {
      node,
      env: { NODE_EXTRA_CA_CERTS: rootFile },
    });
    assert.equal(run.code, 1);
    const steps = run.stdout.split("\n").filter((line) => line.startsWith("    • "));
    assert.ok(
      steps.some((step) => step.includes("NODE_EXTRA_CA_CERTS")),
      run.stdout,
    );
    for (const step of steps) {
      assert.doesNotMatch(step, /^ {4}• Or\b/);
      assert.doesNotMatch(step, /start node with --use-system-ca|set NODE_USE_SYSTEM_CA=1/);
    }
    // This very command, run as the advice elsewhere says, is what Node 22.12 refuses.
    assert.match(run.stdout, /--use-system-ca comes with 22\.15 and 24\.0/);
  });

  for (const name of ["null-ciphers", "anonymous-ciphers", "camellia-ciphers", "rsa512-tls13"]) {
    it(`${name}: the handshake_failure alert reads "sslv3 alert handshake failure" (OpenSSL 3.0), not "ssl/tls ...", and is named alike`, () => {
      const p = probeOf(name);
      assert.equal(p.bare.code, "EPROTO");
      assert.match(p.bare.message ?? "", /:sslv3 alert handshake failure:/);
      assert.equal(p.bare.cause, "tlsNoSharedCipher");
      assert.equal(p.bare.confidence, "inferred");
      assert.match(p.preflight.summary ?? "", /\(ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE\)/);
    });
  }

  it("dh1024: accepts the 1024-bit DH group that Node 24 refuses, and the calls reach the service", () => {
    const p = probeOf("dh1024");
    for (const outcome of [p.bare, p.policy, p.gated]) assert.deepEqual(outcome, { ok: true });
    assert.equal(p.preflight.ok, true);
  });
});
