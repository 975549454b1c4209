import assert from "node:assert/strict";
import { catalog } from "../../src/catalog/index.js";
import {
  HANDSHAKE_FAILURE_CODES,
  NOT_TLS_CODES,
  PROTOCOL_VERSION_CODES,
  systemCaSwitches,
  trustInsteadStep,
  trustStoreSteps,
  UNTRUSTED_CERTIFICATE_CODES,
} from "../../src/catalog/shared/tls.js";
import { describeDomain, diagnosisOfCase, systemError } from "./tester.js";

const OPENSSL = "write EPROTO 40C7A8F1:error:0A00010B:SSL routines";

/** Alert 40 as OpenSSL 3.5 (Node 24.6+) and 3.0 (Node 22.12) write it (test/network). */
const ALERT_40 = [
  `${OPENSSL}:ssl3_read_bytes:ssl/tls alert handshake failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 40`,
  `${OPENSSL}:ssl3_read_bytes:sslv3 alert handshake failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 40`,
];

/** nginx's own page when `ssl_verify_client on` got no certificate. */
const NGINX_NO_CLIENT_CERTIFICATE = {
  service: "search" as const,
  status: 400,
  foreign: true,
  headers: { server: "nginx/1.22.1", "content-type": "text/html" },
  body: "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n",
};

describeDomain("tls (every client)", {
  causes: {
    tlsVersionUnsupported: {
      fits: [
        ...[...PROTOCOL_VERSION_CODES].map((code) => ({ thrown: systemError(code) })),
        {
          thrown: systemError(
            "EPROTO",
            `${OPENSSL}:ssl3_read_bytes:tlsv1 alert protocol version:SSL alert number 70`,
          ),
        },
        { thrown: new Error("unsupported protocol"), service: "keyVault" },
      ],
      doesNotFit: [
        { thrown: systemError("EPROTO", `${OPENSSL}:tls_validate_record_header:wrong version number`) },
        { service: "search", status: 400, body: '{"error":{"code":"","message":"unsupported protocol"}}' },
      ],
    },
    endpointNotTls: {
      fits: [
        ...[...NOT_TLS_CODES].map((code) => ({ thrown: systemError(code) })),
        { thrown: systemError("EPROTO", `${OPENSSL}:tls_validate_record_header:wrong version number`) },
        { thrown: new Error("packet length too long"), service: "storage" },
      ],
      doesNotFit: [
        { thrown: systemError("ECONNRESET", "socket hang up") },
        { service: "storage", status: 400, body: "wrong version number" },
      ],
    },
    tlsUntrustedCertificate: {
      fits: [
        ...[...UNTRUSTED_CERTIFICATE_CODES].map((code) => ({ thrown: systemError(code) })),
        {
          thrown: systemError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
          service: "appConfiguration",
        },
      ],
      doesNotFit: [
        { thrown: systemError("CERT_HAS_EXPIRED", "certificate has expired") },
        { thrown: new Error("self-signed certificate") },
      ],
    },
    tlsCertificateExpired: {
      fits: [
        { thrown: systemError("CERT_HAS_EXPIRED", "certificate has expired") },
        { thrown: systemError("CERT_HAS_EXPIRED"), service: "resourceManager" },
      ],
      doesNotFit: [
        { thrown: systemError("CERT_NOT_YET_VALID", "certificate is not yet valid") },
        {
          service: "keyVault",
          status: 401,
          body: '{"error":{"code":"Unauthorized","message":"certificate has expired"}}',
        },
      ],
    },
    tlsCertificateNotYetValid: {
      fits: [{ thrown: systemError("CERT_NOT_YET_VALID", "certificate is not yet valid") }],
      doesNotFit: [{ thrown: systemError("CERT_HAS_EXPIRED") }],
    },
    tlsHostnameMismatch: {
      fits: [
        {
          thrown: systemError(
            "ERR_TLS_CERT_ALTNAME_INVALID",
            "Hostname/IP does not match certificate's altnames: Host: 10.0.0.4. is not in the cert's altnames: DNS:contoso.search.windows.net",
          ),
        },
      ],
      doesNotFit: [{ thrown: new Error("Hostname/IP does not match certificate's altnames") }],
    },
    tlsWeakSignature: {
      fits: [
        { thrown: systemError("UNSPECIFIED", "CA signature digest algorithm too weak") },
        { thrown: systemError("CA_MD_TOO_WEAK"), service: "storage" },
      ],
      doesNotFit: [
        { thrown: systemError("UNSPECIFIED", "EE certificate key too weak") },
        {
          service: "search",
          status: 400,
          body: '{"error":{"code":"","message":"CA signature digest algorithm too weak"}}',
        },
      ],
    },
    tlsWeakKey: {
      fits: [
        { thrown: systemError("UNSPECIFIED", "EE certificate key too weak") },
        { thrown: systemError("EPROTO", `${OPENSSL}:tls_process_server_certificate:ee key too small`) },
        { thrown: systemError("CA_KEY_TOO_SMALL"), service: "keyVault" },
      ],
      doesNotFit: [
        { thrown: systemError("UNSPECIFIED", "CA signature digest algorithm too weak") },
        { thrown: systemError("EPROTO", `${OPENSSL}:tls_process_ske_dhe:dh key too small`) },
      ],
    },
    tlsWeakDhKey: {
      fits: [
        { thrown: systemError("EPROTO", `${OPENSSL}:tls_process_ske_dhe:dh key too small`) },
        { thrown: systemError("ERR_SSL_DH_KEY_TOO_SMALL", "dh key too small") },
      ],
      doesNotFit: [
        { thrown: systemError("EPROTO", ALERT_40[0]) },
        { service: "storage", status: 400, body: "dh key too small" },
      ],
    },
    tlsClientCertificateRequired: {
      fits: [
        {
          thrown: systemError(
            "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
            "C0D7:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116",
          ),
        },
        NGINX_NO_CLIENT_CERTIFICATE,
        { ...NGINX_NO_CLIENT_CERTIFICATE, service: undefined },
      ],
      doesNotFit: [
        { ...NGINX_NO_CLIENT_CERTIFICATE, foreign: false },
        { thrown: systemError("EPROTO", ALERT_40[0]) },
      ],
    },
    tlsNoSharedCipher: {
      fits: [
        ...ALERT_40.map((message) => ({ thrown: systemError("EPROTO", message) })),
        ...[...HANDSHAKE_FAILURE_CODES].map((code) => ({ thrown: systemError(code) })),
        { thrown: new Error("ssl/tls alert handshake failure"), service: "appConfiguration" },
        { thrown: systemError("ERR_SSL_NO_SHARED_CIPHER", "no shared cipher") },
      ],
      doesNotFit: [
        { thrown: systemError("EPROTO", `${OPENSSL}:ssl3_read_bytes:tlsv1 alert protocol version`) },
        { service: "search", status: 400, foreign: true, body: "ssl/tls alert handshake failure" },
      ],
    },
  },
  findings: [
    "certificateChecksDisabled",
    "extraCaCertsMissing",
    "tlsIncompleteChain",
    "certificateExpiringSoon",
  ],
});

describe("catalog: tls, what the diagnosis says", () => {
  it("calls alert 40 a likely cipher mismatch, with the weak key and a client certificate as alternatives", () => {
    for (const message of ALERT_40) {
      const diagnosis = diagnosisOfCase({ thrown: systemError("EPROTO", message) });
      assert.equal(diagnosis?.confidence, "inferred");
      assert.deepEqual(diagnosis?.alternatives, ["tlsWeakKey", "tlsClientCertificateRequired"]);
    }
    assert.equal(
      diagnosisOfCase({ thrown: systemError("ERR_SSL_NO_SHARED_CIPHER", "no shared cipher") })?.confidence,
      "exact",
    );
  });

  it("quotes nginx's page for a missing client certificate", () => {
    assert.equal(
      diagnosisOfCase(NGINX_NO_CLIENT_CERTIFICATE)?.detail,
      'nginx answered 400 (Server: nginx/1.22.1): "400 No required SSL certificate was sent".',
    );
  });
});

describe("catalog: tls, trust advice for the Node.js that runs", () => {
  const RELEASES = {
    "20.19.0": { flag: false, variable: false },
    "22.12.0": { flag: false, variable: false },
    "22.14.0": { flag: false, variable: false },
    "22.15.0": { flag: true, variable: false },
    "22.18.0": { flag: true, variable: false },
    "22.19.0": { flag: true, variable: true },
    "23.8.0": { flag: true, variable: false },
    "24.0.0": { flag: true, variable: false },
    "24.5.0": { flag: true, variable: false },
    "24.6.0": { flag: true, variable: true },
    "24.21.0": { flag: true, variable: true },
    "25.1.0": { flag: true, variable: true },
  };

  for (const [version, switches] of Object.entries(RELEASES)) {
    it(`${version}: names only the switches it has, and no step starts with a dangling "Or"`, () => {
      assert.deepEqual(systemCaSwitches(version), switches);
      const steps = trustStoreSteps(version);
      const text = steps.join(" ");
      // A Node.js without the flag rejects it as a bad option: it is only named as what a later release has.
      assert.equal(text.includes("start node with --use-system-ca"), switches.flag);
      assert.equal(/set NODE_USE_SYSTEM_CA=1/.test(text), switches.variable);
      assert.match(text, /NODE_EXTRA_CA_CERTS/);
      assert.doesNotMatch(steps[0] ?? "", /^Or\b/);
      if (!switches.flag) assert.equal(steps.length, 1);
      const instead = trustInsteadStep(version);
      assert.equal(instead.includes("--use-system-ca"), switches.flag);
      assert.equal(instead.includes("NODE_USE_SYSTEM_CA"), switches.variable);
    });
  }

  it("the catalog's steps are those of the Node.js running it", () => {
    const untrusted = catalog.find((rule) => rule.cause === "tlsUntrustedCertificate");
    for (const step of trustStoreSteps(process.versions.node))
      assert.ok(untrusted?.remediation.includes(step), step);
    const disabled = catalog.find((rule) => rule.cause === "certificateChecksDisabled");
    assert.ok(disabled?.remediation.includes(trustInsteadStep(process.versions.node)));
  });
});
