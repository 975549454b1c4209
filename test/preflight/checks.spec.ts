import assert from "node:assert/strict";
import { preflight, type PreflightCheckId, type PreflightReport } from "../../src/index.js";
import { createAuthority, fingerprint256, selfSigned, weakDhParams, when } from "../../standin/certs.js";
import {
  closedPort,
  startHttpServer,
  startLegacyTlsServer,
  startTlsServer,
  type TestServer,
} from "../../standin/servers.js";
import { systemStoreNotes } from "../../src/preflight/checks/environment.js";
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

  it("prints a certificate with no subject by the names it covers, not an empty name", async () => {
    const server = await serve(startTlsServer(trusted.ca.issue({ commonName: null })));
    const report = await preflight(`https://localhost:${server.port}`);
    assert.equal(report.ok, true);
    assert.equal(report.tls?.certificate?.subject, "");
    assert.match(
      check(report, "certificate").summary,
      /^Trusted: a certificate with no subject name \(for localhost\) issued by Preflight Test Root;/,
    );
  });
});

describe("preflight(): after a failed verification, a second handshake reads what the endpoint presents", () => {
  const trusted = useTrustedRoot("Refused Handshake Root");
  /** Old appliances' settings: only OpenSSL security level 0 lets a server load or offer them. */
  const LEVEL_0 = "DEFAULT:@SECLEVEL=0";

  async function judged(options: Parameters<typeof startTlsServer>[0]) {
    const server = trusted.keep(await startTlsServer(options));
    const report = await preflight(`https://localhost:${server.port}`);
    assert.equal(report.ok, false);
    assert.equal(server.requests.length, 0, "no HTTP request");
    return { tls: check(report, "tls"), certificate: check(report, "certificate"), report };
  }

  it("a SHA-1 signature: tlsWeakSignature, and the certificate is read, not 'Not read'", async () => {
    const { tls, certificate } = await judged({ ...trusted.ca.issue({ digest: "sha1" }), ciphers: LEVEL_0 });
    assert.equal(tls.diagnosis?.cause, "tlsWeakSignature");
    assert.match(tls.summary, /CA signature digest algorithm too weak \(UNSPECIFIED\)/);
    assert.equal(certificate.status, "fail");
    assert.match(
      certificate.summary,
      /^Not accepted \(UNSPECIFIED\): localhost issued by Refused Handshake Root;/,
    );
  });

  it("a 512-bit key on TLS 1.2: tlsWeakKey, and the certificate names its key size", async () => {
    const { tls, certificate } = await judged({
      ...trusted.ca.issue({ keyBits: 512 }),
      maxVersion: "TLSv1.2",
      ciphers: LEVEL_0,
    });
    assert.equal(tls.diagnosis?.cause, "tlsWeakKey");
    assert.match(certificate.summary, /with a 512-bit RSA key;/);
  });

  it("a 512-bit key on TLS 1.3: alert 40, likely no shared cipher, and the certificate truly not read", async () => {
    const { tls, certificate } = await judged({
      ...trusted.ca.issue({ keyBits: 512 }),
      minVersion: "TLSv1.3",
      ciphers: LEVEL_0,
    });
    assert.equal(tls.diagnosis?.cause, "tlsNoSharedCipher");
    assert.equal(tls.diagnosis?.confidence, "inferred");
    assert.deepEqual(tls.diagnosis?.alternatives, ["tlsWeakKey", "tlsClientCertificateRequired"]);
    assert.equal(certificate.status, "skip");
    assert.equal(
      certificate.summary,
      "Not read: the server ended the handshake (handshake_failure) before it sent a certificate.",
    );
  });

  it("a cipher Node.js does not offer (Camellia): tlsNoSharedCipher made exact, naming the cipher", async () => {
    const { tls, certificate, report } = await judged({
      ...trusted.ca.issue({}),
      maxVersion: "TLSv1.2",
      ciphers: "CAMELLIA:@SECLEVEL=0",
    });
    assert.equal(tls.diagnosis?.cause, "tlsNoSharedCipher");
    assert.equal(tls.diagnosis?.confidence, "exact");
    assert.match(tls.diagnosis?.detail ?? "", /the server chose \S*CAMELLIA\S* \(TLSv1\.2\)/);
    assert.equal(certificate.status, "pass");
    assert.match(
      certificate.summary,
      /^Trusted: localhost issued by Refused Handshake Root;.*second handshake/,
    );
    assert.match(report.tls?.cipher ?? "", /CAMELLIA/);
  });

  it("a 1024-bit DH group: tlsWeakDhKey, and the certificate is read", async () => {
    const { tls, certificate } = await judged({
      ...trusted.ca.issue({}),
      maxVersion: "TLSv1.2",
      ciphers: `DHE-RSA-AES128-GCM-SHA256:${LEVEL_0}`,
      dhparam: weakDhParams(),
    });
    assert.equal(tls.diagnosis?.cause, "tlsWeakDhKey");
    assert.equal(certificate.status, "pass");
  });

  it("a client certificate demanded in a TLS 1.2 handshake: the CertificateRequest makes it tlsClientCertificateRequired", async () => {
    const { tls, certificate } = await judged({
      ...trusted.ca.issue({}),
      maxVersion: "TLSv1.2",
      clientCa: trusted.ca.cert,
    });
    assert.equal(tls.diagnosis?.cause, "tlsClientCertificateRequired");
    assert.equal(tls.diagnosis?.confidence, "exact");
    assert.match(tls.diagnosis?.detail ?? "", /asked for a client certificate/);
    assert.equal(certificate.status, "skip");
    assert.match(
      certificate.summary,
      /^Presented, not verified .*: localhost issued by Refused Handshake Root;/,
    );
  });

  it("a client certificate demanded on TLS 1.3: the certificate_required alert after the handshake fails the tls check", async () => {
    const { tls, certificate } = await judged({ ...trusted.ca.issue({}), clientCa: trusted.ca.cert });
    assert.equal(tls.diagnosis?.cause, "tlsClientCertificateRequired");
    assert.equal(certificate.status, "pass");
  });

  it("a missing intermediate: tlsIncompleteChain, likely, naming the issuer that was not sent", async () => {
    const leaf = trusted.ca.intermediate("Refused Intermediate CA").issue({});
    const { tls, certificate } = await judged({ cert: leaf.cert, key: leaf.key });
    assert.equal(tls.diagnosis?.cause, "tlsIncompleteChain");
    assert.equal(tls.diagnosis?.confidence, "inferred");
    assert.match(
      tls.diagnosis?.detail ?? "",
      /its issuer, Refused Intermediate CA, is neither sent nor trusted/,
    );
    assert.equal(certificate.diagnosis?.cause, "tlsIncompleteChain");
  });

  it("a leaf alone from mitmproxy: tlsUntrustedCertificate naming mitmproxy, not a missing intermediate", async () => {
    const leaf = createAuthority("mitmproxy", "mitmproxy").issue({});
    const { tls, report } = await judged({ cert: leaf.cert, key: leaf.key });
    assert.equal(tls.diagnosis?.cause, "tlsUntrustedCertificate");
    assert.match(tls.diagnosis?.detail ?? "", /mitmproxy TLS inspection/);
    assert.equal(report.tls?.certificate?.inspectionProduct, "mitmproxy");
  });
});

describe("preflight(): the environment check's system store, as the running Node.js honours it", () => {
  it("trusts NODE_USE_SYSTEM_CA=1 only from 22.19 and 24.6, and --use-system-ca from NODE_OPTIONS too", () => {
    const set = { NODE_USE_SYSTEM_CA: "1" };
    assert.deepEqual(systemStoreNotes(set, "24.6.0", []), ["the system certificate store is trusted"]);
    assert.deepEqual(systemStoreNotes(set, "22.19.0", []), ["the system certificate store is trusted"]);
    assert.match(
      systemStoreNotes(set, "22.18.0", [])[0] ?? "",
      /^NODE_USE_SYSTEM_CA=1 is set, but Node\.js 22\.18\.0 ignores it/,
    );
    assert.match(systemStoreNotes(set, "24.5.0", [])[0] ?? "", /ignores it/);
    assert.deepEqual(
      systemStoreNotes({ NODE_OPTIONS: "--max-old-space-size=512 --use-system-ca" }, "22.15.0", []),
      ["the system certificate store is trusted"],
    );
    assert.deepEqual(systemStoreNotes({}, "24.21.0", ["--use-system-ca"]), [
      "the system certificate store is trusted",
    ]);
    assert.deepEqual(systemStoreNotes({}, "24.21.0", []), []);
  });
});
