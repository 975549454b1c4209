/**
 * A loopback stand-in for Azure Resource Manager, as much of it as reading a search service takes:
 * Resource Graph queries for search services, the search service resource (api-version 2025-05-01),
 * role assignments (`assignedTo()`), and role definitions, in their real JSON shapes, with the real
 * 401 and 403 errors. Bearer tokens must come from the Entra ID stand-in; who may read what follows
 * the role assignments of the {@link ResourceManagerWorld}, group memberships included.
 * It is not Azure: one tenant's subscriptions, one provider, no writes.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { EntraStandIn, TokenClaims } from "./entra.js";
import type { Authority } from "./certs.js";
import { startTlsServer, type TestServer } from "./servers.js";

/** A search service as Resource Manager holds it. */
export interface SearchServiceResource {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  sku: string;
  /** `properties`: what `services.get` returns beside the defaults (see {@link serviceJson}). */
  properties: Record<string, unknown>;
}

/** A role assignment: a principal (a user, an app, a group) holds a role at a scope. */
export interface RoleAssignmentEntry {
  principalId: string;
  principalType: "User" | "ServicePrincipal" | "Group";
  /** The role definition's GUID. */
  roleDefinitionId: string;
  scope: string;
}

/** Everything Resource Manager knows in this stand-in; tests change it between runs. */
export interface ResourceManagerWorld {
  /** The tenant that holds every subscription. */
  tenantId: string;
  subscriptions: string[];
  /** The audience Resource Manager tokens must have, such as https://management.azure.com. */
  audience: string;
  services: SearchServiceResource[];
  roleAssignments: RoleAssignmentEntry[];
  /** Group object ids and their members' object ids. */
  groups: Record<string, string[]>;
}

/** The built-in roles the stand-in knows, with their real ids and permissions. */
export const BUILT_IN_ROLES = {
  owner: {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description:
      "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: [],
    dataActions: [],
  },
  contributor: {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description:
      "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
      "Microsoft.Blueprint/blueprintAssignments/write",
      "Microsoft.Blueprint/blueprintAssignments/delete",
      "Microsoft.Compute/galleries/share/action",
    ],
    dataActions: [],
  },
  reader: {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: ["*/read"],
    notActions: [],
    dataActions: [],
  },
  searchServiceContributor: {
    id: "7ca78c08-252a-4471-8644-bb5ff32d4ba0",
    roleName: "Search Service Contributor",
    description: "Lets you manage Search services, but not access to them.",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Search/searchServices/*",
      "Microsoft.Support/*",
    ],
    notActions: [],
    dataActions: [],
  },
  searchIndexDataReader: {
    id: "1407120a-92aa-4202-b7e9-c0e197c71c8f",
    roleName: "Search Index Data Reader",
    description: "Grants read access to Azure Cognitive Search index data.",
    actions: [],
    notActions: [],
    dataActions: ["Microsoft.Search/searchServices/indexes/documents/read"],
  },
  searchIndexDataContributor: {
    id: "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
    roleName: "Search Index Data Contributor",
    description: "Grants full access to Azure Cognitive Search index data.",
    actions: [],
    notActions: [],
    dataActions: ["Microsoft.Search/searchServices/indexes/documents/*"],
  },
} as const;

type RoleDefinitionEntry = (typeof BUILT_IN_ROLES)[keyof typeof BUILT_IN_ROLES];

/**
 * The resource id of a search service.
 *
 * @param service - the service.
 */
export function resourceIdOf(service: SearchServiceResource): string {
  return `/subscriptions/${service.subscriptionId}/resourceGroups/${service.resourceGroup}/providers/Microsoft.Search/searchServices/${service.name}`;
}

/**
 * The assignments that apply to a principal at a scope: its own and its groups', at the scope or above.
 *
 * @param world - the stand-in's state.
 * @param objectId - the principal.
 * @param scope - the scope asked about.
 */
export function assignmentsAt(
  world: ResourceManagerWorld,
  objectId: string,
  scope: string,
): RoleAssignmentEntry[] {
  const principals = principalsOf(world, objectId);
  return world.roleAssignments.filter(
    (entry) => principals.has(entry.principalId) && isAtOrAbove(entry.scope, scope),
  );
}

/**
 * Whether a principal may perform a control-plane action at a scope.
 *
 * @param world - the stand-in's state.
 * @param objectId - the principal.
 * @param scope - the scope.
 * @param action - such as `Microsoft.Search/searchServices/read`.
 */
export function permits(
  world: ResourceManagerWorld,
  objectId: string,
  scope: string,
  action: string,
): boolean {
  return assignmentsAt(world, objectId, scope).some((entry) => {
    const role = roleById(entry.roleDefinitionId);
    return (
      role !== undefined &&
      role.actions.some((pattern) => covers(pattern, action)) &&
      !role.notActions.some((pattern) => covers(pattern, action))
    );
  });
}

/**
 * The role definition of a built-in role id.
 *
 * @param id - the role definition's GUID.
 */
export function roleById(id: string): RoleDefinitionEntry | undefined {
  return Object.values(BUILT_IN_ROLES).find((role) => role.id === id.toLowerCase());
}

/**
 * Whether an action pattern with `*` wildcards covers an action, case-insensitively.
 *
 * @param pattern - such as `Microsoft.Search/searchServices/*` or `*\/read`.
 * @param action - the action.
 */
export function covers(pattern: string, action: string): boolean {
  const parts = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`).test(action.toLowerCase());
}

function principalsOf(world: ResourceManagerWorld, objectId: string): Set<string> {
  const groups = Object.entries(world.groups)
    .filter(([, members]) => members.includes(objectId))
    .map(([group]) => group);
  return new Set([objectId, ...groups]);
}

function isAtOrAbove(scope: string, target: string): boolean {
  const own = scope.toLowerCase().replace(/\/+$/, "");
  const other = target.toLowerCase();
  return own === "" || own === other || other.startsWith(`${own}/`);
}

/** A running Resource Manager stand-in. */
export interface ResourceManagerStandIn {
  /** https://localhost:PORT, for `--arm-endpoint`. */
  endpoint: string;
  server: TestServer;
  world: ResourceManagerWorld;
  close(): Promise<void>;
}

/**
 * Starts the Resource Manager stand-in on 127.0.0.1.
 *
 * @param authority - signs its certificate.
 * @param world - what it knows; read on every request, so tests may change it.
 * @param entra - verifies the bearer tokens.
 */
export async function startResourceManager(
  authority: Authority,
  world: ResourceManagerWorld,
  entra: EntraStandIn,
): Promise<ResourceManagerStandIn> {
  const leaf = authority.issue({ hosts: ["localhost", "127.0.0.1"] });
  const server = await startTlsServer({
    cert: leaf.fullChain,
    key: leaf.key,
    handler: (req, res) => answer(req, res, world, entra),
  });
  return { endpoint: `https://localhost:${server.port}`, server, world, close: () => server.close() };
}

/**
 * The JSON of a search service as `services.get` returns it: the defaults of a new service, then the
 * resource's own properties.
 *
 * @param service - the service.
 */
export function serviceJson(service: SearchServiceResource): Record<string, unknown> {
  const id = resourceIdOf(service);
  return {
    id,
    name: service.name,
    type: "Microsoft.Search/searchServices",
    location: service.location,
    tags: {},
    sku: { name: service.sku },
    properties: {
      replicaCount: 1,
      partitionCount: 1,
      endpoint: `https://${service.name}.search.windows.net/`,
      hostingMode: "default",
      computeType: "default",
      publicNetworkAccess: "enabled",
      status: "running",
      statusDetails: "",
      provisioningState: "succeeded",
      networkRuleSet: { ipRules: [], bypass: "None" },
      dataExfiltrationProtections: [],
      encryptionWithCmk: { enforcement: "Unspecified", encryptionComplianceStatus: "Compliant" },
      disableLocalAuth: false,
      authOptions: { aadOrApiKey: { aadAuthFailureMode: "http401WithBearerChallenge" } },
      semanticSearch: "free",
      privateEndpointConnections: [],
      sharedPrivateLinkResources: [],
      eTag: `W/"datetime'${new Date().toISOString()}'"`,
      upgradeAvailable: "notAvailable",
      serviceUpgradedAt: null,
      ...service.properties,
    },
    systemData: {
      createdBy: "stand-in@contoso.invalid",
      createdByType: "User",
      createdAt: "2026-01-05T09:00:00.0000000Z",
      lastModifiedBy: "stand-in@contoso.invalid",
      lastModifiedByType: "User",
      lastModifiedAt: "2026-01-05T09:00:00.0000000Z",
    },
  };
}

function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  world: ResourceManagerWorld,
  entra: EntraStandIn,
): void {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    const requestId = randomUUID();
    const send = (status: number, value: unknown, extra: Record<string, string> = {}): void => {
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-ms-request-id": requestId,
        "x-ms-correlation-request-id": requestId,
        ...extra,
      });
      res.end(JSON.stringify(value));
    };
    const error = (status: number, code: string, message: string, extra: Record<string, string> = {}): void =>
      send(status, { error: { code, message } }, extra);

    const url = new URL(req.url ?? "/", "https://management.stand-in.invalid");
    const path = decodeURIComponent(url.pathname);
    if (!url.searchParams.get("api-version")) {
      return error(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }

    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!token)
      return error(
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
      );
    const claims = entra.verify(token);
    if (!claims) return error(401, "InvalidAuthenticationToken", "The access token is invalid.");
    const challenge = {
      "www-authenticate": `Bearer authorization_uri="https://login.windows.net/${world.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
    };
    if (claims.aud.replace(/\/$/, "") !== world.audience) {
      return error(
        401,
        "InvalidAuthenticationTokenAudience",
        "The access token has been obtained for wrong audience or resource '" +
          claims.aud +
          "'. It should exactly match with one of the allowed audiences '" +
          world.audience +
          "','" +
          world.audience +
          "/'.",
        challenge,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.exp <= now) {
      return error(
        401,
        "ExpiredAuthenticationToken",
        `The access token expiry UTC time '${utc(claims.exp)}' is earlier than current UTC time '${utc(now)}'.`,
        challenge,
      );
    }

    if (req.method === "POST" && path === "/providers/Microsoft.ResourceGraph/resources") {
      return send(200, graphAnswer(world, claims, body));
    }

    const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    if (subscription !== undefined) {
      if (!world.subscriptions.includes(subscription.toLowerCase())) {
        return error(404, "SubscriptionNotFound", `The subscription '${subscription}' could not be found.`);
      }
      if (claims.tid !== world.tenantId) {
        return error(
          401,
          "InvalidAuthenticationTokenTenant",
          `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${world.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${world.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
          challenge,
        );
      }
    }
    const denied = (action: string, scope: string): void =>
      error(
        403,
        "AuthorizationFailed",
        `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        { "x-ms-failure-cause": "gateway" },
      );

    const assignments = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(path);
    if (req.method === "GET" && assignments) {
      const scope = assignments[1] ?? "";
      if (!permits(world, claims.oid, scope, "Microsoft.Authorization/roleAssignments/read")) {
        return denied("Microsoft.Authorization/roleAssignments/read", scope);
      }
      const filter = url.searchParams.get("$filter") ?? "";
      const principal =
        /^assignedTo\('([^']+)'\)$/.exec(filter)?.[1] ?? /^principalId eq '([^']+)'$/.exec(filter)?.[1];
      const principals =
        principal && filter.startsWith("assignedTo") ? principalsOf(world, principal) : new Set([principal]);
      const value = world.roleAssignments
        .filter((entry) => principal === undefined || principals.has(entry.principalId))
        .filter((entry) => isAtOrAbove(entry.scope, scope) || isAtOrAbove(scope, entry.scope))
        .map((entry) => assignmentJson(entry, subscription ?? world.subscriptions[0] ?? ""));
      return send(200, { value });
    }

    const definition =
      /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(path);
    if (req.method === "GET" && definition) {
      const role = roleById(definition[1] ?? "");
      if (!role)
        return error(
          404,
          "RoleDefinitionDoesNotExist",
          "The specified role definition with ID '" + definition[1] + "' does not exist.",
        );
      return send(200, definitionJson(role, subscription ?? ""));
    }

    const servicePath =
      /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Search\/searchServices\/([^/]+)$/i.exec(
        path,
      );
    if (req.method === "GET" && servicePath) {
      const service = world.services.find(
        (entry) =>
          entry.subscriptionId === subscription?.toLowerCase() &&
          entry.resourceGroup.toLowerCase() === servicePath[1]?.toLowerCase() &&
          entry.name.toLowerCase() === servicePath[2]?.toLowerCase(),
      );
      if (!service) {
        return error(
          404,
          "ResourceNotFound",
          `The Resource 'Microsoft.Search/searchServices/${servicePath[2]}' under resource group '${servicePath[1]}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
      }
      const id = resourceIdOf(service);
      if (!permits(world, claims.oid, id, "Microsoft.Search/searchServices/read")) {
        return denied("Microsoft.Search/searchServices/read", id);
      }
      return send(200, serviceJson(service));
    }
    error(404, "NoRegisteredProviderFound", `No registered resource provider found for path '${path}'.`);
  });
}

/** Resource Graph's answer to the command's query: search services by name or endpoint, as the principal may see them. */
function graphAnswer(
  world: ResourceManagerWorld,
  claims: TokenClaims,
  body: string,
): Record<string, unknown> {
  const request = JSON.parse(body || "{}") as { query?: string };
  const query = request.query ?? "";
  const name = /name =~ '([^']*)'/.exec(query)?.[1];
  const endpoints = [...(/in \(([^)]*)\)/.exec(query)?.[1] ?? "").matchAll(/'([^']*)'/g)].map(
    (match) => match[1],
  );
  const searchOnly = /type =~ 'microsoft\.search\/searchservices'/.test(query);
  const data = world.services
    .filter(() => searchOnly && claims.tid === world.tenantId)
    .filter((service) => {
      const endpoint = String(
        service.properties.endpoint ?? `https://${service.name}.search.windows.net/`,
      ).toLowerCase();
      return service.name.toLowerCase() === name?.toLowerCase() || endpoints.includes(endpoint);
    })
    .filter((service) =>
      permits(world, claims.oid, resourceIdOf(service), "Microsoft.Search/searchServices/read"),
    )
    .map((service) => ({
      id: resourceIdOf(service),
      name: service.name,
      tenantId: world.tenantId,
      subscriptionId: service.subscriptionId,
      resourceGroup: service.resourceGroup.toLowerCase(),
    }));
  return { totalRecords: data.length, count: data.length, data, facets: [], resultTruncated: "false" };
}

function assignmentJson(entry: RoleAssignmentEntry, subscriptionId: string): Record<string, unknown> {
  const name = randomUUID();
  return {
    properties: {
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${entry.roleDefinitionId}`,
      principalId: entry.principalId,
      principalType: entry.principalType,
      scope: entry.scope,
      condition: null,
      conditionVersion: null,
      createdOn: "2026-01-05T09:00:00.0000000Z",
      updatedOn: "2026-01-05T09:00:00.0000000Z",
      createdBy: "00000000-0000-0000-0000-000000000001",
      updatedBy: "00000000-0000-0000-0000-000000000001",
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${entry.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name,
  };
}

function definitionJson(role: RoleDefinitionEntry, subscriptionId: string): Record<string, unknown> {
  return {
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [
        {
          actions: role.actions,
          notActions: role.notActions,
          dataActions: role.dataActions,
          notDataActions: [],
        },
      ],
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2025-01-07T16:24:15.6571562Z",
      createdBy: null,
      updatedBy: null,
    },
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: role.id,
  };
}

function utc(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .slice(0, 19)
    .replace(/^(\d+)-(\d+)-(\d+)/, "$2/$3/$1");
}
