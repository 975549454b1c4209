import assert from "node:assert/strict";
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
