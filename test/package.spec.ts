import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs a command in `cwd`; on failure the error carries its output, where tsc and npm say what broke. */
async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE_NAME = "azure-sdk-doctor";

/** What each module system should see of the package, printed as JSON by a child process. */
const PROBE = `
const error = Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" });
const report = {
  resolved: RESOLVED,
  exports: Object.keys(m).sort(),
  policyName: m.diagnosisPolicy().name,
  diagnosisPolicyName: m.diagnosisPolicyName,
  diagnose: typeof m.diagnose,
  cause: m.diagnose(error)?.cause,
  catalog: m.catalog.map((rule) => rule.cause),
};
console.log(JSON.stringify(report));
`;

const ESM_PROBE = `import * as m from "${PACKAGE_NAME}";\n${PROBE.replace("RESOLVED", `import.meta.resolve("${PACKAGE_NAME}")`)}`;
const CJS_PROBE = `const m = require("${PACKAGE_NAME}");\n${PROBE.replace("RESOLVED", `require.resolve("${PACKAGE_NAME}")`)}`;

/**
 * A failure through the policy, then `recordDiagnosis` on a plain span; with `sdk`, the application's
 * meter provider registered first and its counts printed. Needs `m`, `pipeline` and, optionally, `api`
 * and `sdk` in scope.
 */
const TELEMETRY_PROBE = `
(async () => {
  const reader = sdk && new sdk.PeriodicExportingMetricReader({ exporter: new sdk.InMemoryMetricExporter(1), exportIntervalMillis: 3600000 });
  if (sdk) api.metrics.setGlobalMeterProvider(new sdk.MeterProvider({ readers: [reader] }));
  const expired = () => Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" });
  const request = pipeline.createPipelineRequest({ url: "https://localhost:1/indexes('hotels')/docs/$count" });
  let cause;
  try {
    await m.diagnosisPolicy().sendRequest(request, async () => { throw expired(); });
  } catch (error) {
    cause = m.diagnose(error)?.cause;
  }
  const span = { attributes: {}, setAttribute(key, value) { this.attributes[key] = value; } };
  m.recordDiagnosis(span, m.diagnose(expired()));
  const collected = sdk ? (await reader.collect()).resourceMetrics.scopeMetrics : [];
  const points = collected.flatMap((s) => s.metrics.flatMap((m) => m.dataPoints.map((p) => [p.attributes["error.type"], p.value])));
  console.log(JSON.stringify({ cause, span: span.attributes["error.type"], points }));
})();
`;

/** A consumer's TypeScript, one file per module system, against the shipped declarations. */
const TYPED_USE = (load: string): string => `${load}
const policy: PipelinePolicy = diagnosisPolicy({ rules: [] });
const diagnosis: Diagnosis | undefined = diagnose(new Error("x"));
const name: string = diagnosisPolicyName;
export const used = [policy, diagnosis?.cause, name, catalog.length];
`;

interface Probe {
  resolved: string;
  exports: string[];
  policyName: string;
  diagnosisPolicyName: string;
  diagnose: string;
  cause: string | undefined;
  catalog: string[];
}

interface PackedFile {
  path: string;
  mode: number;
}

describe("the published package (npm pack, then imported from ESM and CommonJS)", function () {
  // A full build of a copy of the project, on a shared 2-core machine.
  this.timeout(240_000);

  let work: string;
  let consumer: string;
  /** A consumer without @opentelemetry/api, the optional peer. */
  let bareConsumer: string;
  let files: PackedFile[];
  let manifest: {
    version: string;
    bin?: Record<string, string>;
    exports?: unknown;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  /** The optional peers, which a consumer of the library alone goes without. */
  const OPTIONAL = new Set<string>();

  async function probe<T = Probe>(args: string[], cwd = consumer): Promise<T> {
    const { stdout } = await run(process.execPath, args, {
      cwd,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    return JSON.parse(stdout) as T;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "azure-sdk-doctor-pack-"));
    // A copy, so the build neither races other runs over dist/ nor leaves anything in the checkout.
    const project = join(work, "project");
    await mkdir(project);
    for (const entry of [
      "package.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "src",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
    ]) {
      await cp(join(ROOT, entry), join(project, entry), { recursive: true });
    }
    await symlink(join(ROOT, "node_modules"), join(project, "node_modules"), "dir");
    await sh("npm", ["run", "build"], project);
    const packed = await sh(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", work],
      project,
    );
    const [result] = JSON.parse(packed) as { filename: string; files: PackedFile[] }[];
    assert.ok(result);
    files = result.files;

    /** Unpacks the tarball into a new consumer with these packages of the project's beside it. */
    const install = async (directory: string, beside: (declared: string[]) => string[]): Promise<void> => {
      const installed = join(directory, "node_modules", PACKAGE_NAME);
      await mkdir(installed, { recursive: true });
      await sh("tar", ["-xzf", join(work, result.filename), "-C", installed, "--strip-components=1"], work);
      manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as typeof manifest;
      for (const [name, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) {
        if (meta.optional) OPTIONAL.add(name);
      }
      const declared = [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ];
      for (const name of beside(declared)) {
        await mkdir(dirname(join(directory, "node_modules", name)), { recursive: true });
        await symlink(join(ROOT, "node_modules", name), join(directory, "node_modules", name), "dir");
      }
    };
    // Only what the package declares is installed beside it: an undeclared import fails here. The
    // OpenTelemetry SDK stands for the application's own.
    consumer = join(work, "consumer");
    await install(consumer, (declared) => [...declared, "@types/node", "@opentelemetry/sdk-metrics"]);
    bareConsumer = join(work, "bare-consumer");
    await install(bareConsumer, (declared) => declared.filter((name) => !OPTIONAL.has(name)));
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("ships the built code, its declarations, README, CHANGELOG and LICENSE, and nothing else", () => {
    const paths = files.map((file) => file.path).sort();
    for (const required of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "dist/esm/index.js",
      "dist/esm/index.d.ts",
      "dist/commonjs/index.js",
      "dist/commonjs/index.d.ts",
      "dist/commonjs/package.json",
    ]) {
      assert.ok(paths.includes(required), `missing ${required}`);
    }
    const unexpected = paths.filter(
      (path) =>
        !["package.json", "README.md", "CHANGELOG.md", "LICENSE"].includes(path) &&
        !(path.startsWith("dist/") && /\.(js|d\.ts|json)$/.test(path)),
    );
    assert.deepEqual(unexpected, [], "files outside dist/ or source maps in the tarball");
  });

  it("has an executable azure-sdk-doctor command with a node shebang", async () => {
    const target = manifest.bin?.[PACKAGE_NAME]?.replace(/^\.\//, "");
    assert.equal(target, "dist/esm/cli/main.js");
    const packedBin = files.find((file) => file.path === target);
    assert.ok(packedBin, `${target} is not in the tarball`);
    assert.ok(packedBin.mode & 0o111, `${target} is not executable`);
    const installed = join(consumer, "node_modules", PACKAGE_NAME, target);
    assert.ok((await stat(installed)).isFile());
    assert.match(await readFile(installed, "utf8"), /^#!\/usr\/bin\/env node\n/);
    // Loads every module the command needs from the tarball, and finds the shipped package.json.
    assert.equal(await sh(process.execPath, [installed, "--version"], consumer), `${manifest.version}\n`);
  });

  it("loads from ESM import() and CommonJS require() with the same API and catalog", async () => {
    const esm = await probe(["--input-type=module", "-e", ESM_PROBE]);
    const cjs = await probe(["-e", CJS_PROBE]);

    assert.match(esm.resolved, /\/dist\/esm\/index\.js$/);
    assert.match(cjs.resolved, /\/dist\/commonjs\/index\.js$/);
    for (const loaded of [esm, cjs]) {
      for (const name of ["diagnosisPolicy", "diagnosisPolicyName", "diagnose", "catalog", "preflight"]) {
        assert.ok(loaded.exports.includes(name), `${name} missing from ${loaded.resolved}`);
      }
      assert.equal(loaded.diagnosisPolicyName, "diagnosisPolicy");
      assert.equal(loaded.policyName, "diagnosisPolicy");
      assert.equal(loaded.diagnose, "function");
      assert.equal(loaded.cause, "tlsCertificateExpired");
      assert.ok(loaded.catalog.length > 0);
    }
    assert.deepEqual(cjs.exports, esm.exports);
    assert.deepEqual(cjs.catalog, esm.catalog);
  });

  it("records a diagnosis through the application's @opentelemetry/api from ESM and CommonJS", async () => {
    const cjs = `const m = require("${PACKAGE_NAME}"); const pipeline = require("@azure/core-rest-pipeline");
const api = require("@opentelemetry/api"); const sdk = require("@opentelemetry/sdk-metrics");\n${TELEMETRY_PROBE}`;
    const esm = `import * as m from "${PACKAGE_NAME}"; import * as pipeline from "@azure/core-rest-pipeline";
import * as api from "@opentelemetry/api"; import * as sdk from "@opentelemetry/sdk-metrics";\n${TELEMETRY_PROBE}`;
    const expected = {
      cause: "tlsCertificateExpired",
      span: "tlsCertificateExpired",
      points: [["tlsCertificateExpired", 2]],
    };
    assert.deepEqual(await probe(["-e", cjs]), expected);
    assert.deepEqual(await probe(["--input-type=module", "-e", esm]), expected);
    assert.deepEqual(manifest.peerDependencies?.["@opentelemetry/api"], ">=1.4.0 <2");
  });

  it("declares @azure/search-documents, @azure/identity and the Resource Manager packages optional", () => {
    for (const name of [
      "@azure/search-documents",
      "@azure/identity",
      "@opentelemetry/api",
      "@azure/arm-resourcegraph",
      "@azure/arm-search",
      "@azure/arm-authorization",
    ]) {
      assert.ok(OPTIONAL.has(name), name);
    }
  });

  it("works unchanged with none of its optional peers: the failure is diagnosed, the span still written", async () => {
    const missing = `for (const name of ${JSON.stringify([...OPTIONAL])}) { try { require.resolve(name); process.exit(3); } catch {} }`;
    const cjs = `${missing} const m = require("${PACKAGE_NAME}"); const pipeline = require("@azure/core-rest-pipeline");
const sdk = undefined;\n${TELEMETRY_PROBE}`;
    const esm = `import { createRequire } from "node:module"; const require = createRequire(import.meta.url); ${missing}
import * as m from "${PACKAGE_NAME}"; import * as pipeline from "@azure/core-rest-pipeline";
const sdk = undefined;\n${TELEMETRY_PROBE}`;
    const expected = { cause: "tlsCertificateExpired", span: "tlsCertificateExpired", points: [] };
    assert.deepEqual(await probe(["-e", cjs], bareConsumer), expected);
    assert.deepEqual(await probe(["--input-type=module", "-e", esm], bareConsumer), expected);
  });

  it("runs the command without @azure/search-documents, which it loads only for a call", async () => {
    const command = join(
      bareConsumer,
      "node_modules",
      PACKAGE_NAME,
      manifest.bin?.["azure-sdk-doctor"] ?? "",
    );
    assert.equal(await sh(process.execPath, [command, "--version"], bareConsumer), `${manifest.version}\n`);
    assert.match(await sh(process.execPath, [command, "--help"], bareConsumer), /^Usage: azure-sdk-doctor /);
  });

  it("shares diagnoses between the ESM and CommonJS copies: one's policy keeps what the other's diagnose() finds", async () => {
    // An application importing one copy while a library requires the other loads both.
    const script = `import * as esm from "${PACKAGE_NAME}"; import { createRequire } from "node:module";
import * as pipeline from "@azure/core-rest-pipeline";
const cjs = createRequire(import.meta.url)("${PACKAGE_NAME}");
const body = JSON.stringify({ error: { code: "Forbidden", message: "Caller is not authorized to perform action on resource.", innererror: { code: "ForbiddenByRbac" } } });
const through = async (policyCopy, diagnoseCopy) => {
  const request = pipeline.createPipelineRequest({ url: "https://contoso.vault.azure.net/secrets/db" });
  request.headers.set("user-agent", "azsdk-js-keyvault-secrets/4.12.0");
  request.headers.set("authorization", "Bearer eyJ0eXAi.c2hhcmVk.c2ln");
  await policyCopy.diagnosisPolicy({ telemetry: false }).sendRequest(request, async (sent) => ({
    request: sent, status: 403, bodyAsText: body,
    headers: pipeline.createHttpHeaders({ "x-ms-request-id": "1", "content-type": "application/json" }),
  }));
  // The client's own error, as Key Vault builds it after the pipeline: the request, no body.
  return diagnoseCopy.diagnose(new pipeline.RestError("Caller is not authorized to perform action on resource.", { statusCode: 403, request }))?.cause;
};
console.log(JSON.stringify({ two: esm.diagnose !== cjs.diagnose, cjsToEsm: await through(cjs, esm), esmToCjs: await through(esm, cjs) }));`;
    assert.deepEqual(await probe(["--input-type=module", "-e", script]), {
      two: true,
      cjsToEsm: "keyVaultRbacDenied",
      esmToCjs: "keyVaultRbacDenied",
    });
  });

  it("type-checks a TypeScript consumer of either module system against the shipped declarations", async () => {
    const imports = `import { catalog, diagnose, diagnosisPolicy, diagnosisPolicyName, type Diagnosis } from "${PACKAGE_NAME}";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";`;
    await writeFile(join(consumer, "esm.mts"), TYPED_USE(imports));
    await writeFile(join(consumer, "cjs.cts"), TYPED_USE(imports));
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const args = [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext"];
    await sh(process.execPath, [...args, "--types", "node", "esm.mts", "cjs.cts"], consumer);
  });
});
