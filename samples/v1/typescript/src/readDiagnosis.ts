/**
 * @summary Reads what the diagnosis policy found: in a catch block, from the enriched error and
 * from `diagnose(error)`; and in logs, through the Azure SDK's logger (`AZURE_LOG_LEVEL`,
 * `setLogLevel`, `AzureLogger.log`). Neither ever holds the api-key or token of the request.
 */
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { isRestError } from "@azure/core-rest-pipeline";
import { AzureLogger, setLogLevel } from "@azure/logger";
import { diagnose, diagnosisPolicy } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

async function main(): Promise<void> {
  const { endpoint, indexName, close } = await searchService();

  // Every diagnosis is logged at "warning" by the "azure-sdk-doctor" logger. Setting
  // AZURE_LOG_LEVEL=warning in the environment does the same as this line.
  setLogLevel("warning");
  // By default the Azure SDK logs to stderr; send it wherever your logs go.
  AzureLogger.log = (...args: unknown[]) => console.log("log>", ...args);

  // A key the service never issued: what you see after someone regenerated the keys.
  const client = new SearchClient(endpoint, indexName, new AzureKeyCredential("not-a-key-of-this-service"), {
    additionalPolicies: [
      {
        // onDiagnosis is the place for metrics: one call per diagnosed failure.
        policy: diagnosisPolicy({
          onDiagnosis: (diagnosis) => console.log(`metric> failure.${diagnosis.cause}`),
        }),
        position: "perCall",
      },
    ],
  });

  try {
    await client.getDocumentsCount();
  } catch (error) {
    // The error is the one the SDK would throw, with the same status; its message says more.
    if (isRestError(error)) console.log(`\nRestError, status ${error.statusCode}:\n${error.message}`);

    const diagnosis = diagnose(error);
    if (diagnosis) {
      console.log(`\ncause:        ${diagnosis.cause} (${diagnosis.category}, ${diagnosis.confidence})`);
      console.log(`summary:      ${diagnosis.summary}`);
      console.log(`also fits:    ${diagnosis.alternatives.join(", ") || "-"}`);
      console.log(`retry later:  ${diagnosis.retryable ? "may succeed" : "will fail again"}`);
      console.log(`evidence:     ${JSON.stringify(diagnosis.evidence)}`);
      console.log("what to do:");
      diagnosis.remediation.forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
      console.log(`docs:         ${diagnosis.docs.join("\n              ")}`);
    }
  }

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
