import assert from "node:assert/strict";
import { preflight } from "../../src/index.js";
import { addressKind, describeAddresses } from "../../src/preflight/checks/dns.js";
import { checkEndpoint } from "../../src/preflight/checks/endpoint.js";
import { checkEnvironment } from "../../src/preflight/checks/environment.js";
import { startSilentServer, type TestServer } from "../../standin/servers.js";

describe("preflight(): input, limits and the checks that need no network", () => {
  describe("bad input rejects with a TypeError naming the problem", () => {
    const cases: { input: unknown; message: RegExp }[] = [
      { input: "", message: /empty string/ },
      { input: "   ", message: /empty string/ },
      { input: "not a url", message: /"not a url" is not a URL/ },
      {
        input: "mysvc.search.windows.net",
        message: /Did you mean "https:\/\/mysvc\.search\.windows\.net"\?/,
      },
      { input: "ftp://mysvc.search.windows.net", message: /unsupported scheme "ftp:"/ },
      { input: "file:///etc/passwd", message: /unsupported scheme "file:"/ },
      { input: 42, message: /must be a URL string.*not number/ },
      { input: undefined, message: /must be a URL string.*not undefined/ },
    ];
    for (const c of cases) {
      it(`${JSON.stringify(c.input) ?? "undefined"}`, async () => {
        await assert.rejects(preflight(c.input as string), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, c.message);
          return true;
        });
      });
    }

    it("does not repeat a key found in an unparsable endpoint", async () => {
      await assert.rejects(preflight("mysvc search?api-key=abcd1234secret"), (error: Error) => {
        assert.ok(!error.message.includes("abcd1234secret"), error.message);
        return true;
      });
    });

    it("rejects a timeout that is not a positive number with a RangeError", async () => {
      for (const timeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(preflight("https://localhost:1", { timeoutMs }), RangeError);
      }
    });
  });

  describe("every network step is bounded", () => {
    let silent: TestServer;
    before(async () => {
      silent = await startSilentServer();
    });
    after(() => silent.close());

    it("reports a handshake that never answers as connectTimeout once timeoutMs passes", async () => {
      const report = await preflight(`https://localhost:${silent.port}`, { timeoutMs: 300 });
      assert.equal(report.ok, false);
      const tls = report.checks.find((c) => c.id === "tls");
      assert.equal(tls?.status, "fail");
      assert.equal(tls?.diagnosis?.cause, "connectTimeout");
      assert.match(tls?.summary ?? "", /timed out after 300 ms/);
      assert.ok(silent.received.length > 0, "the client hello was sent, and nothing else");
    });

    it("rejects with an AbortError when the signal fires mid-handshake", async () => {
      const controller = new AbortController();
      const run = preflight(`https://localhost:${silent.port}`, {
        timeoutMs: 60_000,
        abortSignal: controller.signal,
      });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(run, { name: "AbortError" });
    });

    it("rejects at once with an AbortError when the signal has already fired", async () => {
      await assert.rejects(
        preflight(`https://localhost:${silent.port}`, { abortSignal: AbortSignal.abort() }),
        {
          name: "AbortError",
        },
      );
    });
  });

  describe("endpoint check", () => {
    const cases: { url: string; status: string; summary: RegExp; cause?: string }[] = [
      { url: "https://mysvc.search.windows.net", status: "pass", summary: /"mysvc" in the public cloud/ },
      { url: "https://gov.search.azure.us", status: "pass", summary: /"gov" in Azure Government/ },
      { url: "https://cn.search.azure.cn/", status: "pass", summary: /"cn" in Azure China/ },
      {
        url: "https://mysvc.search.windows.net/indexes/hotels/docs",
        status: "warn",
        summary: /path or query/,
        cause: "unexpectedEndpoint",
      },
      {
        url: "https://mysvc.search.windows.net?api-version=2024-07-01",
        status: "warn",
        summary: /path or query/,
        cause: "unexpectedEndpoint",
      },
      {
        url: "https://portal.azure.com/#@contoso/resource",
        status: "warn",
        summary: /Azure portal/,
        cause: "unexpectedEndpoint",
      },
      { url: "https://20.42.0.1", status: "warn", summary: /IP address/, cause: "tlsHostnameMismatch" },
      { url: "https://[2603:1030::5]", status: "warn", summary: /IP address/, cause: "tlsHostnameMismatch" },
      { url: "https://search.contoso.com", status: "pass", summary: /not an Azure AI Search host name/ },
      { url: "https://localhost:8443", status: "pass", summary: /this machine/ },
    ];
    for (const c of cases) {
      it(`${c.url} -> ${c.status}${c.cause ? ` (${c.cause})` : ""}`, () => {
        const result = checkEndpoint(new URL(c.url));
        assert.equal(result.status, c.status);
        assert.match(result.summary, c.summary);
        assert.equal(result.diagnosis?.cause, c.cause);
      });
    }
  });

  describe("environment check", () => {
    it("warns that NODE_TLS_REJECT_UNAUTHORIZED=0 disables certificate checks", () => {
      const result = checkEnvironment("localhost", {}, undefined, { NODE_TLS_REJECT_UNAUTHORIZED: "0" });
      assert.equal(result.status, "warn");
      assert.equal(result.diagnosis?.cause, "certificateChecksDisabled");
      assert.equal(result.diagnosis?.category, "tls");
      assert.match(result.summary, /NODE_TLS_REJECT_UNAUTHORIZED=0/);
    });

    it("warns that NODE_EXTRA_CA_CERTS names a missing file, through preflight() too", async () => {
      const missing = "/nonexistent/company-root.pem";
      const direct = checkEnvironment("localhost", {}, undefined, { NODE_EXTRA_CA_CERTS: missing });
      assert.equal(direct.diagnosis?.cause, "extraCaCertsMissing");
      assert.match(direct.summary, /company-root\.pem, which does not exist/);

      const before = process.env.NODE_EXTRA_CA_CERTS;
      process.env.NODE_EXTRA_CA_CERTS = missing;
      try {
        const report = await preflight("https://localhost:1", { timeoutMs: 2000 });
        const environment = report.checks.find((c) => c.id === "environment");
        assert.equal(environment?.status, "warn");
        assert.equal(environment?.diagnosis?.cause, "extraCaCertsMissing");
      } finally {
        if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
        else process.env.NODE_EXTRA_CA_CERTS = before;
      }
    });

    it("passes a clean environment and says which proxy applies, without its credentials", () => {
      const proxy = { url: new URL("http://user:pa55word@proxy.contoso.test:3128"), source: "HTTPS_PROXY" };
      const result = checkEnvironment("mysvc.search.windows.net", { proxy }, undefined, {});
      assert.equal(result.status, "pass");
      assert.match(result.summary, /The proxy http:\/\/proxy\.contoso\.test:3128 from HTTPS_PROXY applies/);
      assert.ok(!result.summary.includes("pa55word") && !result.summary.includes("user"));
    });
  });

  describe("dns: where the address is", () => {
    it("tells loopback, private and public addresses apart", () => {
      assert.equal(addressKind("127.0.0.1"), "loopback");
      assert.equal(addressKind("::1"), "loopback");
      for (const address of ["10.1.2.3", "172.20.0.4", "192.168.1.10", "fd00::1"])
        assert.equal(addressKind(address), "private", address);
      for (const address of ["20.42.0.1", "52.1.2.3", "2603:1030::5"])
        assert.equal(addressKind(address), "public", address);
    });

    it("says a private answer means a private endpoint, and a public one the public endpoint", () => {
      assert.match(
        describeAddresses("mysvc.search.windows.net", ["10.0.0.5"]),
        /private endpoint .* is in use/,
      );
      assert.match(describeAddresses("mysvc.search.windows.net", ["20.42.0.1"]), /public address/);
    });
  });
});
