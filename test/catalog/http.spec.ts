import { describeDomain } from "./tester.js";

describeDomain("plain HTTP (every client)", {
  causes: {
    httpNotHttps: {
      fits: [
        {
          thrown: new Error(
            "Cannot connect to http://contoso.example/ while allowInsecureConnection is false.",
          ),
        },
        {
          thrown: new Error(
            "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.",
          ),
          service: "keyVault",
        },
        { service: "search", status: 502, scheme: "http" },
        { service: undefined, status: 502, scheme: "http", foreign: true, body: "<html>Bad Gateway</html>" },
      ],
      doesNotFit: [
        { service: "search", status: 502 },
        { service: "search", status: 503, scheme: "http" },
        { thrown: new Error("allowInsecureConnection") },
      ],
    },
  },
});
