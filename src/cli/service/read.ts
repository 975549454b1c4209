import type { TokenCredential } from "../call.js";
import type { Cloud } from "../cloud.js";
import { claimsOf } from "../token.js";
import { findService, parseResourceId, type ServiceLocation } from "./locate.js";
import { managementClients, type ManagementClients, type SearchServiceResource } from "./resourceManager.js";
import { grants, rolesNeeded, searchDataRoleOf, type RoleDefinitionFacts } from "./roles.js";
import type {
  CallOperation,
  PrincipalFacts,
  RoleAssignmentFact,
  RolesSection,
  SearchServiceConfiguration,
  ServiceSection,
} from "./types.js";

/** What reading a service needs. */
export interface ServiceReadRequest {
  /** The search endpoint, to find the resource by. */
  endpoint: string;
  cloud: Cloud;
  /** The Resource Manager endpoint: the cloud's, or `--arm-endpoint`. */
  resourceManager: string;
  /** `--resource-id`, when given. */
  resourceId?: string;
  credential: TokenCredential;
  /** The call's operation and index, which decide the role needed. */
  operation: CallOperation;
  index?: string;
  /** The most each read may take. */
  timeoutMs: number;
}

/**
 * Reads the search service's settings and the signed-in principal's role assignments on it through
 * Resource Manager. Never throws: what cannot be read is said in `reason`, in one line.
 *
 * @param request - the service, the cloud, the credential and the call's operation.
 */
export async function readService(request: ServiceReadRequest): Promise<ServiceSection> {
  const { cloud, resourceManager, credential, timeoutMs } = request;
  const signal = (): AbortSignal => AbortSignal.timeout(timeoutMs);
  const unread = { read: false, cloud: cloud.name, resourceManager } as const;

  let principal: PrincipalFacts;
  try {
    const token = await credential.getToken(`${cloud.resourceManagerAudience}/.default`, {
      abortSignal: signal(),
    });
    if (!token) return { ...unread, reason: "The credential gave no token for Resource Manager." };
    const claims = claimsOf(token.token);
    principal = { objectId: claims?.objectId, tenantId: claims?.tenantId, type: claims?.identityType };
  } catch (error) {
    return { ...unread, reason: `No token for Resource Manager: ${firstLine(error)}` };
  }

  const clients = await managementClients(credential, resourceManager, cloud.resourceManagerAudience);
  if (typeof clients === "string") return { ...unread, principal, reason: clients };

  let location: ServiceLocation | string | undefined;
  const foundBy = request.resourceId ? "resourceId" : "resourceGraph";
  try {
    location = request.resourceId
      ? parseResourceId(request.resourceId)
      : await findService(clients.graph, request.endpoint, cloud, signal());
  } catch (error) {
    return { ...unread, principal, reason: failureOf(error, "query Resource Graph", timeoutMs).reason };
  }
  if (location === undefined)
    return { ...unread, principal, reason: "--resource-id is not a search service's id." };
  if (typeof location === "string") return { ...unread, principal, reason: location };

  const found = { ...unread, principal, foundBy, resourceId: location.resourceId } as const;
  let service: SearchServiceResource;
  try {
    service = await clients
      .search(location.subscriptionId)
      .services.get(location.resourceGroup, location.name, { abortSignal: signal() });
  } catch (error) {
    const failure = failureOf(error, "read the service", timeoutMs);
    return failure.tenantId
      ? {
          ...found,
          tenantId: failure.tenantId,
          tenantSource: "Resource Manager (InvalidAuthenticationTokenTenant)",
          reason: failure.reason,
        }
      : { ...found, reason: failure.reason };
  }

  const tenant = location.tenantId
    ? { tenantId: location.tenantId, tenantSource: "Resource Graph" }
    : // Resource Manager accepts only tokens of the tenant that holds the subscription.
      { tenantId: principal.tenantId, tenantSource: "Resource Manager" };
  return {
    ...found,
    read: true,
    ...tenant,
    location: service.location,
    configuration: configurationOf(service),
    roles: await readRoles(clients, location, principal, request, signal),
  };
}

/**
 * The settings of a search service that decide who may call it and from where.
 *
 * @param service - the resource, as @azure/arm-search returned it.
 */
export function configurationOf(service: SearchServiceResource): SearchServiceConfiguration {
  const aadOrApiKey = service.authOptions?.aadOrApiKey;
  const authOptions = service.authOptions?.apiKeyOnly
    ? "apiKeyOnly"
    : aadOrApiKey
      ? "aadOrApiKey"
      : undefined;
  const disableLocalAuth = service.disableLocalAuth === true;
  return {
    sku: service.sku?.name,
    authOptions,
    aadAuthFailureMode: aadOrApiKey?.aadAuthFailureMode,
    disableLocalAuth,
    accepts: { apiKeys: !disableLocalAuth, entraTokens: disableLocalAuth || authOptions === "aadOrApiKey" },
    publicNetworkAccess: service.publicNetworkAccess,
    ipRules: (service.networkRuleSet?.ipRules ?? []).flatMap((rule) => (rule.value ? [rule.value] : [])),
    bypass: service.networkRuleSet?.bypass,
    privateEndpoints: (service.privateEndpointConnections ?? []).map((connection) => {
      const id = connection.properties?.privateEndpoint?.id;
      return {
        name: id?.split("/").pop(),
        privateEndpointId: id,
        status: connection.properties?.privateLinkServiceConnectionState?.status,
      };
    }),
    cmkEnforcement: service.encryptionWithCmk?.enforcement,
    cmkCompliance: service.encryptionWithCmk?.encryptionComplianceStatus,
    semanticSearch: service.semanticSearch,
  };
}

async function readRoles(
  clients: ManagementClients,
  location: ServiceLocation,
  principal: PrincipalFacts,
  request: ServiceReadRequest,
  signal: () => AbortSignal,
): Promise<RolesSection> {
  const { operation, index } = request;
  const unread: RolesSection = {
    read: false,
    assignments: [],
    searchDataRoles: [],
    operation,
    operationNeeds: rolesNeeded(operation),
    holdsNeeded: false,
  };
  const objectId = principal.objectId;
  if (!objectId)
    return { ...unread, reason: "The Resource Manager token names no principal (no oid claim)." };
  const authorization = clients.authorization(location.subscriptionId);
  try {
    const found: { fact: RoleAssignmentFact; definitionId: string }[] = [];
    // assignedTo() also returns the assignments of the groups the principal belongs to.
    const assignments = authorization.roleAssignments.listForScope(withoutLeadingSlash(location.resourceId), {
      filter: `assignedTo('${objectId}')`,
      abortSignal: signal(),
    });
    for await (const assignment of assignments) {
      const scope = assignment.scope ?? "";
      const scopeKind = scopeKindOf(scope, location.resourceId);
      if (!scopeKind || !assignment.roleDefinitionId) continue;
      found.push({
        definitionId: assignment.roleDefinitionId,
        fact: {
          role: assignment.roleDefinitionId.split("/").pop() ?? "",
          roleDefinitionId: assignment.roleDefinitionId.split("/").pop() ?? "",
          scope,
          scopeKind,
          viaGroup: assignment.principalId?.toLowerCase() !== objectId.toLowerCase(),
        },
      });
    }
    const definitions = new Map<string, RoleDefinitionFacts>();
    await Promise.all(
      [...new Set(found.map((entry) => entry.definitionId))].map(async (id) => {
        const definition = await authorization.roleDefinitions.getById(withoutLeadingSlash(id), {
          abortSignal: signal(),
        });
        const permissions = definition.permissions ?? [];
        definitions.set(id, {
          id: definition.name ?? id.split("/").pop() ?? id,
          roleName: definition.roleName ?? id,
          dataActions: permissions.flatMap((permission) => permission.dataActions ?? []),
          notDataActions: permissions.flatMap((permission) => permission.notDataActions ?? []),
        });
      }),
    );
    const searchDataRoles = new Set<string>();
    let holdsNeeded = false;
    const facts = found.map(({ fact, definitionId }) => {
      const definition = definitions.get(definitionId);
      if (!definition) return fact;
      const dataRole = searchDataRoleOf(definition);
      if (dataRole)
        searchDataRoles.add(
          fact.scopeKind === "index" ? `${dataRole} (on ${fact.scope.split("/").pop()})` : dataRole,
        );
      holdsNeeded ||= grants(fact, definition, operation, index);
      return { ...fact, role: definition.roleName, roleDefinitionId: definition.id };
    });
    return { ...unread, read: true, assignments: facts, searchDataRoles: [...searchDataRoles], holdsNeeded };
  } catch (error) {
    return { ...unread, reason: failureOf(error, "list the role assignments", request.timeoutMs).reason };
  }
}

/** Which of the service's scopes an assignment's scope is, or undefined for one that does not apply to it. */
function scopeKindOf(scope: string, resourceId: string): RoleAssignmentFact["scopeKind"] | undefined {
  const own = scope.toLowerCase().replace(/\/+$/, "");
  const service = resourceId.toLowerCase();
  if (own === service) return "service";
  if (own.startsWith(`${service}/indexes/`)) return "index";
  if (own === "") return "root";
  if (own.startsWith("/providers/microsoft.management/managementgroups/")) return "managementGroup";
  if (!service.startsWith(`${own}/`)) return undefined;
  return /^\/subscriptions\/[^/]+$/.test(own) ? "subscription" : "resourceGroup";
}

/** The generated clients put a scope after a slash of their own; an id's leading one would double it. */
function withoutLeadingSlash(id: string): string {
  return id.replace(/^\/+/, "");
}

/** A Resource Manager failure in one line, and the subscription's tenant when the token was from another. */
function failureOf(error: unknown, doing: string, timeoutMs: number): { reason: string; tenantId?: string } {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") {
    return { reason: `Could not ${doing}: no answer from Resource Manager within ${timeoutMs} ms.` };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(error);
  const tenantId = /must match the tenant '(?:https?:\/\/[^/']+\/)?([0-9a-f-]{36})\/?'/i.exec(message)?.[1];
  const label = [typeof status === "number" ? String(status) : "", typeof code === "string" ? code : ""]
    .filter(Boolean)
    .join(" ");
  return {
    reason: `Resource Manager refused to ${doing}${label ? ` (${label})` : ""}: ${message}`,
    tenantId,
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() ?? "";
}
