import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run, type CommandIo } from "../../src/cli/run.js";
import { selfSigned } from "../../standin/certs.js";
import { closedPort, startHttpServer, startTlsServer, type TestServer } from "../../standin/servers.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";
import { spawnDoctor, type CommandRun } from "../support/doctor.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Whether a text holds an ANSI escape sequence (colour). */
const coloured = (text: string): boolean => text.includes("\u001b[");
const CHECK_LINE = /^[✓!✗-] (scheme|endpoint|environment|dns|proxy|tcp|tls|certificate)\b/m;

type Outcome = CommandRun;

interface JsonReport {
  endpoint: string;
  ok: boolean;
  checks: {
    id: string;
    status: string;
    summary: string;
    diagnosis?: { cause: string; confidence: string };
  }[];
  tls?: { protocol?: string; certificate?: { issuer: string; daysRemaining: number } };
  call?: {
    operation: string;
    credential: string;
    status: string;
    summary: string;
    basis?: string;
    between?: string[];
    diagnosis?: { cause: string; confidence: string; remediation: string[] };
  };
}

describe("azure-sdk-doctor command", function () {
  // Each spawn starts Node with tsx; the machine is shared and slow.
  this.timeout(120_000);

  let standIn: SearchStandIn;
  let tmp: string;
  let caFile: string;
  const servers: TestServer[] = [];

  before(async () => {
    standIn = await startSearchStandIn();
    tmp = mkdtempSync(path.join(os.tmpdir(), "doctor-cli-"));
    caFile = path.join(tmp, "stand-in-root.pem");
    writeFileSync(caFile, standIn.ca);
  });
  after(async () => {
    await standIn.close();
    await Promise.all(servers.map((server) => server.close()));
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs the command from source as a user would, trusting the stand-in's root through NODE_EXTRA_CA_CERTS. */
  function doctor(
    args: string[],
    env: Record<string, string> = {},
    nodeArgs: string[] = [],
  ): Promise<Outcome> {
    return spawnDoctor(args, { env: { NODE_EXTRA_CA_CERTS: caFile, ...env }, nodeArgs });
  }

  function json(outcome: Outcome): JsonReport {
    return JSON.parse(outcome.stdout) as JsonReport;
  }

  function assertNoSecret(outcome: Outcome, ...secrets: string[]): void {
    for (const secret of secrets) {
      assert.ok(!outcome.stdout.includes(secret), "the secret is not in stdout");
      assert.ok(!outcome.stderr.includes(secret), "the secret is not in stderr");
    }
  }

  async function serve(start: Promise<TestServer>): Promise<TestServer> {
    const server = await start;
    servers.push(server);
    return server;
  }

  describe("usage", () => {
    it("--help prints the usage on stdout and exits 0", async () => {
      const outcome = await doctor(["--help"]);
      assert.equal(outcome.code, 0);
      assert.match(outcome.stdout, /^Usage: azure-sdk-doctor <endpoint>/);
      assert.equal(outcome.stderr, "");
    });

    it("--version prints the package's version", async () => {
      const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        version: string;
      };
      const outcome = await doctor(["--version"]);
      assert.equal(outcome.code, 0);
      assert.equal(outcome.stdout, `${version}\n`);
    });

    const KEY_TYPED = "typed-on-the-command-line-0123456789";
    const usageCases: { name: string; args: string[]; env?: Record<string, string>; says: RegExp }[] = [
      { name: "no endpoint", args: [], says: /missing the endpoint/ },
      {
        name: "a key as a second argument",
        args: ["https://localhost:1", KEY_TYPED],
        says: /expected one endpoint/,
      },
      {
        name: "--api-key VALUE",
        args: ["https://localhost:1", "--api-key", KEY_TYPED],
        says: /--api-key-env VAR/,
      },
      {
        name: "--api-key=VALUE",
        args: ["https://localhost:1", `--api-key=${KEY_TYPED}`],
        says: /--api-key-env VAR/,
      },
      {
        name: "a key given as --api-key-env",
        args: ["https://localhost:1", "--api-key-env", `${KEY_TYPED}!`],
        says: /name of an environment variable/,
      },
      {
        name: "--resource-id without --entra",
        args: [
          "https://localhost:1",
          "--resource-id",
          "/subscriptions/x/resourceGroups/g/providers/Microsoft.Search/searchServices/s",
        ],
        says: /--resource-id is for reading the service through Resource Manager: add --entra/,
      },
      {
        name: "a --resource-id that is not a search service's",
        args: ["https://localhost:1", "--entra", "--resource-id", "/subscriptions/x/resourceGroups/g"],
        says: /--resource-id takes \/subscriptions\/<id>\/resourceGroups\/<group>\/providers\/Microsoft\.Search\/searchServices\/<name>/,
      },
      {
        name: "an unknown cloud",
        args: ["https://localhost:1", "--cloud", "AzureMoon"],
        says: /--cloud takes one of AzurePublicCloud, AzureUSGovernment, AzureChinaCloud/,
      },
      {
        name: "an http:// --arm-endpoint",
        args: ["https://localhost:1", "--entra", "--arm-endpoint", "http://localhost:2"],
        says: /--arm-endpoint must be an https:\/\/ URL/,
      },
      {
        name: "a timeout that is not a number",
        args: ["https://localhost:1", "--timeout", "soon"],
        says: /--timeout takes a whole number/,
      },
      { name: "an endpoint that is not a URL", args: ["mysvc.search.windows.net"], says: /not a URL/ },
      { name: "an unsupported scheme", args: ["ftp://localhost/"], says: /scheme ftp: is not supported/ },
      {
        name: "an unset key variable",
        args: ["https://localhost:1", "--api-key-env", "DOCTOR_TEST_UNSET"],
        says: /not set or is empty/,
      },
      {
        name: "an empty key variable",
        args: ["https://localhost:1", "--api-key-env", "DOCTOR_TEST_EMPTY"],
        env: { DOCTOR_TEST_EMPTY: "" },
        says: /not set or is empty/,
      },
    ];
    for (const c of usageCases) {
      it(`${c.name}: exit 2, usage on stderr, nothing on stdout`, async () => {
        const outcome = await doctor(c.args, c.env);
        assert.equal(outcome.code, 2);
        assert.equal(outcome.stdout, "");
        assert.match(outcome.stderr, c.says);
        assert.match(outcome.stderr, /Usage: azure-sdk-doctor <endpoint>/);
        assertNoSecret(outcome, KEY_TYPED);
      });
    }
  });

  describe("a healthy service", () => {
    it("admin key and --index: a line per check, the call's line, exit 0, no colour when piped", async () => {
      const outcome = await doctor([standIn.endpoint, "--index", "hotels", "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: standIn.adminKey,
      });
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      for (const id of ["scheme", "dns", "tcp", "tls", "certificate"]) {
        assert.match(outcome.stdout, new RegExp(`^[✓!-] ${id}\\b`, "m"), `a line for ${id}`);
      }
      assert.match(outcome.stdout, /^✓ call +Admin key accepted: .*index hotels holds 42 documents\./m);
      assert.match(outcome.stdout, /\n(No issues found\.|\d+ problems?: 0 failures, \d+ warnings?\.)\n$/);
      assert.ok(!coloured(outcome.stdout));
      assertNoSecret(outcome, standIn.adminKey);
    });

    it("--json prints only the report, which parses and has the fields", async () => {
      const outcome = await doctor([standIn.endpoint, "--json", "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: standIn.adminKey,
      });
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      const report = json(outcome);
      assert.equal(report.endpoint, standIn.endpoint);
      assert.equal(report.ok, true);
      assert.ok(report.checks.some((check) => check.id === "tls" && check.status === "pass"));
      assert.match(report.tls?.protocol ?? "", /^TLSv1\.[23]$/);
      assert.equal(report.tls?.certificate?.issuer.includes("Stand-in Test Root"), true);
      assert.equal(report.call?.operation, "serviceStatistics");
      assert.equal(report.call?.credential, "apiKey");
      assert.equal(report.call?.status, "pass");
      assertNoSecret(outcome, standIn.adminKey);
    });

    it("without credentials: only the preflight, and it says plainly that no call was made", async () => {
      const before = standIn.server.requests.length;
      const [asJson, text] = await Promise.all([
        doctor([standIn.endpoint, "--json"]),
        doctor([standIn.endpoint]),
      ]);
      assert.equal(asJson.code, 0, asJson.stdout + asJson.stderr);
      const call = json(asJson).call;
      assert.equal(call?.credential, "none");
      assert.equal(call?.status, "skip");
      assert.match(call?.summary ?? "", /^No call was made: no credential was given\. Add --api-key-env VAR/);
      assert.match(text.stdout, /^- call +No call was made: no credential was given\./m);
      assert.match(text.stdout, /\nNo issues found in the preflight; no call was made\.\n$/);
      assert.equal(standIn.server.requests.length, before, "no HTTP request was made");
    });

    it("a key in the environment but --api-key-env forgotten: names the variable, never its value", async () => {
      const outcome = await doctor([standIn.endpoint], { AZURE_SEARCH_API_KEY: standIn.adminKey });
      assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
      assert.match(
        outcome.stdout,
        /^- call +No call was made: no credential was given\. AZURE_SEARCH_API_KEY is set in the environment: add --api-key-env AZURE_SEARCH_API_KEY to use it/m,
      );
      assert.match(outcome.stdout, /\nNo issues found in the preflight; no call was made\.\n$/);
      assertNoSecret(outcome, standIn.adminKey);
    });

    it("colour only when asked: FORCE_COLOR adds it, NO_COLOR wins over it", async () => {
      const forced = await doctor([standIn.endpoint], { FORCE_COLOR: "1" });
      assert.ok(coloured(forced.stdout), "the test can see colour");
      const refused = await doctor([standIn.endpoint], { FORCE_COLOR: "1", NO_COLOR: "1" });
      assert.ok(!coloured(refused.stdout));
      assert.match(refused.stdout, CHECK_LINE);
    });
  });

  describe("api-keys: a query key told from an invalid one", () => {
    it("a query key with --index: queryKeyForAdminOperation, exact, with the fact that made it so, exit 1", async () => {
      const outcome = await doctor(
        [standIn.endpoint, "--index", "hotels", "--api-key-env", "SEARCH_KEY", "--json"],
        {
          SEARCH_KEY: standIn.queryKey,
        },
      );
      assert.equal(outcome.code, 1, outcome.stdout + outcome.stderr);
      const call = json(outcome).call;
      assert.equal(call?.status, "fail");
      assert.equal(call?.diagnosis?.cause, "queryKeyForAdminOperation");
      assert.equal(call?.diagnosis?.confidence, "exact");
      assert.equal(call?.basis, "a document read of index hotels with the same key succeeded");
      assert.match(call?.summary ?? "", /query key.*42 documents/);
      assertNoSecret(outcome, standIn.queryKey);

      const text = await doctor([standIn.endpoint, "--index", "hotels", "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: standIn.queryKey,
      });
      assert.match(text.stdout, /^✗ call +.*\[queryKeyForAdminOperation\]$/m);
      assert.match(
        text.stdout,
        /^ {4}Exact: a document read of index hotels with the same key succeeded\.$/m,
      );
      assert.match(text.stdout, /^ {4}• Use an admin key/m);
      assertNoSecret(text, standIn.queryKey);
    });

    it("without --index a query key and a wrong key read alike: either, the one step that tells them apart, exit 1 as with --index", async () => {
      const wrongKey = "wrong-key-1f2e3d4c5b6a";
      const [query, wrong, queryJson] = await Promise.all([
        doctor([standIn.endpoint, "--api-key-env", "SEARCH_KEY"], { SEARCH_KEY: standIn.queryKey }),
        doctor([standIn.endpoint, "--api-key-env", "SEARCH_KEY"], { SEARCH_KEY: wrongKey }),
        doctor([standIn.endpoint, "--api-key-env", "SEARCH_KEY", "--json"], { SEARCH_KEY: standIn.queryKey }),
      ]);
      assert.equal(query.code, 1);
      assert.equal(wrong.code, 1);
      for (const outcome of [query, wrong]) {
        assert.match(
          outcome.stdout,
          /^✗ call +The api-key got an empty 403 on service statistics, an admin operation: it is a query key, or an invalid key \(or this network is refused\)\. \[queryKeyForAdminOperation or invalidApiKey\]$/m,
        );
        const steps = outcome.stdout.split("\n").filter((line) => line.startsWith("    • "));
        assert.deepEqual(steps, [
          "    • Run again with --index NAME (any index of the service): a query key reads it, while an invalid key, or a refused network, gets 403 there too.",
        ]);
      }
      assert.equal(query.stdout.replace(/:\d+/g, ""), wrong.stdout.replace(/:\d+/g, ""), "the same report");
      const call = json(queryJson).call;
      assert.deepEqual(call?.between, ["queryKeyForAdminOperation", "invalidApiKey"]);
      assert.equal(call?.diagnosis?.confidence, "inferred");
      assertNoSecret(query, standIn.queryKey);
      assertNoSecret(wrong, wrongKey);
    });

    it("a wrong key with --index: invalidApiKey, still inferred, the firewall named, exit 1", async () => {
      const wrongKey = "wrong-key-7d1e0c55a9b24f0e8d3c";
      const outcome = await doctor([standIn.endpoint, "--index", "hotels", "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: wrongKey,
      });
      assert.equal(outcome.code, 1);
      assert.match(outcome.stdout, /^✗ call +.*firewall.*\[invalidApiKey, likely\]$/m);
      assert.match(outcome.stdout, /^ {4}• .*Networking/m);
      assert.match(outcome.stdout, /\n1 problem: 1 failure|\n\d+ problems: 1 failure/);
      assertNoSecret(outcome, wrongKey);

      const asJson = json(
        await doctor([standIn.endpoint, "--index", "hotels", "--api-key-env", "SEARCH_KEY", "--json"], {
          SEARCH_KEY: wrongKey,
        }),
      );
      assert.equal(asJson.ok, false);
      assert.equal(asJson.call?.diagnosis?.cause, "invalidApiKey");
      assert.equal(asJson.call?.diagnosis?.confidence, "inferred");
    });

    it("an admin key and a missing index: indexNotFound, exit 1", async () => {
      const outcome = await doctor(
        [standIn.endpoint, "--index", "missing-index", "--api-key-env", "SEARCH_KEY", "--json"],
        {
          SEARCH_KEY: standIn.adminKey,
        },
      );
      assert.equal(outcome.code, 1);
      assert.equal(json(outcome).call?.diagnosis?.cause, "indexNotFound");
    });

    it("a key the service echoes back is not printed", async () => {
      const echoedKey = "echoed-key-5b0c1f9e2a7d4c3b";
      const leaf = standIn.authority.issue({ hosts: ["localhost", "127.0.0.1"] });
      const echo = await serve(
        startTlsServer({
          cert: leaf.fullChain,
          key: leaf.key,
          handler: (req, res) => {
            res.writeHead(400, { "content-type": "application/json", "request-id": "echo" });
            res.end(
              JSON.stringify({
                error: { code: "", message: `Bad key ${String(req.headers["api-key"])} for ${req.url}` },
              }),
            );
          },
        }),
      );
      const endpoint = `https://localhost:${echo.port}`;
      for (const format of [[], ["--json"]]) {
        const outcome = await doctor([endpoint, "--api-key-env", "SEARCH_KEY", ...format], {
          SEARCH_KEY: echoedKey,
        });
        assert.equal(outcome.code, 1);
        assert.ok(
          echo.requests.some((request) => request.headers["api-key"] === echoedKey),
          "the key was sent and echoed",
        );
        assertNoSecret(outcome, echoedKey);
      }
    });
  });

  describe("failing endpoints: the call is not made", () => {
    it("self-signed certificate: tls fails with its cause and remediation, the key never reaches the server", async () => {
      const server = await serve(startTlsServer(selfSigned()));
      const key = "self-signed-key-3e9f7a1c";
      const outcome = await doctor([`https://localhost:${server.port}`, "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: key,
      });
      assert.equal(outcome.code, 1);
      assert.match(outcome.stdout, /^✗ (tls|certificate) +.*\[tlsUntrustedCertificate\]$/m);
      assert.match(outcome.stdout, /^ {4}• /m);
      assert.match(outcome.stdout, /^ {4}See https:\/\//m);
      assert.match(outcome.stdout, /NODE_EXTRA_CA_CERTS/, "the trust-store step is shown");
      assert.doesNotMatch(outcome.stdout, /Run `npx azure-sdk-doctor/, "no advice to run the command it is");
      assert.match(outcome.stdout, /^- call +Not made/m);
      assert.equal(server.requests.length, 0, "no request reached the server");
      assertNoSecret(outcome, key);
    });

    it("closed port: tcp fails, exit 1, the JSON says the call was skipped", async () => {
      const port = await closedPort();
      const outcome = await doctor([`https://localhost:${port}`, "--api-key-env", "SEARCH_KEY", "--json"], {
        SEARCH_KEY: "closed-port-key-0000",
      });
      assert.equal(outcome.code, 1);
      const report = json(outcome);
      assert.equal(report.ok, false);
      const tcp = report.checks.find((check) => check.id === "tcp");
      assert.equal(tcp?.status, "fail");
      assert.equal(tcp?.diagnosis?.cause, "connectionRefused");
      assert.equal(report.call?.status, "skip");
    });

    it("plain http://: the scheme is flagged httpNotHttps, exit 1, the key is not sent", async () => {
      const server = await serve(startHttpServer());
      const key = "plain-http-key-6c2d8e4f";
      const outcome = await doctor(
        [`http://localhost:${server.port}`, "--api-key-env", "SEARCH_KEY", "--json"],
        { SEARCH_KEY: key },
      );
      assert.equal(outcome.code, 1);
      const scheme = json(outcome).checks.find((check) => check.id === "scheme");
      assert.notEqual(scheme?.status, "pass");
      assert.equal(scheme?.diagnosis?.cause, "httpNotHttps");
      assert.equal(server.requests.filter((request) => request.headers["api-key"] !== undefined).length, 0);
      assertNoSecret(outcome, key);
    });

    it("--entra against a failing endpoint: skipped before any credential is made", async () => {
      const port = await closedPort();
      const outcome = await doctor([`https://localhost:${port}`, "--entra", "--json"]);
      assert.equal(outcome.code, 1);
      assert.equal(json(outcome).call?.credential, "entra");
      assert.equal(json(outcome).call?.status, "skip");
    });

    it("--entra without @azure/identity installed: the call fails saying how to install it", async () => {
      const hideIdentity = `data:text/javascript,${encodeURIComponent(
        'import { registerHooks } from "node:module";' +
          "registerHooks({ resolve(specifier, context, next) {" +
          ' if (specifier === "@azure/identity") { const e = new Error("Cannot find package \'@azure/identity\'"); e.code = "ERR_MODULE_NOT_FOUND"; throw e; }' +
          " return next(specifier, context); } });",
      )}`;
      const outcome = await doctor([standIn.endpoint, "--entra", "--json"], {}, ["--import", hideIdentity]);
      assert.equal(outcome.code, 1, outcome.stdout + outcome.stderr);
      const call = json(outcome).call;
      assert.equal(call?.status, "fail");
      assert.match(call?.summary ?? "", /npm install @azure\/identity/);
    });
  });

  describe("something other than the service answers the call", () => {
    it("prints what answered under Seen: the product from its headers and its page's title, redacted", async () => {
      const key = "gateway-key-5f0e2a9d";
      const server = await serve(
        startTlsServer({
          ...standIn.authority.issue({}),
          handler: (_req, res) => {
            res
              .writeHead(403, {
                server: "squid/5.7",
                "x-squid-error": "ERR_ACCESS_DENIED 0",
                "content-type": "text/html",
              })
              .end(`<html><head><title>ERROR: denied for api-key=${key}</title></head></html>`);
          },
        }),
      );
      const outcome = await doctor([`https://localhost:${server.port}`, "--api-key-env", "SEARCH_KEY"], {
        SEARCH_KEY: key,
      });
      assert.equal(outcome.code, 1);
      assert.match(outcome.stdout, /^✗ call +HTTP 403: .*\[gatewayError\]$/m);
      assert.match(
        outcome.stdout,
        /^ {4}Seen: squid answered 403 \(Server: squid\/5\.7; X-Squid-Error: ERR_ACCESS_DENIED 0\): "ERROR: denied for api-key=REDACTED"\.$/m,
      );
      assertNoSecret(outcome, key);
    });
  });

  describe("in process: run(argv, io)", () => {
    function io(isTTY: boolean, env: Record<string, string> = {}): CommandIo & { out: () => string } {
      let out = "";
      return {
        stdout: { isTTY, write: (text: string) => (out += text) },
        stderr: { isTTY, write: () => true },
        env,
        out: () => out,
      };
    }

    it("colours a terminal, not with NO_COLOR", async () => {
      const terminal = io(true);
      await run([standIn.endpoint], terminal);
      assert.ok(coloured(terminal.out()));
      const noColour = io(true, { NO_COLOR: "1" });
      await run([standIn.endpoint], noColour);
      assert.ok(!coloured(noColour.out()));
      assert.match(noColour.out(), CHECK_LINE);
    });

    it("returns the exit status instead of exiting", async () => {
      assert.equal(await run([], io(false)), 2);
      const ok = io(false, { SEARCH_KEY: standIn.adminKey });
      assert.equal(await run([standIn.endpoint, "--api-key-env", "SEARCH_KEY"], ok), 0, ok.out());
    });
  });
});
