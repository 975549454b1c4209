import assert from "node:assert/strict";
import { preflight, type PreflightCheckId, type PreflightReport } from "../../src/index.js";
import { createAuthority, fingerprint256, selfSigned, when } from "../../standin/certs.js";
import {
  closedPort,
  startHttpServer,
  startLegacyTlsServer,
  startTlsServer,
  type TestServer,
} from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";

function check(report: PreflightReport, id: PreflightCheckId) {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `the report has a ${id} check`);
  return found;
}

const ORDER: PreflightCheckId[] = [
  "scheme",
  "endpoint",
  "environment",
  "dns",
  "proxy",
  "tcp",
  "tls",
  "certificate",
];

describe("preflight(): every check against real loopback servers", () => {
  const trusted = useTrustedRoot("Preflight Test Root");

  async function serve(start: Promise<TestServer>): Promise<TestServer> {
    return trusted.keep(await start);
  }

  it("passes a healthy endpoint with one handshake and reports what it negotiated, sending no HTTP request", async () => {
    const leaf = trusted.ca.issue({});
    const server = await serve(startTlsServer(leaf));
    const report = await preflight(`https://localhost:${server.port}/`, { timeoutMs: 10_000 });

    assert.equal(report.ok, true, JSON.stringify(report.checks, null, 2));
    assert.equal(report.endpoint, `https://localhost:${server.port}`);
    assert.deepEqual(
      report.checks.map((c) => c.id),
      ORDER,
    );
    for (const c of report.checks) {
      assert.ok(c.status === "pass" || c.status === "skip", `${c.id}: ${c.status} ${c.summary}`);
      assert.equal(c.diagnosis, undefined);
      assert.equal(typeof c.durationMs, "number");
    }
    assert.match(check(report, "dns").summary, /127\.0\.0\.1.*loopback/);
    assert.match(report.tls?.protocol ?? "", /^TLSv1\.[23]$/);
    assert.ok(report.tls?.cipher);
    const cert = report.tls?.certificate;
    assert.equal(cert?.fingerprint256, fingerprint256(leaf.cert));
    assert.equal(cert?.subject, "CN=localhost");
    assert.equal(cert?.issuer, "CN=Preflight Test Root");
    assert.equal(cert?.trusted, true);
    assert.ok(cert && cert.daysRemaining >= 88 && cert.daysRemaining <= 90);
    assert.deepEqual(cert?.subjectAltNames, ["DNS:localhost", "IP Address:127.0.0.1"]);
    assert.equal(server.requests.length, 0, "no HTTP request reached the server");
  });

  const failures: {
    name: string;
    start: () => Promise<TestServer>;
    failing: PreflightCheckId;
    cause: string;
    certificate?: "fail" | "skip";
  }[] = [
    {
      name: "a server speaking only TLS 1.0/1.1",
      start: () => startLegacyTlsServer(trusted.ca.issue({})),
      failing: "tls",
      cause: "tlsVersionUnsupported",
      certificate: "skip",
    },
    {
      name: "a self-signed certificate",
      start: () => startTlsServer(selfSigned()),
      failing: "tls",
      cause: "tlsUntrustedCertificate",
      certificate: "fail",
    },
    {
      name: "an expired certificate",
      start: () =>
        startTlsServer(trusted.ca.issue({ notBefore: when.daysAgo(30), notAfter: when.daysAgo(1) })),
      failing: "tls",
      cause: "tlsCertificateExpired",
      certificate: "fail",
    },
    {
      name: "a certificate not valid yet",
      start: () => startTlsServer(trusted.ca.issue({ notBefore: when.daysFromNow(2) })),
      failing: "tls",
      cause: "tlsCertificateNotYetValid",
      certificate: "fail",
    },
    {
      name: "a certificate for another host",
      start: () => startTlsServer(trusted.ca.issue({ hosts: ["other.example"] })),
      failing: "tls",
      cause: "tlsHostnameMismatch",
      certificate: "fail",
    },
    {
      name: "plain HTTP behind an https:// URL",
      start: () => startHttpServer(),
      failing: "tls",
      cause: "endpointNotTls",
      certificate: "skip",
    },
  ];

  for (const f of failures) {
    it(`fails ${f.name} at the ${f.failing} check with ${f.cause}, and sends no HTTP request`, async () => {
      const server = await serve(f.start());
      const report = await preflight(`https://localhost:${server.port}`);
      assert.equal(report.ok, false);
      const failing = check(report, f.failing);
      assert.equal(failing.status, "fail", failing.summary);
      assert.equal(failing.diagnosis?.cause, f.cause);
      assert.equal(failing.diagnosis?.evidence.host, "localhost");
      assert.ok(failing.diagnosis?.remediation.length);
      assert.ok(failing.diagnosis?.docs[0]?.startsWith("https://"));
      assert.equal(check(report, "tcp").status, "pass");
      const certificate = check(report, "certificate");
      assert.equal(certificate.status, f.certificate);
      if (f.certificate === "fail") {
        assert.equal(certificate.diagnosis?.cause, f.cause);
        assert.equal(report.tls?.certificate?.trusted, false);
      }
      assert.equal(server.requests.length, 0);
    });
  }

  it("names the issuer of an unknown root's whole chain and recognises Zscaler", async () => {
    const root = createAuthority("Zscaler Root CA", "Zscaler Inc.");
    const leaf = root.intermediate("Zscaler Intermediate Root CA").issue({});
    const server = await serve(startTlsServer({ cert: leaf.fullChain + root.cert, key: leaf.key }));
    const report = await preflight(`https://localhost:${server.port}`);

    assert.equal(check(report, "tls").diagnosis?.cause, "tlsUntrustedCertificate");
    const certificate = check(report, "certificate");
    assert.equal(certificate.status, "fail");
    assert.equal(certificate.diagnosis?.cause, "tlsUntrustedCertificate");
    assert.match(certificate.summary, /issued by Zscaler Intermediate Root CA/);
    assert.match(certificate.summary, /Zscaler TLS inspection/);
    assert.equal(report.tls?.certificate?.inspectionProduct, "Zscaler");
    assert.equal(report.tls?.certificate?.issuer, "CN=Zscaler Intermediate Root CA, O=Zscaler Inc.");
    assert.deepEqual(report.tls?.certificate?.chain, [
      "CN=Zscaler Intermediate Root CA, O=Zscaler Inc.",
      "CN=Zscaler Root CA, O=Zscaler Inc.",
    ]);
    assert.equal(server.requests.length, 0);
  });

  it("names the issuer of an unknown root without the chain (intermediate not sent)", async () => {
    const leaf = createAuthority("Netskope Root", "Netskope").intermediate("Netskope Issuing CA").issue({});
    const server = await serve(startTlsServer({ cert: leaf.cert, key: leaf.key }));
    const report = await preflight(`https://localhost:${server.port}`);

    assert.equal(check(report, "tls").diagnosis?.evidence.nodeCode, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    const certificate = check(report, "certificate");
    assert.match(certificate.summary, /issued by Netskope Issuing CA/);
    assert.equal(report.tls?.certificate?.inspectionProduct, "Netskope");
    assert.deepEqual(report.tls?.certificate?.chain, []);
  });

  it("does not name a product for an ordinary untrusted issuer", async () => {
    const leaf = createAuthority("Contoso Dev Root").issue({});
    const server = await serve(startTlsServer({ cert: leaf.cert, key: leaf.key }));
    const report = await preflight(`https://localhost:${server.port}`);
    assert.match(check(report, "certificate").summary, /issued by Contoso Dev Root;/);
    assert.equal(report.tls?.certificate?.inspectionProduct, undefined);
  });

  it("warns when the certificate expires within 14 days, and still passes", async () => {
    const server = await serve(startTlsServer(trusted.ca.issue({ notAfter: when.daysFromNow(3) })));
    const report = await preflight(`https://localhost:${server.port}`);
    assert.equal(report.ok, true);
    const certificate = check(report, "certificate");
    assert.equal(certificate.status, "warn");
    assert.equal(certificate.diagnosis?.cause, "certificateExpiringSoon");
    assert.ok(report.tls?.certificate && report.tls.certificate.daysRemaining <= 3);
  });

  it("fails a closed port at the tcp check with connectionRefused and skips the handshake", async () => {
    const report = await preflight(`https://localhost:${await closedPort()}`);
    assert.equal(report.ok, false);
    assert.equal(check(report, "tcp").diagnosis?.cause, "connectionRefused");
    assert.equal(check(report, "tls").status, "skip");
    assert.equal(check(report, "certificate").status, "skip");
    assert.equal(report.tls, undefined);
  });

  it("fails an http:// endpoint elsewhere than loopback, and only warns on loopback", async () => {
    const server = await serve(startHttpServer());
    const local = await preflight(`http://localhost:${server.port}`);
    assert.equal(local.ok, true);
    assert.equal(check(local, "scheme").status, "warn");
    assert.equal(check(local, "scheme").diagnosis?.cause, "httpNotHttps");
    assert.equal(check(local, "tls").status, "skip");

    const strict = await preflight(`http://localhost:${server.port}`, { allowLoopbackHttp: false });
    assert.equal(strict.ok, false);
    assert.equal(check(strict, "scheme").diagnosis?.cause, "httpNotHttps");
    assert.equal(server.requests.length, 0);
  });

  it("trusts the client's own roots when given as ca, replacing the process's", async () => {
    const own = createAuthority("Client Only Root");
    const server = await serve(startTlsServer(own.issue({})));
    assert.equal((await preflight(`https://localhost:${server.port}`)).ok, false);
    assert.equal((await preflight(`https://localhost:${server.port}`, { ca: own.cert })).ok, true);
    const processTrusted = await serve(startTlsServer(trusted.ca.issue({})));
    const replaced = await preflight(`https://localhost:${processTrusted.port}`, { ca: own.cert });
    assert.equal(check(replaced, "tls").diagnosis?.cause, "tlsUntrustedCertificate");
  });
});
