import assert from "node:assert/strict";
import { describeDomain, diagnosisOfCase, type ResponseFailure } from "./tester.js";

const PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>corporate-proxy</p></body></html>";

/** squid's 403 as a reverse proxy or an intercepting one answers it: no proxy configured in the client. */
const SQUID_403: ResponseFailure = {
  service: "search",
  status: 403,
  foreign: true,
  headers: {
    server: "squid/5.7",
    "x-squid-error": "ERR_ACCESS_DENIED 0",
    "content-type": "text/html;charset=utf-8",
  },
  body: '<!DOCTYPE html><html><head><meta type="copyright" content="Copyright (C) 1996-2022 The Squid Software Foundation and contributors"><title>ERROR: The requested URL could not be retrieved</title><style type="text/css"><!-- body { font-family: verdana } --></style></head><body></body></html>',
};

describeDomain("gateway (every client)", {
  causes: {
    gatewayError: {
      fits: [
        {
          service: "search",
          status: 502,
          foreign: true,
          body: PROXY_PAGE,
          headers: { "content-type": "text/html" },
        },
        {
          service: "keyVault",
          status: 403,
          foreign: true,
          body: "<html><title>Access Denied</title></html>",
        },
        { service: undefined, status: 504, foreign: true, body: "upstream request timeout" },
        SQUID_403,
        { service: "storage", status: 503, foreign: true, headers: { server: "Zscaler/6.2" } },
      ],
      doesNotFit: [
        { service: "search", status: 502, body: PROXY_PAGE },
        { service: "search", status: 503, foreign: true },
        { service: "storage", status: 403, foreign: true, body: '{"error":{"code":"x","message":"json"}}' },
      ],
    },
  },
});

describe("catalog: gateway, what answered", () => {
  it("names the product from its headers and quotes its page's title: exact", () => {
    const diagnosis = diagnosisOfCase(SQUID_403);
    assert.equal(diagnosis?.confidence, "exact");
    assert.equal(
      diagnosis?.detail,
      'squid answered 403 (Server: squid/5.7; X-Squid-Error: ERR_ACCESS_DENIED 0): "ERROR: The requested URL could not be retrieved".',
    );
  });

  it("names a product from Via alone, and a page without a title by its first line of text", () => {
    const diagnosis = diagnosisOfCase({
      service: "search",
      status: 403,
      foreign: true,
      headers: { via: "1.1 proxysg.corp.example (Blue Coat ProxySG)" },
      body: "<html><body>\n<script>var x = '<b>';</script><h1>Access &amp; denied</h1> by policy</body></html>",
    });
    assert.equal(diagnosis?.cause, "gatewayError");
    assert.match(
      diagnosis?.detail ?? "",
      /^Blue Coat ProxySG answered 403 \(Via: .*\): "Access & denied"\.$/,
    );
  });

  it("is inferred from the shape of the answer when nothing names itself", () => {
    const diagnosis = diagnosisOfCase({ service: "search", status: 502, foreign: true, body: PROXY_PAGE });
    assert.equal(diagnosis?.confidence, "inferred");
    assert.equal(diagnosis?.detail, 'Something without an Azure request id answered 502: "502 Bad Gateway".');
  });

  it("quotes a page redacted and bounded, on one line", () => {
    const diagnosis = diagnosisOfCase({
      service: "search",
      status: 403,
      foreign: true,
      headers: { server: "squid/5.7\u2028Forged: line" },
      body: `<title>Blocked api-key=abc123def456 ${"x".repeat(500)}</title>`,
    });
    assert.doesNotMatch(diagnosis?.detail ?? "", /abc123def456|\u2028/);
    assert.ok((diagnosis?.detail?.length ?? 0) <= 300);
  });
});
