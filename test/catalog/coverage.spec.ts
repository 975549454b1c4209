import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { catalog } from "../../src/catalog/index.js";
import { anyOf, mentions } from "../../src/catalog/match.js";
import { blankSignals } from "../../src/signals/read.js";
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
  /** Every phrase of a `mentions(s, ...)`, `serviceSays(s, ...)` or `anyOf(...)` in the catalog's sources. */
  const phrases = (): string[] => {
    const root = path.resolve(import.meta.dirname, "../../src/catalog");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(".ts"),
    );
    const calls = /\b(?:mentions\(\s*s\s*,|serviceSays\(\s*s\s*,|anyOf\()((?:\s*"[^"]*"\s*,?)+)\s*\)/g;
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

describe("catalog: anyOf(), phrases looked for with one search", () => {
  const said = (message: string) => ({ ...blankSignals(), message });

  it("finds any one of its phrases, without regard to case, and nothing else", () => {
    const phrases = anyOf("wrong version number", "packet length too long");
    assert.ok(
      mentions(said("write EPROTO ...:SSL routines::WRONG_VERSION_NUMBER wrong Version number"), phrases),
    );
    assert.ok(mentions(said("ssl3_get_record:packet length too long"), phrases));
    assert.ok(!mentions(said("wrong version"), phrases));
    assert.ok(!mentions(said(""), phrases));
  });

  it("reads each phrase literally: the characters regular expressions give a meaning to match only themselves", () => {
    const phrases = anyOf("the index '", "a.c (d)", "x|y", "[z]*", "^$\\");
    assert.ok(mentions(said("The index 'hotels' was not found."), phrases));
    assert.ok(mentions(said("see a.c (d) here"), phrases));
    assert.ok(!mentions(said("abc d"), phrases));
    assert.ok(!mentions(said("x"), phrases), "not an alternation of its own");
    assert.ok(mentions(said("x|y"), phrases));
    assert.ok(!mentions(said("zzz"), phrases));
    assert.ok(mentions(said("[z]*"), phrases));
    assert.ok(mentions(said("^$\\"), phrases));
  });

  it("refuses a phrase that is empty or not lower case, which could never be found or would match everything", () => {
    assert.throws(() => anyOf("Wrong version number"), /not a lower-case phrase/);
    assert.throws(() => anyOf("a", ""), /not a lower-case phrase/);
  });
});
