/**
 * `npm run demo`: every documented failure, diagnosed, in a few seconds and without an Azure account.
 * Prints what a user would find in their log for each (the enriched `error.message`), then the
 * preflight report of a failing endpoint, and last the command's report of a service it read through
 * Resource Manager. Exits 1 only when a diagnosis is not the expected one.
 */
import { diagnose, preflight } from "../src/index.js";
import { renderText } from "../src/cli/render.js";
import { describe, MARKER } from "../src/report/enrich.js";
import { startDemoEnvironment, type DemoEnvironment } from "./environment.js";
import { commandRun, scenarios, type DemoScenario } from "./scenarios.js";

const INDENT = "    ";

function indent(text: string, prefix = INDENT): string {
  return text
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : prefix + line))
    .join("\n");
}

/** Runs one scenario; returns whether it was diagnosed as expected. */
async function show(env: DemoEnvironment, scenario: DemoScenario, number: number): Promise<boolean> {
  console.log(`\n${number}. ${scenario.title}`);
  console.log(indent(`> ${scenario.call}`));
  let thrown: unknown;
  try {
    await scenario.run(env);
    console.log(indent(`UNEXPECTED: the call succeeded; expected ${scenario.cause}.`));
    return false;
  } catch (error) {
    thrown = error;
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  console.log(indent(message));
  const diagnosis = diagnose(thrown);
  // Clients that build their own error after the pipeline keep their message: diagnose(error) has the rest.
  if (diagnosis && !message.includes(MARKER)) console.log(indent(`diagnose(error):\n${describe(diagnosis)}`));
  const cause = diagnosis?.cause;
  if (cause === scenario.cause) return true;
  console.log(indent(`UNEXPECTED: diagnosed as ${cause ?? "nothing"}; expected ${scenario.cause}.`));
  return false;
}

/** Prints what `npx azure-sdk-doctor <endpoint>` shows; returns whether the report names the inspecting proxy. */
async function showPreflight(endpoint: string): Promise<boolean> {
  console.log(`\nPreflight report of the endpoint behind the inspecting proxy: preflight("${endpoint}")`);
  const report = await preflight(endpoint, { timeoutMs: 2000 });
  console.log(
    indent(
      renderText(
        report,
        false,
        `azure-sdk-doctor · ${report.endpoint} · Node.js ${process.version}`,
      ).trimEnd(),
    ),
  );
  const named = !report.ok && report.tls?.certificate?.inspectionProduct === "Zscaler";
  if (!named) console.log(indent("UNEXPECTED: the report does not fail on a Zscaler certificate."));
  return named;
}

async function main(): Promise<void> {
  const started = Date.now();
  // Everything runs on 127.0.0.1; a proxy from the environment would be asked for loopback addresses.
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]) {
    delete process.env[name];
    delete process.env[name.toLowerCase()];
  }
  console.log("azure-sdk-doctor demo");
  console.log(
    "This is a LOCAL STAND-IN for Azure AI Search, Storage, Key Vault, App Configuration, Resource Manager and Entra ID, running on 127.0.0.1 with certificates made just now. It is not Azure: no account, no network beyond this machine.",
  );
  console.log(
    "Each step makes a real Azure SDK client call with diagnosisPolicy() and prints error.message, as your log would show it; where the client builds its own error after the pipeline (Key Vault, App Configuration, Resource Manager), what diagnose(error) returns follows it.",
  );

  const env = await startDemoEnvironment();
  let passed = 0;
  let reportOk: boolean;
  try {
    let section = "";
    for (const [i, scenario] of scenarios.entries()) {
      if (scenario.section !== section) {
        section = scenario.section;
        console.log(`\n== ${section} ==`);
      }
      if (await show(env, scenario, i + 1)) passed += 1;
    }
    reportOk = await showPreflight(env.faulty.inspectingProxy);
    console.log(`\n${commandRun.title}`);
    console.log(indent(`$ ${commandRun.command}`));
    const shown = await commandRun.run(env);
    console.log(indent(shown.output.trimEnd()));
    if (!shown.expected)
      console.log(indent(`UNEXPECTED: the report does not name ${commandRun.cause}, exact.`));
    reportOk &&= shown.expected;
  } finally {
    await env.close();
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${passed} of ${scenarios.length} failures diagnosed as expected, in ${seconds} s.`);
  if (passed !== scenarios.length || !reportOk) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error("The demo failed:", error);
  process.exit(1);
});
