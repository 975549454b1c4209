import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { mentions } from "../match.js";

/** Failures of the SDK itself around a Search response. */
export const searchSdkRules = forService("search", [
  rule({
    cause: "emptyErrorResponse",
    category: "sdk",
    statuses: [null],
    signal: "TypeError `Cannot read properties of undefined (reading 'error')`",
    summary:
      "@azure/search-documents 13 turned an error response with an empty body (a 401, 403, 404, 407, 429 or 503) into a TypeError, hiding the status.",
    remediation: [
      "Add diagnosisPolicy() to the client: it turns such responses into a RestError with the status and its diagnosis.",
      "Until then, set AZURE_LOG_LEVEL=info to see the status of each response in the log.",
    ],
    docs: [DOCS.httpStatusCodes],
    confidence: "inferred",
    match: (s) => s.status === undefined && mentions(s, "reading 'error'"),
  }),
]);
