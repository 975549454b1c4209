import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { catalog } from "../../src/catalog/index.js";
import { coveredCauses } from "./tester.js";
import "./appConfiguration.spec.js";
import "./gateway.spec.js";
import "./http.spec.js";
import "./identity.spec.js";
import "./keyVault.spec.js";
import "./network.spec.js";
import "./neutral.spec.js";
import "./proxy.spec.js";
import "./resourceManager.spec.js";
import "./search.spec.js";
import "./storage.spec.js";
import "./tls.spec.js";

describe("catalog: every cause has its cases", () => {
  it("gives every cause cases it must fit and cases it must not, or names it a finding", () => {
    const covered = coveredCauses();
    const missing = catalog.map((rule) => rule.cause).filter((cause) => !covered.has(cause));
    assert.deepEqual(missing, [], "causes without a case table in test/catalog/");
    for (const rule of catalog) {
      const cases = covered.get(rule.cause);
      if (cases === "finding") {
        assert.equal(rule.match, undefined, `${rule.cause} is matched, so it needs cases, not a finding`);
      } else {
        assert.ok(rule.match, `${rule.cause} has no match: list it as a finding`);
        assert.ok((cases?.fits.length ?? 0) > 0, `${rule.cause} has no case it must fit`);
        assert.ok((cases?.doesNotFit.length ?? 0) > 0, `${rule.cause} has no case it must not fit`);
      }
    }
  });
});

describe("catalog: the phrases it looks for", () => {
  /** Every phrase of a `mentions(s, ...)` or `serviceSays(s, ...)` in the catalog's sources. */
  const phrases = (): string[] => {
    const root = path.resolve(import.meta.dirname, "../../src/catalog");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(".ts"),
    );
    const calls = /\b(?:mentions|serviceSays)\(\s*s\s*,((?:\s*"[^"]*"\s*,?)+)\s*\)/g;
    return files.flatMap((file) =>
      [...readFileSync(path.join(root, file), "utf8").matchAll(calls)].flatMap((call) =>
        [...call[1]!.matchAll(/"([^"]*)"/g)].map((phrase) => phrase[1]!),
      ),
    );
  };

  it("are lower-case printable ASCII on one line, as the failure's texts they are looked for in, lower-cased part by part", () => {
    const found = phrases();
    assert.ok(
      found.length >= 50,
      `only ${found.length} phrases found: has the way rules call mentions() changed?`,
    );
    for (const phrase of found) {
      assert.match(phrase, /^[\x20-\x7e]+$/, `${JSON.stringify(phrase)} is not printable ASCII`);
      assert.equal(phrase, phrase.toLowerCase(), `${JSON.stringify(phrase)} is not lower case`);
    }
  });
});
