/**
 * Who may call the Search stand-in, as the service's settings in Resource Manager and the role
 * assignments decide it on the real service: public network access, API keys on or off, Entra ID tokens
 * accepted or not (and the failure mode), the token's audience, tenant and expiry, and the data role the
 * operation needs. Decided before the stand-in's own key rules, which still tell admin from query keys.
 */
import type { EntraStandIn } from "./entra.js";
import {
  BUILT_IN_ROLES,
  assignmentsAt,
  covers,
  resourceIdOf,
  roleById,
  serviceJson,
  type ResourceManagerWorld,
  type SearchServiceResource,
} from "./searchResourceManager.js";
import type { Scenario, SearchAccess } from "./search.js";

const envelope = (message: string): string => JSON.stringify({ error: { code: "", message } });

/**
 * The access rule of a search service of the world.
 *
 * @param world - Resource Manager's state: the service's settings and the role assignments.
 * @param service - the service the Search stand-in plays, by name.
 * @param entra - verifies the tokens.
 * @param audience - the search audience of the world's cloud, such as https://search.azure.com.
 */
export function searchAccess(
  world: ResourceManagerWorld,
  service: string,
  entra: EntraStandIn,
  audience: string,
): SearchAccess {
  return (request) => {
    const resource = world.services.find((entry) => entry.name === service);
    if (!resource) return { status: 404, body: "" };
    const settings = serviceJson(resource).properties as Record<string, unknown>;
    // The network is checked before any credential: the answer is an empty 403 whatever was sent.
    if (settings.publicNetworkAccess !== undefined && settings.publicNetworkAccess !== "enabled") {
      return { status: 403 };
    }
    const authOptions = settings.authOptions as { aadOrApiKey?: { aadAuthFailureMode?: string } } | undefined;
    const disableLocalAuth = settings.disableLocalAuth === true;
    if (request.bearer === undefined)
      return disableLocalAuth && request.apiKey !== undefined ? { status: 403 } : undefined;

    const acceptsTokens = disableLocalAuth || authOptions?.aadOrApiKey !== undefined;
    const refused = (description: string): Scenario =>
      authOptions?.aadOrApiKey?.aadAuthFailureMode === "http403"
        ? { status: 403 }
        : {
            status: 401,
            headers: {
              "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${world.tenantId}/oauth2/authorize", resource_id="${audience}", error="invalid_token", error_description="${description}"`,
            },
          };
    if (!acceptsTokens) return refused("The service accepts API keys only.");
    const claims = entra.verify(request.bearer);
    if (!claims) return refused("The token could not be validated.");
    if (claims.aud.replace(/\/$/, "") !== audience) return refused("The audience is invalid.");
    if (claims.tid !== world.tenantId) return refused("The issuer is invalid.");
    if (claims.exp <= Date.now() / 1000) return refused("The token is expired.");
    return holdsDataRole(world, resource, claims.oid, request.isRead, request.indexName)
      ? "allow"
      : { status: 403, body: envelope("Authorization failed.") };
  };
}

/** Whether the principal holds a role that grants the request: document reads by data action, the rest by Search Service Contributor. */
function holdsDataRole(
  world: ResourceManagerWorld,
  service: SearchServiceResource,
  objectId: string,
  isRead: boolean,
  indexName: string | undefined,
): boolean {
  const id = resourceIdOf(service);
  const scope = isRead && indexName ? `${id}/indexes/${indexName}` : id;
  return assignmentsAt(world, objectId, scope).some((entry) => {
    if (!isRead) return entry.roleDefinitionId === BUILT_IN_ROLES.searchServiceContributor.id;
    const role = roleById(entry.roleDefinitionId);
    return (
      role?.dataActions.some((pattern) =>
        covers(pattern, "Microsoft.Search/searchServices/indexes/documents/read"),
      ) ?? false
    );
  });
}
