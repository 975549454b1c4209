/**
 * The real SecretClient with diagnosisPolicy at every position a user can choose, against the Key Vault
 * stand-in: the same requests on the wire (the challenge answered, retries made), the same values and
 * errors as without it, and a diagnosis for each failure through diagnose(error).
 */
import assert from "node:assert/strict";
import type { Pipeline, PipelinePolicy } from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import {
  addDiagnosisPolicy,
  diagnose,
  diagnosisPolicy,
  type CauseId,
  type Diagnosis,
} from "../../src/index.js";
import {
  GATEWAY_EMPTY_SECRET,
  KEY_VAULT_CLIENT_ADDRESS,
  SEEDED_SECRET,
  SOFT_DELETED_SECRET,
  startKeyVault,
  type KeyVaultStandIn,
} from "../../standin/keyVault.js";
import { useTrustedRoot } from "../support/trust.js";
import { fixedTokenCredential } from "./observe.js";
import {
  assertCausesDiagnosed,
  assertFailedAsExpected,
  assertNoSecretIn,
  outcomeOf,
  runSteps,
  textsOf,
  useLogCapture,
  wireOf,
} from "./semantics.js";

type Position =
  | "none"
  | "perCall"
  | "perRetry"
  | "addPolicy (addDiagnosisPolicy)"
  | "addPolicy before keyVaultAuthenticationPolicy";
const POSITIONS: readonly Position[] = [
  "perCall",
  "perRetry",
  "addPolicy (addDiagnosisPolicy)",
  "addPolicy before keyVaultAuthenticationPolicy",
];

/** The fields of a Key Vault error its callers read: the inner code, renamed by the client. */
const keyVaultFields = (error: Record<string, unknown>) => {
  const details = error.details as
    { error?: Record<string, unknown> & { innerError?: { code?: unknown } } } | undefined;
  return {
    detailsCode: details?.error?.code,
    innerErrorCode: details?.error?.innerError?.code,
    rawInnererror: details?.error !== undefined && "innererror" in details.error,
    detailsMessage: details?.error?.message,
    responseStatus: (error.response as { status?: unknown } | undefined)?.status,
    hasRequest: "request" in error,
  };
};

/** One call of the scenario, and the cause its failure gets. */
interface Step {
  name: string;
  call: (client: SecretClient, run: string) => Promise<unknown>;
  cause?: CauseId;
}

const STEPS: readonly Step[] = [
  { name: "get", call: async (c) => (await c.getSecret(SEEDED_SECRET.name)).value },
  { name: "set then get", call: async (c, run) => (await c.setSecret(`new-${run}`, "v")).name },
  { name: "rbac-denied", call: (c) => c.getSecret("rbac-denied"), cause: "keyVaultRbacDenied" },
  { name: "access-denied", call: (c) => c.getSecret("access-denied"), cause: "keyVaultAccessPolicyDenied" },
  {
    name: "firewall-blocked",
    call: (c) => c.getSecret("firewall-blocked"),
    cause: "keyVaultFirewallBlocked",
  },
  { name: "wrong-tenant", call: (c) => c.getSecret("wrong-tenant"), cause: "keyVaultWrongTenant" },
  { name: "disabled-secret", call: (c) => c.getSecret("disabled-secret"), cause: "keyVaultObjectDisabled" },
  { name: "obo-required", call: (c) => c.getSecret("obo-required"), cause: "keyVaultForbiddenByPolicy" },
  { name: "audience-invalid", call: (c) => c.getSecret("audience-invalid"), cause: "keyVaultTokenInvalid" },
  { name: "throttled", call: (c) => c.getSecret("throttled"), cause: "keyVaultThrottled" },
  { name: "absent", call: (c) => c.getSecret("absent"), cause: "keyVaultObjectNotFound" },
  {
    name: "set a soft-deleted name",
    call: (c) => c.setSecret(SOFT_DELETED_SECRET, "v"),
    cause: "keyVaultDeletedButRecoverable",
  },
  {
    name: "empty-bodied 502",
    call: (c) => c.getSecret(GATEWAY_EMPTY_SECRET),
    cause: "keyVaultEmptyErrorResponse",
  },
  {
    name: "delete and poll (404s read as 'not yet')",
    call: async (c, run) => {
      await c.setSecret(`to-delete-${run}`, "v");
      const poller = await c.beginDeleteSecret(`to-delete-${run}`, { intervalInMs: 1 });
      return (await poller.pollUntilDone()).name;
    },
  },
];

describe("@azure/keyvault-secrets with diagnosisPolicy at every position", function () {
  const root = useTrustedRoot("Key Vault Policy Test Root");
  const logs = useLogCapture();
  let vault: KeyVaultStandIn;
  const token = fixedTokenCredential("https://vault.azure.net");
  const pipelineOf = (client: SecretClient): Pipeline =>
    (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline;

  before(async () => {
    vault = root.keep(await startKeyVault({ authority: root.ca, trust: false, retryAfterSeconds: 0 }));
  });

  function clientAt(
    position: Position,
    reports: Diagnosis[],
    extra: { disableChallengeResourceVerification?: boolean; maxRetries?: number } = {},
  ) {
    const policy: PipelinePolicy = diagnosisPolicy({ onDiagnosis: (diagnosis) => reports.push(diagnosis) });
    const client = new SecretClient(vault.endpoint, token, {
      disableChallengeResourceVerification: extra.disableChallengeResourceVerification ?? true,
      retryOptions: { maxRetries: extra.maxRetries ?? 0 },
      additionalPolicies: position === "perCall" || position === "perRetry" ? [{ policy, position }] : [],
    });
    if (position === "addPolicy (addDiagnosisPolicy)") {
      assert.equal(addDiagnosisPolicy(client, { onDiagnosis: (diagnosis) => reports.push(diagnosis) }), true);
      assert.equal(addDiagnosisPolicy(client), false, "added once");
    }
    if (position === "addPolicy before keyVaultAuthenticationPolicy")
      pipelineOf(client).addPolicy(policy, { beforePolicies: ["keyVaultAuthenticationPolicy"] });
    return client;
  }

  async function run(position: Position, index: number) {
    const reports: Diagnosis[] = [];
    const steps = await runSteps(STEPS, clientAt(position, reports), `r${index}`, keyVaultFields, [
      vault.requests,
    ]);
    return { ...steps, reports };
  }

  let without: Awaited<ReturnType<typeof run>>;
  before(async () => {
    without = await run("none", 0);
  });

  it("without the policy, fails where the stand-in says and answers the challenge first", () => {
    assertFailedAsExpected(STEPS, without);
    assert.deepEqual(without.wire.slice(0, 2), [
      `GET /secrets/${SEEDED_SECRET.name}/?api-version anonymous`,
      `GET /secrets/${SEEDED_SECRET.name}/?api-version auth`,
    ]);
  });

  POSITIONS.forEach((position, index) => {
    describe(position, () => {
      let withPolicy: Awaited<ReturnType<typeof run>>;
      before(async () => {
        withPolicy = await run(position, index + 1);
      });

      it("sends the same requests, returns the same values and throws the same errors, message included", () => {
        assert.deepEqual(withPolicy.wire, without.wire);
        assert.deepEqual(withPolicy.outcomes, without.outcomes);
      });

      it("retries a throttled request as often as without it, and throws the same error", async () => {
        const retried = async (at: Position) => {
          const before = vault.requests.length;
          const { outcome } = await outcomeOf(
            () => clientAt(at, [], { maxRetries: 2 }).getSecret("throttled"),
            keyVaultFields,
          );
          return { outcome, wire: wireOf(vault.requests.slice(before)) };
        };
        const expected = await retried("none");
        assert.equal(expected.wire.length, 4, "the challenge, then three attempts");
        assert.deepEqual(await retried(position), expected);
      });

      it("gives each failure its Key Vault cause through diagnose(error)", () => {
        assertCausesDiagnosed(STEPS, withPolicy);
      });

      it("reports no challenge and no 404 a poller reads as 'not yet', and every other failure", () => {
        for (const report of withPolicy.reports) {
          assert.notEqual(report.evidence.status, 404, "a 404 is a client's answer: verbose only");
          assert.ok(
            !(report.evidence.status === 401 && report.evidence.credential === "none"),
            "the challenge",
          );
        }
        const reported = new Set(withPolicy.reports.map((report) => report.cause));
        for (const step of STEPS) {
          if (
            step.cause &&
            step.cause !== "keyVaultObjectNotFound" &&
            step.cause !== "keyVaultEmptyErrorResponse"
          )
            assert.ok(reported.has(step.cause), `${step.cause} reported`);
        }
      });
    });
  });

  it("puts the client address Key Vault reported, and only it, in the firewall diagnosis", async () => {
    const error = (await outcomeOf(() => clientAt("perCall", []).getSecret("firewall-blocked"))).thrown;
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.detail, `Key Vault saw this client at ${KEY_VAULT_CLIENT_ADDRESS}.`);
    assert.equal(diagnosis?.evidence.service, "keyVault");
    assert.equal(diagnosis?.evidence.credential, "bearer");
  });

  it("without the policy, diagnose() reads the client's own error: inner code, and the address from its headers", async () => {
    const error = (await outcomeOf(() => clientAt("none", []).getSecret("firewall-blocked"))).thrown;
    const diagnosis = diagnose(error);
    assert.equal(diagnosis?.cause, "keyVaultFirewallBlocked");
    assert.equal(diagnosis?.detail, `Key Vault saw this client at ${KEY_VAULT_CLIENT_ADDRESS}.`);
    assert.equal(
      diagnose((await outcomeOf(() => clientAt("none", []).getSecret("rbac-denied"))).thrown)?.cause,
      "keyVaultRbacDenied",
    );
  });

  it("logs a failure at warning once, a 404 at verbose only, never the challenge, and no token anywhere", async () => {
    const client = clientAt("perRetry", []);
    const denied = (await outcomeOf(() => client.getSecret("rbac-denied"))).thrown;
    const absent = (await outcomeOf(() => client.getSecret("absent"))).thrown;
    assert.equal(logs.warnings().length, 1);
    assert.match(logs.warnings()[0]!, /keyVaultRbacDenied/);
    assert.equal(logs.verbose().filter((line) => line.includes("keyVaultObjectNotFound")).length, 1);
    assert.ok(!logs.all.some((line) => line.includes("azure-sdk-doctor") && line.includes("status=401")));
    assertNoSecretIn(
      [...logs.all, ...textsOf(denied, diagnose(denied)), ...textsOf(absent, diagnose(absent))],
      [token.token],
    );
  });

  it("names the client's own challenge-resource error at perCall, where it passes the policy, and through diagnose() alone", async () => {
    const atPerCall = (
      await outcomeOf(() =>
        clientAt("perCall", [], { disableChallengeResourceVerification: false }).getSecret(
          SEEDED_SECRET.name,
        ),
      )
    ).thrown as Error;
    assert.equal(atPerCall.constructor, Error);
    assert.equal(diagnose(atPerCall)?.cause, "keyVaultChallengeMismatch");
    assert.match(
      atPerCall.message,
      /^The challenge resource 'vault\.azure\.net' does not match the requested domain\./,
    );
    assert.match(atPerCall.message, /\n\[azure-sdk-doctor\] keyVaultChallengeMismatch: /);
    const alone = (
      await outcomeOf(() =>
        clientAt("none", [], { disableChallengeResourceVerification: false }).getSecret(SEEDED_SECRET.name),
      )
    ).thrown as Error;
    assert.equal(diagnose(alone)?.cause, "keyVaultChallengeMismatch");
    assert.equal(diagnose(alone)?.evidence.service, "keyVault");
  });

  it("gives the empty-bodied TypeError a Key Vault cause from its stack, and an application's TypeError none", async () => {
    const error = (await outcomeOf(() => clientAt("none", []).getSecret(GATEWAY_EMPTY_SECRET)))
      .thrown as TypeError;
    assert.ok(error instanceof TypeError);
    assert.match(String(error.stack), /node_modules[\\/]@azure[\\/]keyvault-secrets[\\/]/);
    assert.equal(diagnose(error)?.cause, "keyVaultEmptyErrorResponse");
    // An application's own bug with the same message: `payload.result.error` on a payload without a result.
    const errorOf = (payload: { result?: { error?: unknown } }): unknown => payload.result!.error;
    const application = (await outcomeOf(async () => errorOf({}))).thrown;
    assert.ok(application instanceof TypeError);
    assert.match((application as Error).message, /reading 'error'/);
    assert.equal(diagnose(application), undefined);
  });
});
