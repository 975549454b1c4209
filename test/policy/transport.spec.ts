import assert from "node:assert/strict";
import util from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { diagnose } from "../../src/index.js";
import { createAuthority, selfSigned, when } from "../../standin/certs.js";
import { failure, installations, searchClient } from "../support/clients.js";
import {
  closedPort,
  startHttpServer,
  startLegacyTlsServer,
  startResetServer,
  startTlsServer,
  type TestServer,
} from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";

const API_KEY = "transport-secret-key-7f3a9c";

describe("diagnosisPolicy: transport failures through the real SearchClient", () => {
  const trusted = useTrustedRoot("Stand-in Test Root");

  async function serve(start: Promise<TestServer>): Promise<string> {
    const server = trusted.keep(await start);
    return `https://localhost:${server.port}`;
  }

  const cases: { name: string; cause: string; nodeCode: string; endpoint: () => Promise<string> }[] = [
    {
      name: "self-signed leaf",
      cause: "tlsUntrustedCertificate",
      nodeCode: "DEPTH_ZERO_SELF_SIGNED_CERT",
      endpoint: () => serve(startTlsServer(selfSigned())),
    },
    {
      name: "unknown root, whole chain sent (an inspecting proxy)",
      cause: "tlsUntrustedCertificate",
      nodeCode: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      endpoint: () => {
        const leaf = createAuthority("Zscaler Root CA", "Zscaler Inc.")
          .intermediate("Zscaler Intermediate CA")
          .issue({});
        return serve(startTlsServer({ cert: leaf.fullChain, key: leaf.key }));
      },
    },
    {
      name: "unknown root, intermediate missing",
      cause: "tlsUntrustedCertificate",
      nodeCode: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      endpoint: () => {
        const leaf = createAuthority("Other Root").intermediate("Other Intermediate").issue({});
        return serve(startTlsServer({ cert: leaf.cert, key: leaf.key }));
      },
    },
    {
      name: "expired certificate",
      cause: "tlsCertificateExpired",
      nodeCode: "CERT_HAS_EXPIRED",
      endpoint: () =>
        serve(startTlsServer(trusted.ca.issue({ notBefore: when.daysAgo(30), notAfter: when.daysAgo(1) }))),
    },
    {
      name: "certificate not yet valid",
      cause: "tlsCertificateNotYetValid",
      nodeCode: "CERT_NOT_YET_VALID",
      endpoint: () => serve(startTlsServer(trusted.ca.issue({ notBefore: when.daysFromNow(2) }))),
    },
    {
      name: "certificate for another host",
      cause: "tlsHostnameMismatch",
      nodeCode: "ERR_TLS_CERT_ALTNAME_INVALID",
      endpoint: () => serve(startTlsServer(trusted.ca.issue({ hosts: ["other.example"] }))),
    },
    {
      name: "server speaking TLS 1.0/1.1 only",
      cause: "tlsVersionUnsupported",
      nodeCode: "EPROTO",
      endpoint: () => serve(startLegacyTlsServer(trusted.ca.issue({}))),
    },
    {
      name: "plain HTTP behind an https:// URL",
      cause: "endpointNotTls",
      nodeCode: "EPROTO",
      endpoint: () => serve(startHttpServer()),
    },
    {
      name: "closed port",
      cause: "connectionRefused",
      nodeCode: "ECONNREFUSED",
      endpoint: async () => `https://localhost:${await closedPort()}`,
    },
    {
      name: "reset during the handshake",
      cause: "connectionReset",
      nodeCode: "ECONNRESET",
      endpoint: () => serve(startResetServer()),
    },
  ];

  for (const installation of installations) {
    for (const c of cases) {
      it(`${c.name} -> ${c.cause} (${installation})`, async () => {
        const client = searchClient({ endpoint: await c.endpoint(), apiKey: API_KEY, installation });
        const error = await failure(() => client.getDocumentsCount());

        assert.ok(isRestError(error), "the same RestError the SDK throws");
        assert.equal(error.code, c.nodeCode, "the original code is kept");
        assert.equal(error.statusCode, undefined);
        assert.ok(error.request, "the original request is kept");
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, c.cause);
        assert.equal(diagnosis?.confidence, "exact");
        assert.equal(diagnosis?.evidence.nodeCode, c.nodeCode);
        assert.equal(diagnosis?.evidence.host, "localhost");
        assert.equal(diagnosis?.evidence.operation, "documentRead");
        assert.equal(diagnosis?.evidence.credential, "apiKey");
        assert.match(error.message, new RegExp(`\\[azure-sdk-doctor\\] ${c.cause}: `));
        assert.match(error.message, /https:\/\//, "the message ends with a docs link");
        for (const text of [
          error.message,
          util.inspect(error),
          JSON.stringify(diagnosis),
          String(error.stack),
        ]) {
          assert.ok(!text.includes(API_KEY), "the api-key never appears");
        }
      });
    }
  }
});
