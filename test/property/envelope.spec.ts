import assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { redact } from "../../src/redaction/index.js";
import { parseServiceError } from "../../src/signals/envelope.js";
import { TEXT_LIMIT } from "../../src/signals/read.js";
import { redactedSignals } from "../../src/signals/clean.js";
import { signalsFromResponse } from "../../src/signals/response.js";

const API_KEY = "envelope-admin-key-0123456789";

/** The signals of a 400 whose body is the given text, sent with an api-key. */
function signalsOf(body: string) {
  const request = createPipelineRequest({
    url: "https://envelope.search.windows.net/indexes('hotels')/docs/$count?api-version=2025-09-01",
    headers: createHttpHeaders({ "api-key": API_KEY }),
  });
  const response: PipelineResponse = {
    status: 400,
    request,
    bodyAsText: body,
    headers: createHttpHeaders({ "content-type": "application/json" }),
  };
  // What a rule of yours is given: the raw signals, redacted once.
  return redactedSignals(signalsFromResponse(request, response));
}

/** Texts with what JSON escapes (quotes, backslashes, control characters), secrets and their hints. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        "Could not resolve the key vault uri",
        '"',
        "\\",
        "\n",
        "\u0000",
        "'",
        "=",
        "@",
        "api-key",
        API_KEY,
        "Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl",
        "sig=abcdef0123456789",
        " ",
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join("")),
);

describe("reading the service's error envelope (property)", () => {
  it("gives the message JSON.parse reads, redacted, and the code when it is one, however the body is written", () => {
    fc.assert(
      fc.property(text, text, (code, message) => {
        const compact = signalsOf(JSON.stringify({ error: { code, message } }));
        const indented = signalsOf(JSON.stringify({ error: { code, message } }, null, 2));

        assert.equal(compact.serviceMessage, redact(message.slice(0, TEXT_LIMIT), [API_KEY]));
        assert.equal(compact.serviceMessage, indented.serviceMessage);
        assert.equal(compact.serviceCode, indented.serviceCode);
        // A code is evidence the server wrote: kept whole when it has a code's shape and holds no secret.
        const bounded = code.slice(0, 128);
        const whole = /^[A-Za-z0-9][\w.:/-]*$/.test(bounded) && redact(bounded, [API_KEY]) === bounded;
        assert.equal(compact.serviceCode, whole ? bounded : undefined);
        for (const signals of [compact, indented]) {
          for (const field of [signals.body, signals.serviceMessage ?? "", signals.serviceCode ?? ""]) {
            assert.ok(!field.includes(API_KEY), "the key never reaches a rule of yours");
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads Key Vault's envelope with its inner code as JSON.parse does, escapes decoded, whatever its strings hold", () => {
    fc.assert(
      fc.property(text, text, text, (code, message, inner) => {
        const body = JSON.stringify({ error: { code, message, innererror: { code: inner } } });
        const read = parseServiceError(body);
        assert.equal(read.code, code);
        assert.equal(read.message, message);
        assert.equal(read.innerCode, inner === "" ? undefined : inner);
        assert.equal(read.problemType, undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
