import assert from "node:assert/strict";
import util from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import nock from "nock";
import { useNock } from "../support/nock.js";
import { diagnose } from "../../src/index.js";
import { failure, installations, searchClient } from "../support/clients.js";

const ENDPOINT = "https://contoso-search.search.windows.net";
const API_KEY = "network-secret-key-2c7d41";

/**
 * Failures no loopback server can provoke (a name that does not resolve, an unreachable resolver,
 * dropped packets), as Node.js reports them: nock hands the SDK the same error a socket would.
 */
const cases = [
  {
    code: "ENOTFOUND",
    syscall: "getaddrinfo",
    message: "getaddrinfo ENOTFOUND contoso-search.search.windows.net",
    cause: "dnsNotFound",
    retryable: false,
  },
  {
    code: "EAI_AGAIN",
    syscall: "getaddrinfo",
    message: "getaddrinfo EAI_AGAIN contoso-search.search.windows.net",
    cause: "dnsTemporaryFailure",
    retryable: true,
  },
  {
    code: "ETIMEDOUT",
    syscall: "connect",
    message: "connect ETIMEDOUT 20.42.0.1:443",
    cause: "connectTimeout",
    retryable: true,
  },
];

/** A Node.js system error; nock needs an Error instance (a plain object leaves the request hanging). */
const systemError = (c: (typeof cases)[number]): Error =>
  Object.assign(new Error(c.message), {
    code: c.code,
    syscall: c.syscall,
    hostname: "contoso-search.search.windows.net",
  });

describe("diagnosisPolicy: name resolution and timeouts through the real SearchClient (nock)", () => {
  useNock();

  for (const installation of installations) {
    for (const c of cases) {
      it(`${c.code} -> ${c.cause} (${installation})`, async () => {
        nock(ENDPOINT).get(/.*/).replyWithError(systemError(c));
        const client = searchClient({ endpoint: ENDPOINT, apiKey: API_KEY, installation });
        const error = await failure(() => client.getDocumentsCount());

        assert.ok(isRestError(error), "the SDK's RestError is rethrown");
        assert.equal(error.code, c.code);
        assert.equal(error.statusCode, undefined);
        assert.ok(error.message.startsWith(c.message), "Node's message comes first");
        const diagnosis = diagnose(error);
        assert.equal(diagnosis?.cause, c.cause);
        assert.equal(diagnosis?.category, "network");
        assert.equal(diagnosis?.retryable, c.retryable);
        assert.equal(diagnosis?.evidence.nodeCode, c.code);
        assert.equal(diagnosis?.evidence.host, "contoso-search.search.windows.net");
        assert.match(error.message, new RegExp(`\\n\\[azure-sdk-doctor\\] ${c.cause}: `));
        for (const text of [
          error.message,
          String(error.stack),
          util.inspect(error),
          JSON.stringify(diagnosis),
        ]) {
          assert.ok(!text.includes(API_KEY));
        }
      });
    }
  }
});
