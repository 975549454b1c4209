import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";

/** What the preflight finds about an Azure AI Search endpoint's URL before any request is sent. */
export const searchEndpointFindings = forService("search", [
  rule({
    cause: "unexpectedEndpoint",
    category: "configuration",
    signal: "endpoint with a path, a query, or a portal host (preflight)",
    summary:
      "The endpoint is not the bare URL of an Azure AI Search service: the client wants https://<service>.search.windows.net (search.azure.us or search.azure.cn in sovereign clouds) with no path.",
    remediation: [
      "Copy the service URL from the Overview page of the search service in the Azure portal, not the portal page's own address.",
      "Give the index name to the client separately (new SearchClient(endpoint, indexName, credential)), not as /indexes/... in the endpoint.",
    ],
    docs: [DOCS.searchDocumentsReadme, DOCS.apiKeys],
  }),
]);
