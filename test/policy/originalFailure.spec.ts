import assert from "node:assert/strict";
import { isRestError } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { metrics, type Meter, type MeterProvider } from "@opentelemetry/api";
import {
  diagnose,
  recordDiagnosis,
  type Diagnosis,
  type DiagnosisPolicyOptions,
  type DiagnosisRule,
} from "../../src/index.js";
import { closedPort, startHttpServer, type TestServer } from "../../standin/servers.js";
import { failure, searchClient } from "../support/clients.js";

/**
 * Whatever user code or a log sink throws, the caller gets the original failure: its status, code and
 * request, through the real SearchClient on loopback. And no diagnosis can change another.
 */

/** Something thrown that cannot be turned into a string. */
const unprintable = (): object => ({
  toString() {
    throw new Error("toString refused");
  },
});

/** A proxy that throws on every read: the worst a callback can throw. */
const hostile = (): object =>
  new Proxy(
    {},
    {
      get() {
        throw new Error("read refused");
      },
    },
  );

/** A meter whose counter throws what cannot be printed, to stand for a broken metrics SDK. */
const throwingMeterProvider: MeterProvider = {
  getMeter: () =>
    ({
      createCounter: () => ({
        add() {
          throw unprintable();
        },
      }),
    }) as unknown as Meter,
};

describe("the original failure is never lost", () => {
  let server: TestServer;
  let previous: { log: typeof AzureLogger.log; level: ReturnType<typeof getLogLevel> };

  before(async () => {
    server = await startHttpServer((_req, res) => {
      res
        .writeHead(403, {
          "content-type": "application/json",
          "request-id": "00000000-0000-0000-0000-000000000403",
        })
        .end(JSON.stringify({ error: { code: "Forbidden", message: "Authorization failed." } }));
    });
  });
  after(async () => server.close());
  beforeEach(() => {
    previous = { log: AzureLogger.log, level: getLogLevel() };
  });
  afterEach(() => {
    AzureLogger.log = previous.log;
    setLogLevel(previous.level);
    metrics.disable();
  });

  const client = (policy: DiagnosisPolicyOptions) =>
    searchClient({ endpoint: `http://localhost:${server.port}`, allowInsecureConnection: true, policy });

  function assertOriginal403(error: unknown): void {
    assert.ok(isRestError(error), `the client's RestError, not ${typeof error}`);
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, "Forbidden");
    assert.match(String(error.request?.url), new RegExp(`^http://localhost:${server.port}/`));
    assert.ok(diagnose(error), "and its diagnosis");
  }

  const throwers: [string, () => unknown][] = [
    ["Object.create(null)", () => Object.create(null)],
    ["an object whose toString throws", unprintable],
    ["a proxy that throws on every read", hostile],
    ["undefined", () => undefined],
  ];

  for (const [what, thrown] of throwers) {
    it(`onDiagnosis throwing ${what}: the 403 with its status, code and request`, async () => {
      setLogLevel("verbose");
      const error = await failure(() =>
        client({
          onDiagnosis: () => {
            throw thrown();
          },
        }).getDocumentsCount(),
      );
      assertOriginal403(error);
    });

    it(`an AzureLogger.log sink throwing ${what}: the 403 with its status, code and request`, async () => {
      // At warning, the level that shows diagnoses, the line the sink refuses is the policy's own.
      setLogLevel("warning");
      AzureLogger.log = () => {
        throw thrown();
      };
      const error = await failure(() => client({}).getDocumentsCount());
      assertOriginal403(error);
    });
  }

  it("a metrics SDK that throws what cannot be printed: the 403, and recordDiagnosis() never throws", async () => {
    metrics.setGlobalMeterProvider(throwingMeterProvider);
    const error = await failure(() => client({}).getDocumentsCount());
    assertOriginal403(error);
    assert.doesNotThrow(() => recordDiagnosis(undefined, diagnose(error)!));
  });

  it("a thrown transport failure keeps its code and request when onDiagnosis throws", async () => {
    const port = await closedPort();
    const error = await failure(() =>
      searchClient({
        endpoint: `http://localhost:${port}`,
        allowInsecureConnection: true,
        policy: {
          onDiagnosis: () => {
            throw Object.create(null);
          },
        },
      }).getDocumentsCount(),
    );
    assert.ok(isRestError(error));
    assert.equal(error.code, "ECONNREFUSED");
    assert.ok(error.request);
    assert.equal(diagnose(error)?.cause, "connectionRefused");
  });

  it("a diagnosis's lists cannot change a later diagnosis, the catalog's or a rule of the user's", async () => {
    const remediation = ["Ask the platform team."];
    const rule: DiagnosisRule<"teamForbidden"> = {
      cause: "teamForbidden",
      category: "authorization",
      signal: "403",
      summary: "The team's gateway refused the call.",
      remediation,
      docs: ["https://example.com/team"],
      match: (signals) => (signals.status === 403 ? { alternatives: ["ipFirewallBlocked"] } : false),
    };
    const seen: Diagnosis[] = [];
    const both = [
      client({ onDiagnosis: (d) => void seen.push(d) }),
      client({ rules: [rule], onDiagnosis: (d) => void seen.push(d) }),
    ];
    for (const search of both) await failure(() => search.getDocumentsCount());
    for (const diagnosis of seen) {
      assert.throws(() => ((diagnosis.remediation as string[])[0] = "changed"), TypeError);
      assert.throws(() => (diagnosis.docs as string[]).push("https://changed"), TypeError);
      assert.throws(() => (diagnosis.alternatives as string[]).push("changed"), TypeError);
    }
    assert.equal(remediation[0], "Ask the platform team.", "the user's own list is left as it was");
    const again: Diagnosis[] = [];
    for (const search of [
      client({ onDiagnosis: (d) => void again.push(d) }),
      client({ rules: [rule], onDiagnosis: (d) => void again.push(d) }),
    ]) {
      await failure(() => search.getDocumentsCount());
    }
    assert.deepEqual(
      again.map((d) => [d.remediation, d.docs, d.alternatives]),
      seen.map((d) => [d.remediation, d.docs, d.alternatives]),
    );
  });
});
