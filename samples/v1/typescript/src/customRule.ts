/**
 * @summary Adds a catalog entry of your own: a rule that knows something about your system the
 * built-in catalog cannot, here that indexes are created by a provisioning pipeline. Your rules are
 * tried before the built-in ones, by the policy and by `diagnose()`; the built-in ones still explain
 * everything else.
 */
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy, type DiagnosisRule } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

/** One cause, described beside what it looks like, as the built-in entries are. */
const indexNotProvisioned: DiagnosisRule = {
  cause: "contosoIndexNotProvisioned",
  category: "configuration",
  signal: "404 on a document read",
  summary:
    "The index does not exist: in Contoso environments indexes are created by the search-provisioning pipeline, which has not run for this one.",
  remediation: [
    "Run the search-provisioning pipeline for this environment, then retry.",
    "If it has run, check SEARCH_INDEX_NAME against the names the pipeline created.",
  ],
  docs: ["https://wiki.contoso.example/search/provisioning"],
  // What the rule may look at: status, codes, texts (redacted), the operation, the credential kind.
  match: (signals) => signals.status === 404 && signals.operation === "documentRead",
};

const rules = [indexNotProvisioned];

async function main(): Promise<void> {
  const { endpoint, credential, indexName, close } = await searchService();
  const options = {
    additionalPolicies: [{ policy: diagnosisPolicy({ rules }), position: "perCall" as const }],
  };

  try {
    await new SearchClient(endpoint, "missing-index", credential, options).getDocumentsCount();
  } catch (error) {
    console.log(`Your rule explains it:\n${(error as Error).message}`);
  }

  try {
    await new SearchClient(
      endpoint,
      indexName,
      new AzureKeyCredential("not-a-key-of-this-service"),
      options,
    ).getDocumentsCount();
  } catch (error) {
    console.log(`\nThe built-in catalog explains the rest: ${diagnose(error)?.cause}`);
  }

  // Without the policy, pass the same rules to diagnose().
  try {
    await new SearchClient(endpoint, "missing-index", credential).getDocumentsCount();
  } catch (error) {
    console.log(`diagnose(error, { rules }) without the policy: ${diagnose(error, { rules })?.cause}`);
  }

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
