/**
 * The real Storage clients with diagnosisPolicy, added once to their shared pipeline with
 * addDiagnosisPolicy() or at the other positions a user can choose, against the Storage stand-in: the
 * same requests, the same results of exists(), createIfNotExists() and deleteIfExists(), the same
 * errors with the fields the clients' own code reads, and a Storage cause for each failure.
 */
import assert from "node:assert/strict";
import type { Pipeline } from "@azure/core-rest-pipeline";
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type ContainerClient,
} from "@azure/storage-blob";
import {
  QueueServiceClient,
  StorageSharedKeyCredential as QueueSharedKeyCredential,
} from "@azure/storage-queue";
import {
  addDiagnosisPolicy,
  diagnose,
  diagnosisPolicy,
  type CauseId,
  type Diagnosis,
} from "../../src/index.js";
import {
  SEEDED_BLOB,
  SEEDED_CONTAINER,
  startStorage,
  type StorageScenario,
  type StorageStandIn,
} from "../../standin/storage.js";
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

type Position = "none" | "addDiagnosisPolicy" | "afterPhase Deserialize" | "afterPhase Sign (each attempt)";
const POSITIONS: readonly Position[] = [
  "addDiagnosisPolicy",
  "afterPhase Deserialize",
  "afterPhase Sign (each attempt)",
];

/** The core pipeline a Storage client sends through (protected: what addDiagnosisPolicy finds). */
const corePipelineOf = (client: object): Pipeline =>
  (client as { storageClientContext: { pipeline: Pipeline } }).storageClientContext.pipeline;

/** The fields the Storage clients' own code reads from an error. */
const storageFields = (error: Record<string, unknown>) => {
  const details = error.details as Record<string, unknown> | undefined;
  const response = error.response as
    { status?: unknown; parsedHeaders?: { errorCode?: unknown } } | undefined;
  return {
    errorCode: details?.errorCode,
    hasAuthenticationErrorDetail: typeof details?.authenticationErrorDetail === "string",
    parsedErrorCode: response?.parsedHeaders?.errorCode,
    responseStatus: response?.status,
  };
};

/** The cause each failing container name gets. */
const CAUSES: Record<StorageScenario, CauseId> = {
  "auth-failed": "storageAuthenticationFailed",
  "sas-expired": "storageSasExpired",
  "shared-key-disabled": "storageSharedKeyDisabled",
  "permission-mismatch": "storagePermissionMismatch",
  "network-blocked": "storageNetworkRuleBlocked",
  "source-ip-mismatch": "storageSourceIpMismatch",
  "protocol-mismatch": "storageProtocolMismatch",
  "service-mismatch": "storageServiceMismatch",
  "resource-type-mismatch": "storageServiceMismatch",
  "token-invalid": "storageTokenInvalid",
  "no-auth": "storageCredentialMissing",
  "public-access": "storagePublicAccessNotPermitted",
  "account-disabled": "storageAccountDisabled",
  "read-only": "storageAccountReadOnly",
  "requires-https": "storageHttpsRequired",
  "server-busy": "storageServerBusy",
};

interface Step {
  name: string;
  call: (service: BlobServiceClient, run: string) => Promise<unknown>;
  cause?: CauseId;
  /** A failure the client turns into a result: never warned about nor reported. */
  answer?: boolean;
}

const container = (service: BlobServiceClient, name: string): ContainerClient =>
  service.getContainerClient(name);

const STEPS: readonly Step[] = [
  { name: "exists", call: (s) => container(s, SEEDED_CONTAINER).exists() },
  { name: "exists on an absent container", call: (s) => container(s, "absent").exists(), answer: true },
  {
    name: "createIfNotExists on an existing container",
    call: async (s) => (await container(s, SEEDED_CONTAINER).createIfNotExists()).succeeded,
    answer: true,
  },
  {
    name: "createIfNotExists then deleteIfExists twice",
    call: async (s, run) => [
      (await container(s, `fresh-${run}`).createIfNotExists()).succeeded,
      (await container(s, `fresh-${run}`).deleteIfExists()).succeeded,
      (await container(s, `fresh-${run}`).deleteIfExists()).succeeded,
    ],
    answer: true,
  },
  {
    name: "blob exists and deleteIfExists on an absent blob",
    call: async (s) => [
      await container(s, SEEDED_CONTAINER).getBlobClient("absent.txt").exists(),
      (await container(s, SEEDED_CONTAINER).getBlobClient("absent.txt").deleteIfExists()).succeeded,
    ],
    answer: true,
  },
  {
    name: "upload and download",
    call: async (s, run) => {
      await container(s, SEEDED_CONTAINER).getBlockBlobClient(`up-${run}.txt`).upload("uploaded", 8);
      return [
        (await container(s, SEEDED_CONTAINER).getBlobClient(`up-${run}.txt`).downloadToBuffer()).toString(),
        (await container(s, SEEDED_CONTAINER).getBlobClient(SEEDED_BLOB.name).downloadToBuffer()).toString(),
      ];
    },
  },
  ...(Object.keys(CAUSES) as StorageScenario[]).map((name): Step => ({
    name,
    call: (s) => container(s, name).getProperties(),
    cause: CAUSES[name],
  })),
  {
    name: "HEAD: the code in x-ms-error-code only",
    call: (s) => container(s, "permission-mismatch").getBlobClient("any.txt").getProperties(),
    cause: "storagePermissionMismatch",
  },
  {
    name: "an absent container",
    call: (s) => container(s, "absent").getProperties(),
    cause: "storageContainerNotFound",
  },
  {
    name: "an absent blob",
    call: (s) => container(s, SEEDED_CONTAINER).getBlobClient("absent.txt").downloadToBuffer(),
    cause: "storageBlobNotFound",
  },
];

describe("@azure/storage-blob with diagnosisPolicy at every position", function () {
  const root = useTrustedRoot("Storage Policy Test Root");
  const logs = useLogCapture();
  let storage: StorageStandIn;
  let credential: StorageSharedKeyCredential;

  before(async () => {
    storage = root.keep(await startStorage({ authority: root.ca, trust: false }));
    credential = new StorageSharedKeyCredential(storage.accountName, storage.accountKey);
  });

  function serviceAt(
    position: Position,
    reports: Diagnosis[],
    maxTries = 1,
    url = storage.url,
  ): BlobServiceClient {
    const service = new BlobServiceClient(url, credential, {
      retryOptions: { maxTries, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
    });
    const onDiagnosis = (diagnosis: Diagnosis) => reports.push(diagnosis);
    if (position === "addDiagnosisPolicy") assert.equal(addDiagnosisPolicy(service, { onDiagnosis }), true);
    if (position === "afterPhase Deserialize")
      corePipelineOf(service).addPolicy(diagnosisPolicy({ onDiagnosis }), { afterPhase: "Deserialize" });
    if (position === "afterPhase Sign (each attempt)")
      corePipelineOf(service).addPolicy(diagnosisPolicy({ onDiagnosis }), { afterPhase: "Sign" });
    return service;
  }

  async function run(position: Position, index: number) {
    const reports: Diagnosis[] = [];
    const steps = await runSteps(STEPS, serviceAt(position, reports), `r${index}`, storageFields, [
      storage.requests,
    ]);
    return { ...steps, reports };
  }

  let without: Awaited<ReturnType<typeof run>>;
  before(async () => {
    without = await run("none", 0);
  });

  it("without the policy, keeps its results and fails where the stand-in says", () => {
    assert.deepEqual(
      without.outcomes.slice(0, 6).map((outcome) => ("value" in outcome ? outcome.value : "thrown")),
      [true, false, false, [true, true, false], [false, false], ["uploaded", SEEDED_BLOB.content]],
    );
    assertFailedAsExpected(STEPS, without);
  });

  POSITIONS.forEach((position, index) => {
    describe(position, () => {
      let withPolicy: Awaited<ReturnType<typeof run>>;
      before(async () => {
        withPolicy = await run(position, index + 1);
      });

      it("sends the same requests, returns the same results and throws the same errors with the same details", () => {
        assert.deepEqual(withPolicy.wire, without.wire);
        assert.deepEqual(withPolicy.outcomes, without.outcomes);
      });

      it("gives each failure its Storage cause through diagnose(error)", () => {
        assertCausesDiagnosed(STEPS, withPolicy);
      });

      it("reports every failure the caller sees and none the client turns into a result", () => {
        const reported = withPolicy.reports.map((report) => report.cause);
        for (const step of STEPS.filter((s) => s.cause && !s.cause.endsWith("NotFound")))
          assert.ok(reported.includes(step.cause!), `${step.cause} reported`);
        assert.ok(!reported.some((cause) => cause.endsWith("NotFound")), "404s are clients' answers");
        assert.ok(!withPolicy.reports.some((r) => r.evidence.serviceCode?.endsWith("AlreadyExists")));
      });

      it("retries ServerBusy as often as without it", async () => {
        const retried = async (at: Position) => {
          const before = storage.requests.length;
          const { outcome } = await outcomeOf(
            () => container(serviceAt(at, [], 3), "server-busy").getProperties(),
            storageFields,
          );
          return { outcome, wire: wireOf(storage.requests.slice(before)) };
        };
        const expected = await retried("none");
        assert.equal(expected.wire.length, 3);
        assert.deepEqual(await retried(position), expected);
      });
    });
  });

  it("addDiagnosisPolicy: the error thrown is the client's own, its message extended and a diagnosis attached", () => {
    const index = STEPS.findIndex((step) => step.name === "permission-mismatch");
    return run("addDiagnosisPolicy", 9).then(({ thrown }) => {
      const error = thrown[index] as Error & { diagnosis?: Diagnosis; details?: { errorCode?: string } };
      assert.equal(error.name, "RestError");
      assert.equal(error.details?.errorCode, "AuthorizationPermissionMismatch");
      assert.match(
        error.message,
        /^This request is not authorized to perform this operation using this permission\.\nRequestId:/,
      );
      assert.match(error.message, /\n\[azure-sdk-doctor\] storagePermissionMismatch: /);
      assert.equal(error.diagnosis?.cause, "storagePermissionMismatch");
      assert.equal(error.diagnosis?.evidence.credential, "sharedKey");
    });
  });

  it("addDiagnosisPolicy covers derived clients through the one shared pipeline, and adds nothing twice", async () => {
    const reports: Diagnosis[] = [];
    const service = serviceAt("addDiagnosisPolicy", reports);
    const photos = service.getContainerClient(SEEDED_CONTAINER);
    assert.equal(
      addDiagnosisPolicy(photos),
      false,
      "the derived client shares the service client's pipeline",
    );
    assert.equal(addDiagnosisPolicy(photos.getBlockBlobClient("x.txt")), false);
    assert.equal(await photos.exists(), true);
    await outcomeOf(() => service.getContainerClient("network-blocked").getBlobClient("a.txt").download());
    assert.deepEqual(
      reports.map((r) => r.cause),
      ["storageNetworkRuleBlocked"],
    );
  });

  it("warns of no exists() false and no createIfNotExists() false: they are logged at verbose only", async () => {
    const service = serviceAt("addDiagnosisPolicy", []);
    assert.equal(await service.getContainerClient("absent").exists(), false);
    assert.equal((await service.getContainerClient(SEEDED_CONTAINER).createIfNotExists()).succeeded, false);
    assert.deepEqual(logs.warnings(), []);
    assert.equal(logs.verbose().length, 2);
  });

  it("a SAS out of its time window: storageSasExpired with Storage's own words, and no signature anywhere", async () => {
    const sig = "c2FzLXNpZ25hdHVyZS1mb3ItdGhlLXNwZWM=";
    const sas = `sv=2025-05-05&ss=b&srt=co&sp=rl&st=2024-01-01T00%3A00%3A00Z&se=2024-01-02T00%3A00%3A00Z&spr=https&sig=${encodeURIComponent(sig)}`;
    const service = new BlobServiceClient(`${storage.url}?${sas}`, new AnonymousCredential(), {
      retryOptions: { maxTries: 1 },
    });
    addDiagnosisPolicy(service);
    const { thrown } = await outcomeOf(() => service.getContainerClient("sas-expired").getProperties());
    const diagnosis = diagnose(thrown);
    assert.equal(diagnosis?.cause, "storageSasExpired");
    assert.equal(diagnosis?.evidence.credential, "sas");
    assert.match(
      diagnosis?.detail ?? "",
      /^Storage said: Signature not valid in the specified time frame: Start \[Mon, 01 Jan 2024 00:00:00 GMT\] - Expiry \[Tue, 02 Jan 2024 00:00:00 GMT\]/,
    );
    assertNoSecretIn([...logs.all, ...textsOf(thrown, diagnosis)], [sig, encodeURIComponent(sig)]);
  });

  it("a MAC mismatch: storageAuthenticationFailed, with neither the key nor the signature Storage echoed anywhere", async () => {
    const service = serviceAt("addDiagnosisPolicy", []);
    const { thrown } = await outcomeOf(() => service.getContainerClient("auth-failed").getProperties());
    const signature = /SharedKey [^:]+:(\S+)/.exec(
      String(storage.requests.at(-1)?.headers.authorization),
    )?.[1];
    assert.ok(signature);
    const diagnosis = diagnose(thrown);
    assert.match(
      diagnosis?.detail ?? "",
      /^Storage said: The MAC signature found in the HTTP request 'REDACTED'/,
    );
    assertNoSecretIn([...logs.all, ...textsOf(thrown, diagnosis)], [signature, storage.accountKey]);
  });

  it("a bearer token's tenant challenge is answered as without the policy, then storageTokenInvalid", async () => {
    const attempt = async (withPolicy: boolean) => {
      const service = new BlobServiceClient(storage.url, fixedTokenCredential("https://storage.azure.com"), {
        retryOptions: { maxTries: 1 },
      });
      if (withPolicy) addDiagnosisPolicy(service);
      const before = storage.requests.length;
      const { outcome, thrown } = await outcomeOf(
        () => service.getContainerClient("token-invalid").getProperties(),
        storageFields,
      );
      return { outcome, thrown, wire: wireOf(storage.requests.slice(before)) };
    };
    const expected = await attempt(false);
    const actual = await attempt(true);
    assert.deepEqual([actual.outcome, actual.wire], [expected.outcome, expected.wire]);
    assert.equal(actual.wire.length, 2);
    assert.equal(diagnose(actual.thrown)?.cause, "storageTokenInvalid");
    assert.equal(
      diagnose(actual.thrown)?.detail,
      "Storage said: Audience validation failed. Audience did not match.",
    );
  });

  it("Data Lake's JSON envelope gets the same cause", async () => {
    const dfs = root.keep(await startStorage({ authority: root.ca, trust: false, errorFormat: "json" }));
    const service = new BlobServiceClient(
      dfs.url,
      new StorageSharedKeyCredential(dfs.accountName, dfs.accountKey),
      {
        retryOptions: { maxTries: 1 },
      },
    );
    addDiagnosisPolicy(service);
    const { thrown } = await outcomeOf(() =>
      service.getContainerClient("shared-key-disabled").getProperties(),
    );
    assert.equal(diagnose(thrown)?.cause, "storageSharedKeyDisabled");
  });

  it("without the policy, diagnose() reads the client's own error, HEAD failures included", async () => {
    const service = serviceAt("none", []);
    const head = await outcomeOf(() =>
      container(service, "network-blocked").getBlobClient("a.txt").getProperties(),
    );
    assert.equal((head.thrown as Error).message, "");
    assert.equal(diagnose(head.thrown)?.cause, "storageNetworkRuleBlocked");
  });
});

describe("@azure/storage-queue with addDiagnosisPolicy", function () {
  const root = useTrustedRoot("Queue Policy Test Root");
  let storage: StorageStandIn;

  before(async () => {
    storage = root.keep(await startStorage({ authority: root.ca, trust: false, service: "queue" }));
  });

  const queueService = (withPolicy: boolean) => {
    const service = new QueueServiceClient(
      storage.url,
      new QueueSharedKeyCredential(storage.accountName, storage.accountKey),
      {
        retryOptions: { maxTries: 1 },
      },
    );
    if (withPolicy) assert.equal(addDiagnosisPolicy(service), true);
    return service;
  };

  it("keeps createIfNotExists, exists and deleteIfExists, and names a queue's failure", async () => {
    const results = async (withPolicy: boolean, name: string) => {
      const jobs = queueService(withPolicy).getQueueClient(name);
      return [
        (await jobs.createIfNotExists()).succeeded,
        (await jobs.createIfNotExists()).succeeded,
        await jobs.exists(),
        (await jobs.deleteIfExists()).succeeded,
        (await jobs.deleteIfExists()).succeeded,
        await jobs.exists(),
      ];
    };
    assert.deepEqual(await results(true, "jobs-with"), await results(false, "jobs-without"));
    const { thrown } = await outcomeOf(() =>
      queueService(true).getQueueClient("permission-mismatch").createIfNotExists(),
    );
    assert.equal(
      (thrown as { details?: { errorCode?: string } }).details?.errorCode,
      "AuthorizationPermissionMismatch",
    );
    assert.equal(diagnose(thrown)?.cause, "storagePermissionMismatch");
  });
});
