import {
  NOT_TLS_CODES,
  PROTOCOL_VERSION_CODES,
  UNTRUSTED_CERTIFICATE_CODES,
} from "../../src/catalog/shared/tls.js";
import { describeDomain, systemError } from "./tester.js";

const OPENSSL = "write EPROTO 40C7A8F1:error:0A00010B:SSL routines";

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
  },
  findings: ["certificateChecksDisabled", "extraCaCertsMissing", "certificateExpiringSoon"],
});
