/**
 * The real SDK clients with the diagnosis policy installed, the two ways a user installs it.
 */
import { SearchClient, SearchIndexClient, AzureKeyCredential } from "@azure/search-documents";
import type { TokenCredential } from "@azure/identity";
import { diagnosisPolicy, type DiagnosisPolicyOptions } from "../../src/index.js";

/** How the policy is added: constructor option or `pipeline.addPolicy`. */
export type Installation = "additionalPolicies" | "addPolicy";
export const installations: readonly Installation[] = ["additionalPolicies", "addPolicy"];

export interface ClientSetup {
  endpoint: string;
  credential?: AzureKeyCredential | TokenCredential;
  /** Api-key used when no credential is given. */
  apiKey?: string;
  installation?: Installation;
  policy?: DiagnosisPolicyOptions;
  /** Retries cost seconds of backoff on ECONNREFUSED/ECONNRESET; tests turn them off. Defaults to 0. */
  maxRetries?: number;
  allowInsecureConnection?: boolean;
  indexName?: string;
}

function commonOptions(setup: ClientSetup) {
  const installation = setup.installation ?? "additionalPolicies";
  return {
    retryOptions: { maxRetries: setup.maxRetries ?? 0, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
    allowInsecureConnection: setup.allowInsecureConnection,
    additionalPolicies:
      installation === "additionalPolicies"
        ? [{ policy: diagnosisPolicy(setup.policy), position: "perCall" as const }]
        : [],
  };
}

function credentialOf(setup: ClientSetup) {
  return setup.credential ?? new AzureKeyCredential(setup.apiKey ?? "test-admin-key-0123456789");
}

/** A SearchClient for the "hotels" index (or `indexName`) with the policy. */
export function searchClient(setup: ClientSetup): SearchClient<Record<string, unknown>> {
  const client = new SearchClient<Record<string, unknown>>(
    setup.endpoint,
    setup.indexName ?? "hotels",
    credentialOf(setup),
    commonOptions(setup),
  );
  if ((setup.installation ?? "additionalPolicies") === "addPolicy") {
    client.pipeline.addPolicy(diagnosisPolicy(setup.policy));
  }
  return client;
}

/** A SearchIndexClient with the policy. */
export function searchIndexClient(setup: ClientSetup): SearchIndexClient {
  const client = new SearchIndexClient(setup.endpoint, credentialOf(setup), commonOptions(setup));
  if ((setup.installation ?? "additionalPolicies") === "addPolicy") {
    client.pipeline.addPolicy(diagnosisPolicy(setup.policy));
  }
  return client;
}

/** Runs a call that must fail and returns what it threw. */
export async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}
