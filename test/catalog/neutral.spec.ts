import assert from "node:assert/strict";
import { describeDomain, diagnosisOfCase } from "./tester.js";

const envelope = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

describeDomain("the neutral last resort (every client)", {
  causes: {
    unrecognizedServiceError: {
      fits: [
        { service: undefined, status: 403 },
        { service: undefined, status: 400, body: envelope("BadArgument", "The argument 'top' is invalid.") },
        { service: "search", status: 418, body: envelope("Teapot", "I am a teapot.") },
        { thrown: { statusCode: 403 } },
      ],
      doesNotFit: [
        { service: undefined, status: 407, foreign: true },
        { service: "search", status: 403 },
        { thrown: new Error("a failure with no status") },
      ],
    },
  },
});

describe("catalog: the neutral last resort quotes the service", () => {
  it("names the status, the service's code, the start of its message and the request id", () => {
    const diagnosis = diagnosisOfCase({
      service: undefined,
      status: 409,
      body: envelope(
        "LeaseIdMissing",
        "There is currently a lease on the blob and no lease ID was specified.",
      ),
      headers: { "x-ms-request-id": "5f1d2c3b-aaaa-4bbb-8ccc-0123456789ab" },
    });
    assert.equal(diagnosis?.cause, "unrecognizedServiceError");
    assert.equal(
      diagnosis?.detail,
      'The service answered 409 with code LeaseIdMissing: "There is currently a lease on the blob and no lease ID was specified." (request id 5f1d2c3b-aaaa-4bbb-8ccc-0123456789ab).',
    );
    assert.doesNotMatch(diagnosis?.summary ?? "", /Search/);
    assert.doesNotMatch(diagnosis?.remediation.join(" ") ?? "", /Search|index/);
  });

  it("keeps the detail to one bounded line, and never quotes the credential", () => {
    const diagnosis = diagnosisOfCase({
      service: undefined,
      status: 400,
      body: envelope(
        "Bad\nCode",
        `The key case-admin-key-0123456789abcdef is not valid ${"x".repeat(500)}\nmore`,
      ),
    });
    assert.ok(diagnosis?.detail);
    assert.doesNotMatch(diagnosis.detail, /[\n\r]/);
    assert.ok(diagnosis.detail.length <= 300, `${diagnosis.detail.length}`);
    assert.doesNotMatch(diagnosis.detail, /case-admin-key/);
  });
});
