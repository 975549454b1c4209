import type { Pipeline } from "@azure/core-rest-pipeline";
import { read } from "../signals/read.js";
import { diagnosisPolicy, diagnosisPolicyName, type DiagnosisPolicyOptions } from "./diagnosisPolicy.js";

/**
 * Adds `diagnosisPolicy()` to the pipeline an Azure SDK client sends through, once: a pipeline that
 * already has a policy named `diagnosisPolicy` is left as it is. The policy is added with
 * `pipeline.addPolicy(policy)`, after the pipeline's unphased policies, and nothing else in the pipeline
 * moves.
 *
 * Where it looks, in this order, and what that touches:
 * - `client.pipeline`, when it is a core pipeline: clients that make it public (`SearchClient`,
 *   `ResourceManagementClient`).
 * - `client.pipeline._corePipeline`: the Storage clients (`@azure/storage-blob`, `-queue`,
 *   `-file-share`, `-file-datalake`), whose public-facing `pipeline` is protected and holds, in this
 *   private property, the core pipeline it shares with every client derived from it
 *   (`getContainerClient()`, `getBlobClient()`, `getQueueClient()`...): one call covers them all, where
 *   `additionalPolicies` breaks those derived clients with a duplicate policy name. In
 *   `@azure/storage-blob` the policy then sits outside the client's deserialization and retry policies
 *   and sees each call's final error.
 * - `client.storageClientContext.pipeline` (protected), the same pipeline in clients that do not cache it.
 * - `client.client.pipeline`: clients that keep a generated client in a private `client` property
 *   (`SecretClient` and the other Key Vault clients, `AppConfigurationClient`). For these the documented
 *   way is `additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }]`; added here instead,
 *   the policy sits inside Key Vault's challenge policy, where it lets the challenge by.
 *
 * None of these but the first is public API: a new version of a client may move them, and this
 * function then throws rather than guess.
 *
 * @param client - an Azure SDK client.
 * @param options - the policy's options.
 * @returns true when the policy was added, false when the pipeline already had one of that name.
 * @throws TypeError when no pipeline is found on the client.
 */
export function addDiagnosisPolicy<Own extends string = never>(
  client: object,
  options?: DiagnosisPolicyOptions<Own>,
): boolean {
  const pipeline = pipelineOf(client);
  if (!pipeline) {
    throw new TypeError(
      "addDiagnosisPolicy: no pipeline found on this client (looked at pipeline, pipeline._corePipeline, storageClientContext.pipeline and client.pipeline).",
    );
  }
  if (pipeline.getOrderedPolicies().some((policy) => policy.name === diagnosisPolicyName)) return false;
  pipeline.addPolicy(diagnosisPolicy(options));
  return true;
}

/** The first of the client's known pipeline properties that holds a core pipeline. */
function pipelineOf(client: object): Pipeline | undefined {
  const pipeline = read(client, "pipeline");
  const candidates = [
    pipeline,
    read(pipeline, "_corePipeline"),
    read(read(client, "storageClientContext"), "pipeline"),
    read(read(client, "client"), "pipeline"),
  ];
  return candidates.find(isPipeline);
}

function isPipeline(value: unknown): value is Pipeline {
  return (
    typeof read(value, "addPolicy") === "function" && typeof read(value, "getOrderedPolicies") === "function"
  );
}
