/**
 * @summary Checks the endpoint before any credential is sent to it: `preflight()` once at start-up
 * (scheme, DNS, proxy, TCP, TLS 1.2+, certificate, with no HTTP request), or
 * `diagnosisPolicy({ preflight: true })`, which runs it before the first request to each origin and
 * refuses to send the request, and its key or token, when it fails.
 */
import { SearchClient } from "@azure/search-documents";
import { diagnose, diagnosisPolicy, preflight } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

async function main(): Promise<void> {
  const { endpoint, credential, indexName, close } = await searchService();

  // 1. At start-up, for a health endpoint or a clear log line before the app serves anything.
  const report = await preflight(endpoint, { timeoutMs: 5000 });
  console.log(`preflight of ${report.endpoint}: ${report.ok ? "ok" : "FAILED"}`);
  for (const check of report.checks) {
    console.log(`  ${check.status.padEnd(4)} ${check.id.padEnd(12)} ${check.summary}`);
    if (check.status === "fail" && check.diagnosis)
      console.log(`       fix: ${check.diagnosis.remediation[0]}`);
  }
  if (report.tls?.certificate) {
    const { issuer, daysRemaining } = report.tls.certificate;
    console.log(`  certificate issued by ${issuer}, ${daysRemaining} days left`);
  }

  // 2. In the client: the first request to the endpoint waits for the preflight; a passing result
  //    is kept, so later requests cost nothing more.
  const client = new SearchClient(endpoint, indexName, credential, {
    additionalPolicies: [{ policy: diagnosisPolicy({ preflight: true }), position: "perCall" }],
  });
  try {
    console.log(
      `\n${await client.getDocumentsCount()} documents in "${indexName}", after the preflight passed`,
    );
  } catch (error) {
    // A failed preflight throws a RestError with code "PreflightFailed" and the failing check's cause.
    console.log(`\nThe request was not sent: ${diagnose(error)?.cause}\n${(error as Error).message}`);
  }

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
