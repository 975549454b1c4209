import { describeDomain } from "./tester.js";

describeDomain("proxy (every client)", {
  causes: {
    proxyAuthenticationRequired: {
      fits: [
        {
          service: "search",
          status: 407,
          foreign: true,
          headers: { "proxy-authenticate": 'Basic realm="proxy"' },
        },
        { service: "storage", status: 407, foreign: true },
        { service: undefined, status: 407, foreign: true },
      ],
      doesNotFit: [
        { service: "search", status: 401, credential: "bearer" },
        { service: "storage", status: 403, foreign: true, body: "<html>Access denied by proxy</html>" },
      ],
    },
  },
  findings: ["proxyTunnelRefused"],
});
