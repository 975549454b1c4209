import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";
import type { FleetWorkerPlan } from "./fleetWorker.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./fleetWorker.ts", import.meta.url));
const PROMETHEUS = "/usr/bin/prometheus";
/** Set to 1 in CI: a program the spec needs and cannot find fails the run instead of skipping. */
const STRICT = process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT === "1";

/** Three instances failing with a known mix; "hotels" with the admin key succeeds and is not counted. */
const FLEET: Omit<FleetWorkerPlan, "endpoint" | "adminKey" | "port">[] = [
  {
    instance: "web-1",
    calls: [
      { index: "missing-index", times: 3 },
      { index: "throttled", times: 2 },
      { index: "hotels", times: 2 },
    ],
  },
  {
    instance: "web-2",
    calls: [
      { index: "missing-index", times: 1 },
      { index: "index-quota", times: 2 },
      { index: "hotels", times: 1 },
      { index: "hotels", times: 1, key: "unknown" },
    ],
  },
  {
    instance: "worker-1",
    calls: [
      { index: "throttled", times: 1 },
      { index: "hotels", times: 2, key: "unknown" },
      { index: "hotels", times: 3 },
    ],
  },
];
/** The sum by cause across the fleet that the mix above must give. */
const EXPECTED = { indexNotFound: 4, throttled: 3, quotaExceeded: 2, invalidApiKey: 3 };

/** The only labels a series of the counter may carry: ours, Prometheus's target and the exporter's scope. */
const ALLOWED_LABELS = new Set([
  "__name__",
  "job",
  "instance",
  "otel_scope_name",
  "otel_scope_version",
  "otel_scope_schema_url",
  "azure_sdk_doctor_cause",
  "azure_sdk_doctor_category",
  "azure_sdk_doctor_service",
  "error_type",
  "http_response_status_code",
]);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a child by its pid and waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(child.pid, "SIGTERM");
  const killed = setTimeout(() => child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(killed);
}

/** Starts a worker and resolves with the causes it reports once its calls are made. */
function startWorker(plan: FleetWorkerPlan, env: NodeJS.ProcessEnv, children: ChildProcess[]) {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(plan)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise<{ instance: string; causes: Record<string, number> }>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((text) => text.startsWith("{"));
      if (line) resolve(JSON.parse(line) as { instance: string; causes: Record<string, number> });
    });
    child.once("exit", (code) => reject(new Error(`${plan.instance} exited (${code}):\n${output}`)));
  });
}

describe("a fleet: each process's counter by cause, scraped and summed by a real Prometheus", function () {
  this.timeout(120_000);
  let standIn: SearchStandIn | undefined;
  let dir: string;
  const children: ChildProcess[] = [];

  before(function () {
    if (existsSync(PROMETHEUS)) return;
    const reason = `not installed: ${PROMETHEUS} (apt-get install prometheus)`;
    if (STRICT) throw new Error(`${reason}; AZURE_SDK_DOCTOR_NETWORK_STRICT=1 makes this a failure`);
    console.warn(`      skipped: ${reason}`);
    this.skip();
  });
  after(async () => {
    await Promise.all(children.map(stop));
    await standIn?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sums the causes of three processes as they happened, with no label that names a request", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "azsd-fleet-"));
    standIn = await startSearchStandIn({ trust: false });
    const caFile = path.join(dir, "stand-in-root.pem");
    writeFileSync(caFile, standIn.ca);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: caFile };
    for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"]) {
      delete env[name];
      delete env[name.toLowerCase()];
    }

    const plans: FleetWorkerPlan[] = [];
    for (const member of FLEET)
      plans.push({
        ...member,
        endpoint: standIn.endpoint,
        adminKey: standIn.adminKey,
        port: await freePort(),
      });
    const reports = await Promise.all(plans.map((plan) => startWorker(plan, env, children)));
    const reported: Record<string, number> = {};
    for (const report of reports)
      for (const [cause, count] of Object.entries(report.causes))
        reported[cause] = (reported[cause] ?? 0) + count;
    assert.deepEqual(reported, EXPECTED, "the processes' own diagnose() calls give the mix");

    const webPort = await freePort();
    const targets = plans.map((plan) => `"127.0.0.1:${plan.port}"`).join(", ");
    writeFileSync(
      path.join(dir, "prometheus.yml"),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: fleet\n    static_configs:\n      - targets: [${targets}]\n`,
    );
    const prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        "--log.level=warn",
      ],
      { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(prometheus);
    let log = "";
    prometheus.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));

    const api = `http://127.0.0.1:${webPort}/api/v1`;
    const query = async (
      promql: string,
    ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const response = await fetch(`${api}/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; data: { result: never[] } };
      assert.equal(body.status, "success", promql);
      return body.data.result;
    };
    const byLabel = async (promql: string, label: string): Promise<Record<string, number>> =>
      Object.fromEntries((await query(promql)).map((row) => [row.metric[label]!, Number(row.value[1])]));

    const byCause = "sum by (azure_sdk_doctor_cause) (azure_sdk_doctor_client_errors_total)";
    let sums: Record<string, number> = {};
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const up = await byLabel('up{job="fleet"}', "instance");
        sums = await byLabel(byCause, "azure_sdk_doctor_cause");
        if (Object.values(up).filter((value) => value === 1).length === plans.length) break;
      } catch (error) {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited:\n${log}`, { cause: error });
      }
      if (Date.now() > deadline) break;
      await pause(250);
    }
    assert.deepEqual(sums, EXPECTED, `${byCause}\n${log}`);

    const byInstance = await byLabel("sum by (instance) (azure_sdk_doctor_client_errors_total)", "instance");
    assert.deepEqual(
      byInstance,
      Object.fromEntries(
        plans.map((plan, i) => [
          `127.0.0.1:${plan.port}`,
          Object.values(reports[i]!.causes).reduce((sum, count) => sum + count, 0),
        ]),
      ),
    );
    const series = await query("azure_sdk_doctor_client_errors_total");
    for (const row of series) {
      const stray = Object.keys(row.metric).filter((label) => !ALLOWED_LABELS.has(label));
      assert.deepEqual(stray, [], `labels of ${JSON.stringify(row.metric)}`);
      assert.equal(row.metric.azure_sdk_doctor_service, "search");
    }
  });
});
