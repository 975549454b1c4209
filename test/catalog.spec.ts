import assert from "node:assert/strict";
import { catalog } from "../src/index.js";
import { classify } from "../src/diagnose.js";
import type { DiagnosisRule, FailureSignals } from "../src/types.js";
import { DOCUMENTED_CATEGORIES } from "./support/vocabulary.js";

/** Every cause id issue 2 names: a contract with users who match on them. */
const ISSUE_CAUSES = [
  "invalidApiKey",
  "queryKeyForAdminOperation",
  "httpNotHttps",
  "keyVaultAccessDenied",
  "keyVaultUriUnresolved",
  "keyVaultKeyNotFound",
  "managedIdentityNotDefined",
  "applicationIdInvalid",
  "applicationSecretInvalid",
  "encryptionKeyRevoked",
  "tlsVersionUnsupported",
  "tlsUntrustedCertificate",
  "tlsCertificateExpired",
  "tlsCertificateNotYetValid",
  "tlsHostnameMismatch",
  "endpointNotTls",
  "connectionRefused",
  "connectionReset",
  "dnsNotFound",
  "dnsTemporaryFailure",
  "connectTimeout",
  "proxyAuthenticationRequired",
  "missingRoleAssignment",
  "rbacNotEnabled",
  "credentialUnavailable",
  "indexNotFound",
  "semanticQuotaExceeded",
  "semanticNotEnabled",
  "requestTooLarge",
  "quotaExceeded",
  "throttled",
  "preconditionFailed",
  "invalidApiVersion",
  "gatewayError",
];

const CATEGORIES = DOCUMENTED_CATEGORIES;

/** A full sentence: a capital (or a quoted command) first, a full stop last. */
const SENTENCE = /^[A-Z`@].*[.]$/s;

describe("catalog", () => {
  it("has a unique, camelCase cause id per entry", () => {
    const ids = catalog.map((rule) => rule.cause);
    assert.equal(
      new Set(ids).size,
      ids.length,
      `duplicates: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(", ")}`,
    );
    for (const id of ids) assert.match(id, /^[a-z][A-Za-z0-9]+$/);
  });

  it("holds every cause id named in issue 2", () => {
    const ids = new Set<string>(catalog.map((rule) => rule.cause));
    assert.deepEqual(
      ISSUE_CAUSES.filter((id) => !ids.has(id)),
      [],
    );
  });

  it("cannot be changed by a user, nor can what its entries share with every diagnosis", () => {
    assert.ok(Object.isFrozen(catalog));
    assert.throws(() => (catalog as unknown[]).push({}));
    for (const rule of catalog) {
      assert.ok(Object.isFrozen(rule), rule.cause);
      assert.ok(Object.isFrozen(rule.remediation), rule.cause);
      assert.ok(Object.isFrozen(rule.docs), rule.cause);
    }
  });

  for (const rule of catalog) {
    describe(rule.cause, () => {
      it("has a known category and a signal", () => {
        assert.ok(CATEGORIES.includes(rule.category), rule.category);
        assert.ok(rule.signal.trim().length > 0);
      });

      it("has a one-sentence summary", () => {
        assert.match(rule.summary, SENTENCE);
        assert.doesNotMatch(rule.summary.slice(0, -1), /[.!?]\s+[A-Z]/, "one sentence");
      });

      it("has remediation steps that are full sentences", () => {
        assert.ok(rule.remediation.length > 0);
        for (const step of rule.remediation) assert.match(step, SENTENCE);
      });

      it("has at least one https documentation link", () => {
        assert.ok(rule.docs.length > 0);
        for (const link of rule.docs) {
          const url = new URL(link);
          assert.equal(url.protocol, "https:", link);
        }
      });

      it("never recommends turning certificate checks off", () => {
        for (const step of rule.remediation) {
          if (step.includes("NODE_TLS_REJECT_UNAUTHORIZED=0")) assert.match(step, /^Do not /);
        }
      });
    });
  }

  it("explains nothing from empty signals", () => {
    const empty: FailureSignals = { message: "", body: "", fromAzure: false, bearerChallenge: false };
    assert.equal(classify(empty), undefined);
  });

  it("tells TLS-inspecting proxies and the running Node's trust-store fix for untrusted certificates", () => {
    const rule = catalog.find((r) => r.cause === "tlsUntrustedCertificate");
    assert.match(rule?.summary ?? "", /TLS-inspecting proxy/);
    const steps = rule?.remediation.join("\n") ?? "";
    assert.match(steps, /NODE_EXTRA_CA_CERTS/);
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    if (major > 24 || (major === 24 && minor >= 6)) assert.match(steps, /NODE_USE_SYSTEM_CA=1/);
  });

  it("walks the user through an inferred empty 403", () => {
    for (const cause of ["invalidApiKey", "queryKeyForAdminOperation", "ipFirewallBlocked"]) {
      const rule = catalog.find((r) => r.cause === cause);
      assert.equal(rule?.confidence, "inferred", cause);
      assert.ok((rule?.remediation.length ?? 0) >= 2, cause);
    }
  });

  describe("services: a rule is tried only for the services it names", () => {
    const rule = (cause: string, services?: DiagnosisRule["services"]): DiagnosisRule => ({
      cause,
      category: "request",
      signal: "test",
      summary: "A test rule.",
      remediation: ["Nothing to do."],
      docs: ["https://example.com/"],
      services,
      match: () => true,
    });
    const failure = (service?: FailureSignals["service"]): FailureSignals => ({
      status: 403,
      service,
      message: "",
      body: "",
      fromAzure: true,
      bearerChallenge: false,
    });
    const rules = [
      rule("storageOnly", ["storage"]),
      rule("searchOrVault", ["search", "keyVault"]),
      rule("any"),
    ];

    it("skips a rule whose services do not hold the failure's service", () => {
      assert.equal(classify(failure("storage"), rules)?.cause, "storageOnly");
      assert.equal(classify(failure("keyVault"), rules)?.cause, "searchOrVault");
      assert.equal(classify(failure("appConfiguration"), rules)?.cause, "any");
    });

    it("tries no service's rule on a failure whose service is unknown", () => {
      assert.equal(classify(failure(undefined), rules)?.cause, "any");
    });

    it("speaks for one service in each service's entries, named after it, and for every client elsewhere", () => {
      const prefixes: Record<string, string> = {
        storage: "storage",
        keyVault: "keyVault",
        appConfiguration: "appConfig",
        resourceManager: "arm",
        entraId: "entra",
      };
      for (const entry of catalog) {
        if (!entry.services) continue;
        assert.equal(entry.services.length, 1, entry.cause);
        const prefix = prefixes[entry.services[0]!];
        if (prefix)
          assert.ok(entry.cause.startsWith(prefix), `${entry.cause} speaks for ${entry.services[0]}`);
        else assert.deepEqual(entry.services, ["search"], entry.cause);
      }
      const everyClient = catalog.filter((entry) => !entry.services).map((entry) => entry.cause);
      for (const cause of [
        "tlsUntrustedCertificate",
        "connectionRefused",
        "credentialUnavailable",
        "gatewayError",
      ]) {
        assert.ok(everyClient.includes(cause as (typeof everyClient)[number]), cause);
      }
    });

    it("writes no Azure AI Search advice into the causes every client can meet, nor into another service's", () => {
      for (const entry of catalog.filter((e) => !e.services?.includes("search"))) {
        const text = [entry.summary, ...entry.remediation].join(" ");
        assert.doesNotMatch(text, /AI Search|search\.windows\.net|index(es)?\b/, entry.cause);
        for (const link of entry.docs)
          assert.doesNotMatch(link, /\/azure\/search\/|searchservice/, entry.cause);
      }
    });
  });

  describe("statuses: a rule is tried only for the failures it names", () => {
    const rule = (cause: string, statuses?: readonly (number | null)[]): DiagnosisRule => ({
      cause,
      category: "request",
      signal: "test",
      summary: "A test rule.",
      remediation: ["Nothing to do."],
      docs: ["https://example.com/"],
      statuses,
      match: () => true,
    });
    const failure = (status?: number): FailureSignals => ({
      status,
      message: "",
      body: "",
      fromAzure: true,
      bearerChallenge: false,
    });
    const rules = [rule("teapotOnly", [418]), rule("thrownOnly", [null]), rule("anyFailure")];

    it("skips a rule whose statuses do not hold the failure's status", () => {
      assert.equal(classify(failure(418), rules)?.cause, "teapotOnly");
      assert.equal(classify(failure(500), rules)?.cause, "anyFailure");
    });

    it("keeps null for failures without a status", () => {
      assert.equal(classify(failure(), rules)?.cause, "thrownOnly");
    });

    it("keeps the order of the rules among those that may fit", () => {
      const reordered = [rule("anyFailure"), rule("teapotOnly", [418])];
      assert.equal(classify(failure(418), reordered)?.cause, "anyFailure");
    });

    it("gives every built-in rule with statuses a status it can explain", () => {
      for (const entry of catalog.filter((r) => r.statuses !== undefined)) {
        assert.ok((entry.statuses?.length ?? 0) > 0, entry.cause);
      }
    });
  });
});
