/**
 * The real ResourceManagementClient (arm-resources 8) with diagnosisPolicy at every position, against
 * the Resource Manager stand-in: the same requests (retries of both kinds of 429 included), the same
 * results (checkExistence's true and false), the same errors, and a Resource Manager cause for each.
 */
import assert from "node:assert/strict";
import { ResourceManagementClient } from "@azure/arm-resources";
import { bearerTokenAuthenticationPolicyName } from "@azure/core-rest-pipeline";
import {
  addDiagnosisPolicy,
  diagnose,
  diagnosisPolicy,
  type CauseId,
  type Diagnosis,
} from "../../src/index.js";
import {
  ARM_SUBSCRIPTION,
  SEEDED_RESOURCE_GROUP,
  UNREGISTERED_NAMESPACE,
  startResourceManager,
  type ResourceManagerStandIn,
} from "../../standin/resourceManager.js";
import { useTrustedRoot } from "../support/trust.js";
import { fixedTokenCredential } from "./observe.js";
import {
  assertCausesDiagnosed,
  assertFailedAsExpected,
  outcomeOf,
  runSteps,
  useLogCapture,
  wireOf,
} from "./semantics.js";

type Position = "none" | "perCall" | "perRetry" | "addDiagnosisPolicy" | "addPolicy before the bearer policy";
const POSITIONS: readonly Position[] = [
  "perCall",
  "perRetry",
  "addDiagnosisPolicy",
  "addPolicy before the bearer policy",
];

const armFields = (error: Record<string, unknown>) => {
  const details = error.details as { error?: { code?: unknown; details?: { code?: unknown }[] } } | undefined;
  const response = error.response as
    { status?: unknown; headers?: { get(name: string): unknown } } | undefined;
  return {
    detailsCode: details?.error?.code,
    innerCode: details?.error?.details?.[0]?.code,
    responseStatus: response?.status,
    retryAfter: response?.headers?.get("retry-after"),
  };
};

const OTHER_SUBSCRIPTION = "00000000-0000-0000-0000-00000000dead";
const resourceId = (namespace: string, type: string) =>
  `/subscriptions/${ARM_SUBSCRIPTION}/resourceGroups/${SEEDED_RESOURCE_GROUP}/providers/${namespace}/${type}`;

interface Step {
  name: string;
  call: (
    clients: { arm: ResourceManagementClient; other: ResourceManagementClient },
    run: string,
  ) => Promise<unknown>;
  cause?: CauseId;
}

const STEPS: readonly Step[] = [
  {
    name: "get, checkExistence true and false, createOrUpdate",
    call: async ({ arm }, run) => [
      (await arm.resourceGroups.get(SEEDED_RESOURCE_GROUP)).location,
      await arm.resourceGroups.checkExistence(SEEDED_RESOURCE_GROUP),
      await arm.resourceGroups.checkExistence("absent-rg"),
      (await arm.resourceGroups.createOrUpdate(`new-${run}`, { location: "westus" })).name,
    ],
  },
  { name: "denied", call: ({ arm }) => arm.resourceGroups.get("denied"), cause: "armAuthorizationFailed" },
  {
    name: "wrong-tenant",
    call: ({ arm }) => arm.resourceGroups.get("wrong-tenant"),
    cause: "armWrongTenant",
  },
  {
    name: "expired-token",
    call: ({ arm }) => arm.resourceGroups.get("expired-token"),
    cause: "armTokenExpired",
  },
  {
    name: "wrong-audience",
    call: ({ arm }) => arm.resourceGroups.get("wrong-audience"),
    cause: "armWrongAudience",
  },
  {
    name: "policy-denied",
    call: ({ arm }) => arm.resourceGroups.createOrUpdate("policy-denied", { location: "westus" }),
    cause: "armDisallowedByPolicy",
  },
  { name: "throttled", call: ({ arm }) => arm.resourceGroups.get("throttled"), cause: "armThrottled" },
  { name: "busy", call: ({ arm }) => arm.resourceGroups.get("busy"), cause: "armOperationInProgress" },
  {
    name: "absent group",
    call: ({ arm }) => arm.resourceGroups.get("absent-rg"),
    cause: "armResourceGroupNotFound",
  },
  {
    name: "absent resource",
    call: ({ arm }) =>
      arm.resources.getById(resourceId("Microsoft.Storage", "storageAccounts/absent"), "2024-01-01"),
    cause: "armResourceNotFound",
  },
  {
    name: "unregistered provider",
    call: ({ arm }) => arm.resources.getById(resourceId(UNREGISTERED_NAMESPACE, "widgets/w1"), "2024-01-01"),
    cause: "armProviderNotRegistered",
  },
  {
    name: "another subscription",
    call: ({ other }) => other.resourceGroups.get(SEEDED_RESOURCE_GROUP),
    cause: "armSubscriptionNotFound",
  },
  {
    name: "another subscription, paged: the client's own message",
    call: async ({ other }) => {
      for await (const group of other.resourceGroups.list()) return group.name;
      return undefined;
    },
    cause: "armSubscriptionNotFound",
  },
  {
    name: "HEAD denied: no code, no body",
    call: ({ arm }) => arm.resourceGroups.checkExistence("denied"),
    cause: "unrecognizedServiceError",
  },
];

describe("@azure/arm-resources with diagnosisPolicy at every position", function () {
  const root = useTrustedRoot("Resource Manager Policy Test Root");
  const logs = useLogCapture();
  let arm: ResourceManagerStandIn;
  const token = fixedTokenCredential("https://management.azure.com");

  before(async () => {
    arm = root.keep(await startResourceManager({ authority: root.ca, trust: false, retryAfterSeconds: 0 }));
  });

  function clientAt(
    position: Position,
    reports: Diagnosis[],
    subscription = ARM_SUBSCRIPTION,
    maxRetries = 0,
  ) {
    const onDiagnosis = (diagnosis: Diagnosis) => reports.push(diagnosis);
    const policy = diagnosisPolicy({ onDiagnosis });
    const client = new ResourceManagementClient(token, subscription, {
      endpoint: arm.endpoint,
      retryOptions: { maxRetries, retryDelayInMs: 1 },
      additionalPolicies: position === "perCall" || position === "perRetry" ? [{ policy, position }] : [],
    });
    if (position === "addDiagnosisPolicy") assert.equal(addDiagnosisPolicy(client, { onDiagnosis }), true);
    if (position === "addPolicy before the bearer policy")
      client.pipeline.addPolicy(policy, { beforePolicies: [bearerTokenAuthenticationPolicyName] });
    return client;
  }

  async function run(position: Position, index: number) {
    const reports: Diagnosis[] = [];
    const clients = {
      arm: clientAt(position, reports),
      other: clientAt(position, reports, OTHER_SUBSCRIPTION),
    };
    const steps = await runSteps(STEPS, clients, `r${index}`, armFields, [arm.requests]);
    return { ...steps, reports };
  }

  let without: Awaited<ReturnType<typeof run>>;
  before(async () => {
    without = await run("none", 0);
  });

  it("without the policy, returns checkExistence's answers and fails where the stand-in says", () => {
    assert.deepEqual((without.outcomes[0] as { value: unknown }).value, [
      "eastus",
      { body: true },
      { body: false },
      "new-r",
    ]);
    assertFailedAsExpected(STEPS, without);
  });

  POSITIONS.forEach((position, index) => {
    describe(position, () => {
      let withPolicy: Awaited<ReturnType<typeof run>>;
      before(async () => {
        withPolicy = await run(position, index + 1);
      });

      it("sends the same requests, returns the same results and throws the same errors", () => {
        assert.deepEqual(withPolicy.wire, without.wire);
        assert.deepEqual(withPolicy.outcomes, without.outcomes);
      });

      it("gives each failure its Resource Manager cause through diagnose(error)", () => {
        assertCausesDiagnosed(STEPS, withPolicy);
      });

      it("retries both kinds of 429 as often as without it", async () => {
        for (const group of ["throttled", "busy"]) {
          const retried = async (at: Position) => {
            const before = arm.requests.length;
            const { outcome } = await outcomeOf(
              () => clientAt(at, [], ARM_SUBSCRIPTION, 2).resourceGroups.get(group),
              armFields,
            );
            return { outcome, wire: wireOf(arm.requests.slice(before)) };
          };
          const expected = await retried("none");
          assert.equal(expected.wire.length, 3);
          assert.deepEqual(await retried(position), expected, group);
        }
      });
    });
  });

  it("names the action, scope and refuser, the provider to register and the exhausted budget", async () => {
    const client = clientAt("perCall", []);
    const denied = diagnose((await outcomeOf(() => client.resourceGroups.get("denied"))).thrown);
    assert.equal(
      denied?.detail,
      `Missing action Microsoft.Resources/subscriptions/resourcegroups/read at scope /subscriptions/${ARM_SUBSCRIPTION}/resourcegroups/denied. Refused by the gateway (x-ms-failure-cause).`,
    );
    const unregistered = diagnose(
      (
        await outcomeOf(() =>
          client.resources.getById(resourceId(UNREGISTERED_NAMESPACE, "widgets/w1"), "2024-01-01"),
        )
      ).thrown,
    );
    assert.equal(unregistered?.detail, `Run: az provider register --namespace ${UNREGISTERED_NAMESPACE}`);
    const throttled = diagnose((await outcomeOf(() => client.resourceGroups.get("throttled"))).thrown);
    assert.equal(throttled?.detail, "No subscription-reads left. Retry after 0 s.");
    assert.equal(logs.warnings().length, 3);
  });

  it("without the policy, diagnose() reads the client's own error", async () => {
    const error = (await outcomeOf(() => clientAt("none", []).resourceGroups.get("wrong-tenant"))).thrown;
    assert.equal(diagnose(error)?.cause, "armWrongTenant");
    const busy = (await outcomeOf(() => clientAt("none", []).resourceGroups.get("busy"))).thrown;
    assert.equal(diagnose(busy)?.cause, "armOperationInProgress");
  });
});
