import { rule } from "../define.js";
import { DOCS } from "../docs.js";

/** Proxies between this machine and the service. */
export const proxyRules = [
  rule({
    cause: "proxyAuthenticationRequired",
    category: "network",
    statuses: [407],
    signal: "HTTP 407",
    summary: "A proxy between this machine and the service wants credentials before it forwards the request.",
    remediation: [
      "Give the proxy's user name and password in proxyOptions (username, password) or in the proxy URL of HTTPS_PROXY.",
      "If the proxy should not be used for this host, add the host to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) => s.status === 407,
  }),
];

/** What the preflight finds about the proxy before any request fails. */
export const proxyFindings = [
  rule({
    cause: "proxyTunnelRefused",
    category: "network",
    signal: "the proxy answered CONNECT with a status other than 200 or 407 (preflight)",
    summary:
      "The proxy refused to open a tunnel to the endpoint: its policy blocks the host or port, or it cannot reach it.",
    remediation: [
      "Ask the proxy's administrators to allow CONNECT to the service's host on port 443.",
      "If the host should not go through the proxy, add it to NO_PROXY.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
  }),
];
