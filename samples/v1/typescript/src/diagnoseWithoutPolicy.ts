/**
 * @summary Explains errors from clients that do not have the policy: `diagnose(error)` classifies
 * whatever a catch block receives (a RestError, a Node.js TLS or network error, an @azure/identity
 * error). It sees less than the policy does: with @azure/search-documents 13, an error response
 * without a body is thrown as a TypeError with no status, which only the policy can explain fully.
 */
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

/** What a catch block in your code could log. */
function explain(what: string, error: unknown): void {
  const diagnosis = diagnose(error);
  console.log(`\n${what}`);
  console.log(`  thrown:    ${(error as Error).name}: ${(error as Error).message}`);
  if (!diagnosis) {
    console.log("  diagnosis: none of the known causes fits");
    return;
  }
  console.log(`  diagnosis: ${diagnosis.cause} (${diagnosis.confidence}): ${diagnosis.summary}`);
  console.log(`  fix:       ${diagnosis.remediation[0]}`);
  console.log(`  docs:      ${diagnosis.docs[0]}`);
}

async function main(): Promise<void> {
  const { endpoint, credential, indexName, close } = await searchService();

  try {
    await new SearchClient(endpoint, "missing-index", credential).search("*");
  } catch (error) {
    explain("An index that does not exist:", error);
  }

  try {
    await new SearchClient(
      endpoint,
      indexName,
      new AzureKeyCredential("not-a-key-of-this-service"),
    ).getDocumentsCount();
  } catch (error) {
    explain("A key the service does not know (an empty 403):", error);
  }

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
