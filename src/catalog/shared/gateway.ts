import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import type { FailureSignals } from "../../types.js";

/** A body that is not the service's JSON: an HTML page, or text from something on the path. */
function isForeignBody(s: FailureSignals): boolean {
  const start = s.body.trimStart();
  return (
    (s.contentType?.includes("html") ?? false) ||
    start.startsWith("<") ||
    (start !== "" && s.serviceMessage === undefined && !start.startsWith("{"))
  );
}

/** Answers that came from something between the client and the service. */
export const gatewayRules = [
  rule({
    cause: "gatewayError",
    category: "gateway",
    signal: "HTML or other non-JSON error body without a request-id header",
    summary:
      "Something between this machine and the service answered, not the Azure service: a proxy, firewall, captive portal or gateway (the response has no Azure request id).",
    remediation: [
      "Read the response body in the error's details or logs: it usually names the proxy or portal that answered.",
      "Check HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and whether this network needs a sign-in page first.",
      "Run `npx azure-sdk-doctor <endpoint>` to see the path to the service from here.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    retryable: true,
    match: (s) => s.status !== undefined && s.status >= 400 && !s.fromAzure && isForeignBody(s),
  }),
];
