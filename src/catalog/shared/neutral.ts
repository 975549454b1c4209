import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import type { FailureSignals } from "../../types.js";

/** How much of the service's own message a neutral diagnosis quotes. */
const QUOTED_MESSAGE = 120;

/** The service's own words: its status, code, the start of its message and its request id. */
function quote(s: FailureSignals): string {
  const said = (s.serviceMessage ?? s.message).trim().split("\n")[0] ?? "";
  const message =
    said === "" || /^unexpected status code/i.test(said)
      ? ""
      : `: "${said.length > QUOTED_MESSAGE ? `${said.slice(0, QUOTED_MESSAGE)}...` : said}"`;
  const code = s.serviceCode ? ` with code ${s.serviceCode}` : "";
  const id = s.requestId ? ` (request id ${s.requestId})` : "";
  return `The service answered ${s.status}${code}${message}${id}.`;
}

/**
 * The last resort for an error response no rule explains, whatever its service: the service's own
 * words and nothing written for another service.
 */
export const neutralRules = [
  rule({
    cause: "unrecognizedServiceError",
    category: "service",
    signal: "any other error response (4xx, 5xx), of any service",
    summary:
      "The service refused the request for a reason this library has no specific advice for; its own status, code and message say what it objects to.",
    remediation: [
      "Read the service's code and message quoted here and in the error: they name the setting, parameter or permission at fault.",
      "Look the code up in the service's REST API error reference, and quote the request id when you ask Azure support.",
      "Set AZURE_LOG_LEVEL=info to see each request and response the SDK sends, headers included.",
    ],
    docs: [DOCS.sdkLogging],
    confidence: "inferred",
    match: (s) => (s.status !== undefined && s.status >= 400 ? { detail: quote(s) } : false),
  }),
];
