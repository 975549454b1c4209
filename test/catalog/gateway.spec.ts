import { describeDomain } from "./tester.js";

const PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>corporate-proxy</p></body></html>";

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
      ],
      doesNotFit: [
        { service: "search", status: 502, body: PROXY_PAGE },
        { service: "search", status: 503, foreign: true },
        { service: "storage", status: 403, foreign: true, body: '{"error":{"code":"x","message":"json"}}' },
      ],
    },
  },
});
