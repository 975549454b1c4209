import { serviceNameOf, type Cloud } from "../cloud.js";
import type { ManagementClients } from "./resourceManager.js";

/** Where a search service's resource is. */
export interface ServiceLocation {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** The tenant that holds it, when Resource Graph said so. */
  tenantId?: string;
}

const RESOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Search\/searchServices\/([^/]+)$/i;

/**
 * Reads a search service's resource id, such as
 * `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Search/searchServices/<name>`.
 *
 * @param resourceId - the value of `--resource-id`.
 * @returns its parts, or undefined when it is not the id of a search service.
 */
export function parseResourceId(resourceId: string): ServiceLocation | undefined {
  const match = RESOURCE_ID.exec(resourceId.replace(/\/+$/, ""));
  if (!match) return undefined;
  const [id, subscriptionId = "", resourceGroup = "", name = ""] = match;
  return { resourceId: id, subscriptionId, resourceGroup, name };
}

/** A KQL string literal. */
function kql(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * The Resource Graph query that finds a search service by its endpoint: by the name in a standard host
 * (`<name>.search.windows.net`), or by the endpoint the resource itself records.
 *
 * @param endpoint - the search endpoint.
 * @param cloud - its cloud.
 */
export function serviceQuery(endpoint: string, cloud: Cloud): string {
  const origin = new URL(endpoint).origin.toLowerCase();
  const name = serviceNameOf(endpoint, cloud);
  const byEndpoint = `tolower(tostring(properties.endpoint)) in (${kql(origin)}, ${kql(`${origin}/`)})`;
  return [
    "resources",
    "| where type =~ 'microsoft.search/searchservices'",
    `| where ${name ? `name =~ ${kql(name)} or ` : ""}${byEndpoint}`,
    "| project id, name, tenantId, subscriptionId, resourceGroup",
  ].join("\n");
}

/**
 * Finds the search service's resource among every subscription the identity can see, with one
 * Resource Graph query.
 *
 * @param graph - the Resource Graph client.
 * @param endpoint - the search endpoint.
 * @param cloud - its cloud.
 * @param abortSignal - bounds the query.
 * @returns where it is, or why it was not found, in one line.
 */
export async function findService(
  graph: ManagementClients["graph"],
  endpoint: string,
  cloud: Cloud,
  abortSignal: AbortSignal,
): Promise<ServiceLocation | string> {
  const answer = await graph.resources(
    { query: serviceQuery(endpoint, cloud), options: { resultFormat: "objectArray" } },
    { abortSignal },
  );
  const rows = Array.isArray(answer.data) ? (answer.data as Record<string, unknown>[]) : [];
  for (const row of rows) {
    const location = typeof row.id === "string" ? parseResourceId(row.id) : undefined;
    if (location)
      return { ...location, tenantId: typeof row.tenantId === "string" ? row.tenantId : undefined };
  }
  return `Resource Graph finds no search service with the endpoint ${new URL(endpoint).origin} in the subscriptions this identity can read; give it with --resource-id, or grant the identity Reader on it.`;
}
