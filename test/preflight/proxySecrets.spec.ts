import assert from "node:assert/strict";
import net from "node:net";
import util from "node:util";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import { diagnosisPolicy, preflight, type PreflightReport } from "../../src/index.js";
import { spawnDoctor } from "../support/doctor.js";

/**
 * Proxy credentials are secrets too: a proxy that echoes the `Proxy-Authorization` it was sent, and
 * the password, in its 407's status line, headers and page, through the preflight alone, through the
 * policy's preflight (the PreflightFailed error), and through the command (text and --json).
 */

const USER = "alice";
const PASSWORD = "s3cret-proxy-pass";
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
const SECRETS = [PASSWORD, BASIC, encodeURIComponent(PASSWORD)];

/** A proxy that refuses every CONNECT with 407, repeating what it was sent everywhere it can. */
async function startEchoingProxy(): Promise<{ port: number; connects: number; close(): Promise<void> }> {
  const state = { connects: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let head = "";
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      state.connects += 1;
      const sent = /proxy-authorization: *([^\r\n]*)/i.exec(head)?.[1] ?? "none";
      const decoded = Buffer.from(sent.replace(/^Basic /i, ""), "base64").toString("utf8");
      const page = `<html><body>Proxy-Authorization: ${sent} was refused; password=${decoded.split(":")[1] ?? ""}</body></html>`;
      socket.end(
        `HTTP/1.1 407 Denied ${decoded} (Proxy-Authorization: ${sent})\r\n` +
          `Proxy-Authenticate: Basic realm="${decoded}"\r\nX-Echo: ${sent}\r\n` +
          `Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(page)}\r\n\r\n${page}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connects() {
      return state.connects;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function assertNoSecret(texts: readonly string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `a proxy credential shows in ${text}`);
  }
}

describe("proxy credentials a proxy echoes never leave", function () {
  this.timeout(120_000);
  let proxy: Awaited<ReturnType<typeof startEchoingProxy>>;
  const logs: string[] = [];
  let restore: () => void;

  before(async () => {
    proxy = await startEchoingProxy();
  });
  after(async () => proxy.close());
  beforeEach(() => {
    logs.length = 0;
    const previous = { log: AzureLogger.log, level: getLogLevel() };
    AzureLogger.log = (...args: unknown[]) => logs.push(util.format(...args));
    setLogLevel("verbose");
    restore = () => {
      AzureLogger.log = previous.log;
      setLogLevel(previous.level);
    };
  });
  afterEach(() => restore());

  it("preflight(): the proxy check fails with the 407, and the report holds no credential", async () => {
    const before = proxy.connects;
    const report = await preflight("https://search.invalid", {
      proxyOptions: { host: "http://127.0.0.1", port: proxy.port, username: USER, password: PASSWORD },
      timeoutMs: 5000,
    });
    assert.equal(proxy.connects, before + 1, "the proxy was asked, with the credentials");
    const check = report.checks.find((c) => c.id === "proxy");
    assert.equal(check?.status, "fail");
    assert.match(check?.summary ?? "", /407/);
    assertNoSecret([JSON.stringify(report), util.inspect(report, { depth: 10 })]);
  });

  it("the policy's preflight: the PreflightFailed error's message, stack, report and the logs hold none", async () => {
    const client = new SearchClient(
      "https://search.invalid",
      "hotels",
      new AzureKeyCredential("proxy-spec-key-0123456789"),
      {
        proxyOptions: { host: "http://127.0.0.1", port: proxy.port, username: USER, password: PASSWORD },
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [
          { policy: diagnosisPolicy({ preflight: { timeoutMs: 5000 } }), position: "perCall" },
        ],
      },
    );
    let error: unknown;
    try {
      await client.getDocumentsCount();
    } catch (caught) {
      error = caught;
    }
    assert.equal((error as { code?: string }).code, "PreflightFailed");
    const report = (error as { preflight?: PreflightReport }).preflight;
    assert.equal(report?.checks.find((c) => c.id === "proxy")?.status, "fail");
    assertNoSecret([
      (error as Error).message,
      String((error as Error).stack),
      util.inspect(error, { depth: 10 }),
      JSON.stringify(report),
      ...logs,
    ]);
  });

  it("the command, in text and --json, with the proxy and its password in HTTPS_PROXY", async () => {
    const env: Record<string, string> = {
      HTTPS_PROXY: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`,
    };
    for (const args of [["https://search.invalid"], ["https://search.invalid", "--json"]]) {
      const { stdout, stderr } = await spawnDoctor(args, { env });
      assert.match(stdout, /407/, "the proxy's refusal is reported");
      assertNoSecret([stdout, stderr]);
    }
  });
});
