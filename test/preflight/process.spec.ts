import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createAuthority, selfSigned, type Authority } from "../../standin/certs.js";
import { startLegacyTlsServer, startTlsServer, type TestServer } from "../../standin/servers.js";

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL("./fixtures/searchRequest.ts", import.meta.url));
const ROOT = path.resolve(path.dirname(FIXTURE), "../../..");
const API_KEY = "weakened-process-secret-92be11";

interface Outcome {
  sent: boolean;
  count?: number;
  code?: string;
  cause?: string;
  message?: string;
  checks?: { id: string; status: string; cause?: string }[];
}

/** Runs the fixture in a Node.js process with the given flags and environment; returns its JSON line. */
async function request(
  flags: string[],
  env: Record<string, string>,
): Promise<{ outcome: Outcome; output: string }> {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", ...flags, FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, API_KEY, ...env },
    timeout: 60_000,
  });
  const line = stdout.trim().split("\n").pop() ?? "";
  return { outcome: JSON.parse(line) as Outcome, output: stdout + stderr };
}

describe("preflight in processes that weaken TLS (child processes, real SearchClient)", function () {
  this.timeout(120_000);
  let ca: Authority;
  let dir: string;
  let caFile: string;
  const servers: TestServer[] = [];

  before(() => {
    ca = createAuthority("Child Process Test Root");
    dir = mkdtempSync(path.join(tmpdir(), "preflight-"));
    caFile = path.join(dir, "root.pem");
    writeFileSync(caFile, ca.cert);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe("started with --tls-min-v1.0 --tls-cipher-list=DEFAULT:@SECLEVEL=0, against a TLS 1.0/1.1-only server", () => {
    const flags = ["--tls-min-v1.0", "--tls-cipher-list=DEFAULT:@SECLEVEL=0"];
    let server: TestServer;
    before(async () => {
      server = await startLegacyTlsServer(ca.issue({}));
      servers.push(server);
    });

    it("without the preflight, the request and its api-key reach the server over TLS 1.0/1.1", async () => {
      const before = server.requests.length;
      const { outcome } = await request(flags, {
        ENDPOINT: `https://localhost:${server.port}`,
        NODE_EXTRA_CA_CERTS: caFile,
      });
      assert.deepEqual(outcome, { sent: true, count: 42 });
      assert.equal(server.requests.length, before + 1);
      assert.equal(server.requests.at(-1)?.headers["api-key"], API_KEY);
    });

    it("with diagnosisPolicy({ preflight: true }), neither the request nor the api-key reaches it", async () => {
      const before = server.requests.length;
      const { outcome, output } = await request(flags, {
        ENDPOINT: `https://localhost:${server.port}`,
        NODE_EXTRA_CA_CERTS: caFile,
        PREFLIGHT: "1",
      });
      assert.equal(outcome.sent, false);
      assert.equal(outcome.code, "PreflightFailed");
      assert.equal(outcome.cause, "tlsVersionUnsupported");
      assert.deepEqual(
        outcome.checks?.find((c) => c.id === "tls"),
        { id: "tls", status: "fail", cause: "tlsVersionUnsupported" },
      );
      assert.equal(server.requests.length, before, "nothing reached the server");
      assert.ok(!output.includes(API_KEY), "the api-key is not printed");
    });
  });

  describe("started with NODE_TLS_REJECT_UNAUTHORIZED=0, a passing endpoint that redirects to another origin", () => {
    const env = { NODE_TLS_REJECT_UNAUTHORIZED: "0", REDIRECTS: "1" };
    let selfSignedServer: TestServer;
    let trustedTarget: TestServer;
    let toSelfSigned: TestServer;
    let toTrusted: TestServer;
    const redirectTo = (target: () => TestServer) =>
      startTlsServer({
        ...ca.issue({}),
        handler: (req, res) => {
          res.writeHead(307, { location: `https://127.0.0.1:${target().port}${req.url ?? "/"}` }).end();
        },
      });
    before(async () => {
      selfSignedServer = await startTlsServer(selfSigned());
      trustedTarget = await startTlsServer(ca.issue({}));
      toSelfSigned = await redirectTo(() => selfSignedServer);
      toTrusted = await redirectTo(() => trustedTarget);
      servers.push(selfSignedServer, trustedTarget, toSelfSigned, toTrusted);
    });

    it("without the preflight, the SDK follows the redirect and the api-key reaches the self-signed server", async () => {
      const before = selfSignedServer.requests.length;
      const { outcome } = await request([], {
        ...env,
        ENDPOINT: `https://localhost:${toSelfSigned.port}`,
        NODE_EXTRA_CA_CERTS: caFile,
      });
      assert.deepEqual(outcome, { sent: true, count: 42 });
      assert.equal(selfSignedServer.requests.length, before + 1);
      assert.equal(selfSignedServer.requests.at(-1)?.headers["api-key"], API_KEY);
    });

    for (const position of ["perCall", "perRetry"]) {
      it(`with the preflight (${position}), the redirect's target fails its own preflight and never gets the request`, async () => {
        const before = selfSignedServer.requests.length;
        const { outcome, output } = await request([], {
          ...env,
          ENDPOINT: `https://localhost:${toSelfSigned.port}`,
          NODE_EXTRA_CA_CERTS: caFile,
          PREFLIGHT: "1",
          POSITION: position,
        });
        assert.equal(outcome.sent, false);
        assert.equal(outcome.code, "PreflightFailed");
        assert.match(
          outcome.message ?? "",
          new RegExp(`^Preflight of https://127\\.0\\.0\\.1:${selfSignedServer.port} failed`),
        );
        assert.equal(outcome.checks?.find((check) => check.id === "tls")?.status, "fail");
        assert.equal(selfSignedServer.requests.length, before, "nothing reached the self-signed server");
        assert.ok(!output.includes(API_KEY), "the api-key is not printed");
      });

      it(`with the preflight (${position}), a redirect's target that passes gets the request, once`, async () => {
        const before = trustedTarget.requests.length;
        const { outcome } = await request([], {
          ...env,
          ENDPOINT: `https://localhost:${toTrusted.port}`,
          NODE_EXTRA_CA_CERTS: caFile,
          PREFLIGHT: "1",
          POSITION: position,
        });
        assert.deepEqual(outcome, { sent: true, count: 42 });
        assert.equal(trustedTarget.requests.length, before + 1);
        assert.equal(trustedTarget.requests.at(-1)?.headers["api-key"], API_KEY);
      });
    }
  });

  describe("started with NODE_TLS_REJECT_UNAUTHORIZED=0, against a TLS-inspecting proxy's certificate", () => {
    const env = { NODE_TLS_REJECT_UNAUTHORIZED: "0", NODE_EXTRA_CA_CERTS: "" };
    let server: TestServer;
    before(async () => {
      const leaf = createAuthority("Zscaler Root CA", "Zscaler Inc.")
        .intermediate("Zscaler Intermediate Root CA")
        .issue({});
      server = await startTlsServer({ cert: leaf.fullChain, key: leaf.key });
      servers.push(server);
    });

    it("without the preflight, the request and its api-key reach the untrusted server", async () => {
      const before = server.requests.length;
      const { outcome } = await request([], { ...env, ENDPOINT: `https://localhost:${server.port}` });
      assert.deepEqual(outcome, { sent: true, count: 42 });
      assert.equal(server.requests.at(-1)?.headers["api-key"], API_KEY);
      assert.equal(server.requests.length, before + 1);
    });

    it("with diagnosisPolicy({ preflight: true }), neither the request nor the api-key reaches it, and the setting is flagged", async () => {
      const before = server.requests.length;
      const { outcome, output } = await request([], {
        ...env,
        ENDPOINT: `https://localhost:${server.port}`,
        PREFLIGHT: "1",
      });
      assert.equal(outcome.sent, false);
      assert.equal(outcome.cause, "tlsUntrustedCertificate");
      assert.deepEqual(
        outcome.checks?.find((c) => c.id === "environment"),
        {
          id: "environment",
          status: "warn",
          cause: "certificateChecksDisabled",
        },
      );
      assert.match(
        outcome.message ?? "",
        /issued by Zscaler Intermediate Root CA, a certificate from Zscaler TLS inspection/,
      );
      assert.equal(server.requests.length, before, "nothing reached the server");
      assert.ok(!output.includes(API_KEY), "the api-key is not printed");
    });
  });
});
