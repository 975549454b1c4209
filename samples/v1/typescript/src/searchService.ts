/**
 * Where the samples connect: your Azure AI Search service when SEARCH_ENDPOINT is set, otherwise a
 * local stand-in started on 127.0.0.1 (not Azure) so every sample runs without an account.
 *
 * Environment:
 * - SEARCH_ENDPOINT: https://<service>.search.windows.net
 * - SEARCH_API_KEY: an admin key; or SEARCH_USE_ENTRA=true to sign in with DefaultAzureCredential
 * - SEARCH_INDEX_NAME: an existing index. Defaults to "hotels".
 */
import { AzureKeyCredential } from "@azure/search-documents";
import type { TokenCredential } from "@azure/identity";

/** The service a sample talks to. */
export interface SearchService {
  endpoint: string;
  credential: AzureKeyCredential | TokenCredential;
  /** An index that exists on the service. */
  indexName: string;
  /** A query key, when one is known: the stand-in's; for your service, SEARCH_QUERY_KEY. */
  queryKey?: string;
  /** Stops the stand-in; nothing to do for your own service. */
  close(): Promise<void>;
}

/** Connects to the service named by the environment, or starts the stand-in when none is. */
export async function searchService(): Promise<SearchService> {
  const endpoint = process.env["SEARCH_ENDPOINT"];
  const indexName = process.env["SEARCH_INDEX_NAME"] ?? "hotels";
  if (endpoint) {
    return {
      endpoint,
      credential: await credentialFromEnvironment(),
      indexName,
      queryKey: process.env["SEARCH_QUERY_KEY"],
      close: async () => undefined,
    };
  }

  // Loaded only here: the stand-in and its certificate factory belong to this repository's tests.
  const { startSearchStandIn } = await import("../../../../standin/search.js");
  // The stand-in is on 127.0.0.1; a proxy from the environment would be asked for loopback addresses.
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]) {
    delete process.env[name];
    delete process.env[name.toLowerCase()];
  }
  const standIn = await startSearchStandIn();
  console.log(`(Using the local stand-in for Azure AI Search at ${standIn.endpoint}; it is not Azure.)`);
  return {
    endpoint: standIn.endpoint,
    credential: new AzureKeyCredential(standIn.adminKey),
    indexName,
    queryKey: standIn.queryKey,
    close: () => standIn.close(),
  };
}

async function credentialFromEnvironment(): Promise<AzureKeyCredential | TokenCredential> {
  if (process.env["SEARCH_USE_ENTRA"] === "true") {
    // Constructed only when asked for: DefaultAzureCredential probes for a managed identity.
    const { DefaultAzureCredential } = await import("@azure/identity");
    return new DefaultAzureCredential();
  }
  const apiKey = process.env["SEARCH_API_KEY"];
  if (!apiKey) throw new Error("Set SEARCH_API_KEY, or SEARCH_USE_ENTRA=true, with SEARCH_ENDPOINT.");
  return new AzureKeyCredential(apiKey);
}
