import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closedPort } from "../standin/servers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const samplesDir = path.join(root, "samples/v1/typescript");
const sourceDir = path.join(samplesDir, "src");

/** The helper modules beside the samples: the package stand-in and the service switch. */
const HELPERS = new Set(["azure-sdk-doctor.ts", "searchService.ts"]);

interface Run {
  code: number | null;
  output: string;
}

/**
 * Runs a sample as a user would, with no SEARCH_* variables, so it starts the stand-in; behind a
 * proxy that cannot reach this machine's loopback, as on a company laptop.
 */
async function runSample(file: string): Promise<Run> {
  const proxy = `http://127.0.0.1:${await closedPort()}`;
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith("SEARCH_") && name !== "AZURE_LOG_LEVEL",
      ),
    ),
    HTTPS_PROXY: proxy,
    https_proxy: proxy,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(sourceDir, file)],
      { cwd: root, env, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

const count = (text: string, part: string): number => text.split(part).length - 1;

/** What each sample must show a user; every sample in the folder needs an entry. */
const expectations: Record<string, (output: string) => void> = {
  "addDiagnosisPolicy.ts": (output) => {
    assert.match(output, /additionalPolicies: 42 documents in "hotels"/);
    assert.match(output, /pipeline\.addPolicy: 42 documents in "hotels"/);
    assert.equal(count(output, "[azure-sdk-doctor] indexNotFound:"), 2, "both installations explain the 404");
  },
  "readDiagnosis.ts": (output) => {
    assert.match(
      output,
      /log> azure:azure-sdk-doctor:warning invalidApiKey \(inferred\)/,
      "AzureLogger.log receives the diagnosis",
    );
    assert.match(output, /metric> failure\.invalidApiKey/, "onDiagnosis is called");
    assert.match(
      output,
      /RestError, status 403:\nUnexpected status code: 403\n\[azure-sdk-doctor\] invalidApiKey, likely/,
    );
    assert.match(output, /cause: +invalidApiKey \(authentication, inferred\)/);
    assert.match(output, /"operation":"documentRead","credential":"apiKey"/);
    assert.ok(!output.includes("not-a-key-of-this-service"), "the wrong key is in no log line or message");
  },
  "preflightBeforeFirstUse.ts": (output) => {
    assert.match(output, /preflight of https:\/\/localhost:\d+: ok\n/);
    for (const id of ["scheme", "dns", "tcp", "tls", "certificate"])
      assert.match(output, new RegExp(`\\n  pass ${id} `));
    assert.match(output, /certificate issued by CN=Stand-in Test Root, \d+ days left/);
    assert.match(output, /42 documents in "hotels", after the preflight passed/);
  },
  "indexClientAndBufferedSender.ts": (output) => {
    assert.match(output, /created index "doctor-sample-\d+"/);
    assert.match(output, /uploaded 2 document\(s\)/);
    assert.match(output, /indexClient\.getIndex failed:\n.*\n\[azure-sdk-doctor\] indexNotFound:/);
    assert.match(output, /batchFailed event: indexNotFound/, "the sender's client carries the policy");
    assert.match(output, /sender\.flush failed:\n.*\n\[azure-sdk-doctor\] indexNotFound:/);
  },
  "customRule.ts": (output) => {
    assert.match(output, /\[azure-sdk-doctor\] contosoIndexNotProvisioned: The index does not exist/);
    assert.match(output, /See: https:\/\/wiki\.contoso\.example\/search\/provisioning/);
    assert.match(output, /The built-in catalog explains the rest: invalidApiKey/);
    assert.match(output, /diagnose\(error, \{ rules \}\) without the policy: contosoIndexNotProvisioned/);
  },
  "telemetry.ts": (output) => {
    assert.match(output, /azure_sdk_doctor\.client\.errors by cause:\n/);
    assert.match(
      output,
      /\n {2}indexNotFound +2 {2}\(request, search, HTTP 404\)\n/,
      "both 404s, one series",
    );
    assert.match(output, /\n {2}invalidApiKey +1 {2}\(authentication, search, HTTP 403\)\n/);
    assert.equal(output.match(/^ {2}\w+ +\d+ {2}\(/gm)?.length, 2, "the successful call is not counted");
  },
  "diagnoseWithoutPolicy.ts": (output) => {
    assert.match(
      output,
      /thrown: +RestError: The index 'missing-index'.*\n +diagnosis: indexNotFound \(exact\)/,
    );
    // search-documents 13 throws a TypeError for the empty 403; 12 threw a RestError with the status.
    assert.match(output, /an empty 403\):\n.*\n +diagnosis: (emptyErrorResponse|invalidApiKey) /);
  },
};

describe("samples/v1/typescript: each sample runs against the stand-in", function () {
  this.timeout(120_000);
  const samples = readdirSync(sourceDir).filter((file) => file.endsWith(".ts") && !HELPERS.has(file));

  it("has an expectation for every sample, and every sample is listed in the samples README", () => {
    assert.deepEqual([...samples].sort(), Object.keys(expectations).sort());
    const readme = readFileSync(path.join(samplesDir, "README.md"), "utf8");
    for (const file of samples) assert.ok(readme.includes(`src/${file}`), `README lists ${file}`);
  });

  for (const file of samples) {
    it(`${file}: header, exit 0 and what it shows`, async () => {
      const source = readFileSync(path.join(sourceDir, file), "utf8");
      assert.match(source, /^\/\*\*\n \* @summary \S/, "starts with an @summary header");
      assert.match(
        source,
        /\nmain\(\)\.catch\(\(error\) => \{\n.*console\.error\(.*\n.*process\.exit\(1\);\n\}\);\n$/,
      );

      const run = await runSample(file);
      assert.equal(run.code, 0, run.output);
      assert.match(
        run.output,
        /Using the local stand-in for Azure AI Search at https:\/\/localhost:\d+; it is not Azure/,
      );
      assert.doesNotMatch(run.output, /(admin|query)-[0-9a-f]{8}-[0-9a-f]{4}-/, "no stand-in key is printed");
      expectations[file]?.(run.output);
    });
  }
});
