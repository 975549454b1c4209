/**
 * @summary Adds the diagnosis policy to a SearchClient, both ways: as a client option
 * (`additionalPolicies`) and afterwards with `client.pipeline.addPolicy`. Either way a failed call
 * throws the usual error, with the cause, the fix and a documentation link added to its message.
 */
import { bearerTokenAuthenticationPolicyName } from "@azure/core-rest-pipeline";
import { SearchClient, type AzureKeyCredential } from "@azure/search-documents";
import type { TokenCredential } from "@azure/identity";
import { diagnosisPolicy } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

type Credential = AzureKeyCredential | TokenCredential;

/** 1. As a client option: the policy also reaches the clients this one creates. */
function clientWithOption(endpoint: string, indexName: string, credential: Credential): SearchClient<object> {
  return new SearchClient(endpoint, indexName, credential, {
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
  });
}

/**
 * 2. On a client that already exists, such as one a framework or another library made. Placing it
 * before the bearer token policy lets it see the errors of a Microsoft Entra ID credential too; with an
 * api-key there is no such policy and the placement changes nothing.
 */
function clientWithAddPolicy(
  endpoint: string,
  indexName: string,
  credential: Credential,
): SearchClient<object> {
  const client = new SearchClient<object>(endpoint, indexName, credential);
  client.pipeline.addPolicy(diagnosisPolicy(), { beforePolicies: [bearerTokenAuthenticationPolicyName] });
  return client;
}

async function main(): Promise<void> {
  const { endpoint, credential, indexName, close } = await searchService();

  for (const [way, createClient] of [
    ["additionalPolicies", clientWithOption],
    ["pipeline.addPolicy", clientWithAddPolicy],
  ] as const) {
    const count = await createClient(endpoint, indexName, credential).getDocumentsCount();
    console.log(`\n${way}: ${count} documents in "${indexName}"`);

    // A call that fails, to see what the policy adds: an index that does not exist.
    try {
      await createClient(endpoint, "missing-index", credential).getDocumentsCount();
    } catch (error) {
      console.log(`${way}: the error your code receives:\n${(error as Error).message}`);
    }
  }

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
