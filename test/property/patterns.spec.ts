import assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { boundedCaptures, excerpt } from "../../src/catalog/match.js";
import { oneLine } from "../../src/diagnose.js";
import { parseServiceError } from "../../src/signals/envelope.js";
import { needsFullScan } from "../../src/redaction/text.js";
import { operationOf } from "../../src/signals/operation.js";
import { signalsFromResponse } from "../../src/signals/response.js";

/** The bounded patterns the catalog reads details with, and one of each kind of bound. */
const PATTERNS = [
  /\bAction: '([^']{1,200})'/,
  /perform action '([^']{1,200})' over scope '([^']{1,400})'/,
  /namespace '([A-Za-z0-9.]{1,100})'/,
  /"policyAssignment":\{"name":"([^"]{1,120})"/,
  /\bkey="([^"]{1,3})"/i,
  /a '([^']{1,2})' b '([^']{1,4})'/,
];

/** Texts made of the patterns' own words, quotes and runs on either side of each bound. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "Action: '",
        " Action: '",
        "xAction: '",
        "perform action '",
        "' over scope '",
        "namespace '",
        '"policyAssignment":{"name":"',
        ' KEY="',
        "a '",
        "' b '",
        "'",
        '"',
        ".",
        " ",
        "\n",
      ),
      fc.nat({ max: 402 }).map((length) => "x".repeat(length)),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(""));

describe("patterns the hot path runs in a cheaper form (property)", () => {
  it("boundedCaptures finds what the bounded pattern finds: the same match, at the same place, with the same captures", () => {
    for (const pattern of PATTERNS) {
      const fast = boundedCaptures(pattern);
      fc.assert(
        fc.property(text, (input) => {
          const expected = pattern.exec(input);
          const found = fast.exec(input);
          assert.deepEqual(
            found && [...found],
            expected && [...expected],
            `${pattern} on ${JSON.stringify(input)}`,
          );
          assert.equal(found?.index, expected?.index);
        }),
        { numRuns: 400 },
      );
    }
  });

  it("boundedCaptures refuses a pattern whose bounds are not whole captures of a class's run", () => {
    for (const pattern of [/a{1,3}/, /x([^']{1,3}y)/, /([^']{1,3})(b)/, /([^']{1,3})/g, /(?:[^']{1,3})/]) {
      assert.throws(() => boundedCaptures(pattern), TypeError, String(pattern));
    }
  });

  it("boundedCaptures falls back to the bounded pattern when the first unbounded match is too long", () => {
    const fast = boundedCaptures(/a '([^']{1,2})' b '([^']{1,4})'/);
    const input = "a 'xxx' b 'y' then a 'xx' b 'yyyy'";
    assert.deepEqual([...fast.exec(input)!], ["a 'xx' b 'yyyy'", "xx", "yyyy"]);
    assert.equal(fast.exec("a 'xxx' b 'y'"), null);
  });

  it("reads a service's envelope as JSON.parse does whatever follows the message (details, inner error, blanks)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 80 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        fc.option(fc.array(fc.record({ code: fc.string({ maxLength: 20 }) }), { maxLength: 2 }), {
          nil: undefined,
        }),
        fc.constantFrom("", " ", "\n", "\r\n  "),
        (code, message, inner, details, trailing) => {
          const error = {
            code,
            message,
            ...(inner === undefined ? {} : { innererror: { code: inner } }),
            ...(details === undefined ? {} : { details }),
          };
          const read = parseServiceError(JSON.stringify({ error }) + trailing);
          assert.equal(read.code, code);
          assert.equal(read.message, message);
          const expectedInner = inner || details?.[0]?.code || undefined;
          assert.equal(read.innerCode, expectedInner);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads Storage's AuthenticationErrorDetail as the bounded pattern does, cut at 1,024 characters", () => {
    const request = createPipelineRequest({ url: "https://acct.blob.core.windows.net/c/b" });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("<AuthenticationErrorDetail>", "</AuthenticationErrorDetail>", "<", ">", " "),
            fc.nat({ max: 1100 }).map((length) => "s".repeat(length)),
          ),
          { maxLength: 6 },
        ),
        (parts) => {
          const body = `<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code>${parts.join("")}</Error>`;
          const response: PipelineResponse = {
            status: 403,
            request,
            bodyAsText: body,
            headers: createHttpHeaders({ "x-ms-request-id": "r1" }),
          };
          const expected = /<AuthenticationErrorDetail>([^<]{1,1024})/.exec(body.slice(0, 4096))?.[1];
          assert.equal(signalsFromResponse(request, response).authenticationDetail, expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("takes a text for a full scan for a JWT's eyJ, not for any capital J", () => {
    assert.equal(needsFullScan("Start [Mon, 01 Jan 2024 00:00:00 GMT]: Invalid JSON"), false);
    assert.equal(needsFullScan("token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"), true);
    for (const rare of ["a=b", "<x>", "a@b", "a\\b", "a\r", "a\n", "100%3D"]) {
      assert.equal(needsFullScan(rare), true, rare);
    }
    assert.equal(needsFullScan("100% done"), false);
  });

  it("a detail is made one tidy line as the two searches for a control character and two spaces made it", () => {
    // eslint-disable-next-line no-control-regex -- control characters are what it finds
    const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
    const before = (text: string): string => {
      const untidy = control.test(text) || text.includes("  ");
      const line = (untidy ? text.replace(controls, " ").replace(/ {2,}/g, " ") : text).trim();
      return line.length > 300 ? `${line.slice(0, 297)}...` : line;
    };
    const unit = fc.constantFrom(
      "a",
      "word",
      " ",
      "  ",
      "\t",
      "\n",
      "\r\n",
      "\u0000",
      "\u007f",
      "\u0085",
      "\u009f",
      "\u00a0",
      "\u2028",
      "\u2029",
      "\u3000",
      "\ud83d\ude00",
    );
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 40 }).map((parts) => parts.join("")),
        (text) => {
          assert.equal(oneLine(text), before(text));
        },
      ),
      { numRuns: 3000 },
    );
    assert.equal(oneLine(`${"x ".repeat(200)}`), before(`${"x ".repeat(200)}`));
  });

  it("a Search path is a document write as /\\/docs\\/(search\\.)?index$/i reads it, whatever its case", () => {
    const write = /\/docs\/(search\.)?index$/i;
    const unit = fc.constantFrom(
      "/indexes('h')",
      "/docs",
      "/DOCS",
      "/Docs",
      "/index",
      "/INDEX",
      "/search.index",
      "/Search.Index",
      "/search",
      ".index",
      "x",
      "\u212a",
      "\u0130",
    );
    fc.assert(
      fc.property(
        fc.array(unit, { minLength: 1, maxLength: 6 }).map((parts) => `/indexes('h')${parts.join("")}`),
        (path) => {
          const operation = operationOf(path);
          if (operation === "documentWrite" || operation === "documentRead") {
            assert.equal(operation === "documentWrite", write.test(path), path);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("excerpt gives the first line, trimmed, as splitting on line breaks did", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom("a", " ", "\r", "\n", "\r\n", "\t", "word"), { maxLength: 20 })
          .map((p) => p.join("")),
        fc.integer({ min: 1, max: 12 }),
        (input, limit) => {
          const line = (input.trim().split(/\r?\n/)[0] ?? "").trim();
          assert.equal(excerpt(input, limit), line.length > limit ? `${line.slice(0, limit)}...` : line);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
