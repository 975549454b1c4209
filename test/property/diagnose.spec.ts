import assert from "node:assert/strict";
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { catalog, diagnose, type Diagnosis } from "../../src/index.js";
import { signalsFromThrown } from "../../src/signals/thrown.js";
import { DOCUMENTED_CATEGORIES, DOCUMENTED_EVIDENCE_KEYS } from "../support/vocabulary.js";

const CATEGORIES = new Set<string>(DOCUMENTED_CATEGORIES);
const CAUSES = new Set<string>(catalog.map((rule) => rule.cause));
const EVIDENCE_KEYS = new Set<string>(DOCUMENTED_EVIDENCE_KEYS);

/** Each evidence field's documented type: a code, an id, one of its values; never free text. */
const EVIDENCE_TYPES: Record<string, (value: unknown) => boolean> = {
  status: (value) => Number.isInteger(value),
  serviceCode: (value) => typeof value === "string" && /^[A-Za-z0-9][\w.:/-]*$/.test(value),
  nodeCode: (value) => typeof value === "string" && /^[A-Za-z][A-Za-z0-9_]*$/.test(value),
  errorName: (value) => typeof value === "string" && /^[A-Za-z_$][\w$]*$/.test(value),
  requestId: (value) => typeof value === "string" && /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(value),
  service: (value) =>
    ["search", "storage", "keyVault", "appConfiguration", "resourceManager", "entraId"].includes(
      value as string,
    ),
  method: (value) =>
    ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"].includes(
      value as string,
    ),
  host: (value) => typeof value === "string" && !/[/?#@\s]/.test(value),
  operation: (value) => typeof value === "string" && /^[a-z][A-Za-z]*$/.test(value),
  credential: (value) =>
    [
      "apiKey",
      "subscriptionKey",
      "functionKey",
      "bearer",
      "basic",
      "sharedKey",
      "sas",
      "hmac",
      "other",
      "none",
    ].includes(value as string),
};

/** What a user may rely on in a diagnosis, whatever the input was. */
function assertValidDiagnosis(diagnosis: Diagnosis): void {
  assert.ok(CAUSES.has(diagnosis.cause), `a catalog cause: ${diagnosis.cause}`);
  assert.ok(CATEGORIES.has(diagnosis.category));
  assert.equal(typeof diagnosis.summary, "string");
  assert.ok(diagnosis.summary.length > 0);
  assert.ok(
    diagnosis.remediation.length > 0 &&
      diagnosis.remediation.every((step) => typeof step === "string" && step.length > 0),
  );
  assert.ok(diagnosis.docs.length > 0 && diagnosis.docs.every((link) => link.startsWith("https://")));
  assert.ok(diagnosis.confidence === "exact" || diagnosis.confidence === "inferred");
  assert.ok(Array.isArray(diagnosis.alternatives) && diagnosis.alternatives.every((id) => CAUSES.has(id)));
  assert.equal(typeof diagnosis.retryable, "boolean");
  for (const [key, value] of Object.entries(diagnosis.evidence)) {
    assert.ok(EVIDENCE_KEYS.has(key), `evidence key ${key}`);
    assert.ok(["string", "number"].includes(typeof value), `evidence ${key} is a plain value`);
    if (typeof value === "string")
      assert.ok(value.length <= 128 || key === "host", `evidence ${key} is bounded`);
    assert.ok(EVIDENCE_TYPES[key]?.(value), `evidence ${key} has its documented type: ${String(value)}`);
  }
  assert.doesNotThrow(() => JSON.stringify(diagnosis), "a diagnosis serialises");
}

function checkDiagnose(value: unknown): void {
  let diagnosis: Diagnosis | undefined;
  assert.doesNotThrow(() => {
    diagnosis = diagnose(value);
  });
  if (diagnosis !== undefined) assertValidDiagnosis(diagnosis);
}

/** Reading the signals must not throw either: a throwing getter reads as absent, not as a lost diagnosis. */
function checkSignals(value: unknown): void {
  assert.doesNotThrow(() => signalsFromThrown(value));
}

const KEYS = [
  "message",
  "name",
  "code",
  "statusCode",
  "status",
  "response",
  "request",
  "details",
  "cause",
  "headers",
  "url",
  "method",
  "bodyAsText",
  "error",
  "get",
  "has",
  "stack",
];

/** Objects that mimic errors, requests and responses with fields of any type, nested. */
const errorLike = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.anything({ maxDepth: 2 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 6 }),
  ),
})).node;

const NODE_CODES = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "REQUEST_SEND_ERROR",
];
const code = fc.oneof(
  fc.constantFrom(...NODE_CODES),
  fc.string({ maxLength: 300 }),
  fc.constant(""),
  fc.integer(),
  fc.constant(undefined),
);
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ maxLength: 200, unit: "binary" }),
  fc.constantFrom(
    "socket hang up",
    "Authorization failed.",
    "reading 'error'",
    "Unexpected status code: 403",
  ),
);

const urls = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    "https://x.search.windows.net/indexes('hotels')/docs/$count?api-version=2025-09-01",
    "not a url",
    "",
    "https://%zz/",
  ),
  fc.string(),
);
const headerRecord = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "api-key",
      "authorization",
      "content-type",
      "request-id",
      "x-ms-request-id",
      "www-authenticate",
    ),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  ),
  fc.string({ maxLength: 100 }).map((value) => value.replace(/[\r\n\0]/g, " ")),
  { maxKeys: 5 },
);
const body = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({ error: fc.record({ code: text, message: text }, { requiredKeys: [] }) })
    .map((value) => JSON.stringify(value)),
  fc.constant(""),
);

describe("property: diagnose() never throws and returns a valid diagnosis or undefined", () => {
  it("on arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withNullPrototype: true,
        }),
        (value) => {
          checkDiagnose(value);
          checkSignals(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on random error-like objects, nested", () => {
    fc.assert(
      fc.property(errorLike, (value) => {
        checkDiagnose(value);
        checkSignals(value);
      }),
      { numRuns: 300 },
    );
  });

  it("on errors with random codes, names and messages", () => {
    fc.assert(
      fc.property(
        text,
        code,
        fc.option(fc.string({ maxLength: 40 })),
        fc.option(fc.integer({ min: -1, max: 999 })),
        (message, errorCode, name, statusCode) => {
          const error = Object.assign(new Error(message), {
            code: errorCode,
            statusCode: statusCode ?? undefined,
          });
          if (name !== null) error.name = name;
          checkDiagnose(error);
          checkSignals(error);
          const restError = new RestError(message, {
            code: typeof errorCode === "string" ? errorCode : undefined,
            statusCode: statusCode ?? undefined,
          });
          checkDiagnose(restError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on RestErrors with random requests, responses, bodies and headers", () => {
    fc.assert(
      fc.property(
        urls,
        fc.constantFrom("GET", "PUT", "POST", "DELETE", "HEAD", "PATCH") as fc.Arbitrary<"GET">,
        headerRecord,
        fc.integer({ min: 100, max: 599 }),
        headerRecord,
        body,
        text,
        (url, method, requestHeaders, status, responseHeaders, bodyAsText, message) => {
          const request = createPipelineRequest({ url, method, headers: createHttpHeaders(requestHeaders) });
          const response: PipelineResponse = {
            status,
            request,
            headers: createHttpHeaders(responseHeaders),
            bodyAsText,
          };
          checkDiagnose(new RestError(message, { statusCode: status, request, response }));
          checkDiagnose(new RestError(message, { code: "ECONNRESET", request }));
          checkSignals(new RestError(message, { statusCode: status, request, response }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on circular structures", () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 100, max: 599 }),
        fc.constantFrom(...KEYS),
        (message, status, key) => {
          const error = Object.assign(new Error(message) as Error & Record<string, unknown>, {
            statusCode: status,
          });
          error.cause = error;
          error.details = { error };
          error[key] = error;
          const response: Record<string, unknown> = {
            status,
            headers: { get: () => undefined },
            bodyAsText: message,
          };
          response.request = response;
          response.headers = response;
          error.response = key === "response" ? error : response;
          checkDiagnose(error);
          checkSignals(error);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("on getters and proxies that throw", () => {
    const throwing = (keys: readonly string[], thrown: unknown): object => {
      const target = new Error("boom");
      for (const key of keys) {
        Object.defineProperty(target, key, {
          get() {
            throw thrown;
          },
        });
      }
      return target;
    };
    const hostile = (thrown: unknown): object =>
      new Proxy(
        {},
        {
          get() {
            throw thrown;
          },
          has() {
            throw thrown;
          },
          getPrototypeOf() {
            throw thrown;
          },
          ownKeys() {
            throw thrown;
          },
        },
      );
    fc.assert(
      fc.property(
        fc.subarray(KEYS, { minLength: 1 }),
        fc.anything({ maxDepth: 1 }),
        fc.boolean(),
        (keys, thrown, nested) => {
          const value = throwing(keys, thrown);
          checkDiagnose(value);
          checkSignals(value);
          checkDiagnose(hostile(thrown));
          checkSignals(hostile(thrown));
          if (nested) {
            // A response and request whose headers have throwing methods, as a broken wrapper might give.
            const headers = {
              get: () => {
                throw thrown;
              },
              has: () => {
                throw thrown;
              },
            };
            const request = { url: "https://x.search.windows.net/indexes", method: "GET", headers };
            const error = Object.assign(new Error("nested"), {
              request,
              response: { status: 403, headers, request, bodyAsText: "" },
            });
            checkDiagnose(error);
            checkSignals(error);
            const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
              code: "ECONNREFUSED",
              request,
            });
            assert.equal(
              diagnose(refused)?.cause,
              "connectionRefused",
              "a broken request does not hide the error's own code",
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
