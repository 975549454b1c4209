import type { PreflightStatus } from "../../preflight/types.js";
import type { CallResult } from "../call.js";
import { describeAssignment, reachedPublicly } from "./facts.js";
import type { SearchServiceConfiguration, ServiceSection } from "./types.js";

/** One line of the text report about what was read: a mark, a name and a summary. */
export interface FactLine {
  name: string;
  status: PreflightStatus;
  summary: string;
}

/**
 * The report's lines about the service's settings, the principal's roles and the call's token, between
 * the preflight's checks and the call. A warning marks a setting that refuses this call; the call's line
 * carries the verdict and its steps.
 *
 * @param service - what Resource Manager said, when `--entra` read it.
 * @param call - the call, with its credential and token checks.
 */
export function factLines(service: ServiceSection | undefined, call: CallResult | undefined): FactLine[] {
  const lines: FactLine[] = [];
  if (service?.read && service.configuration) {
    lines.push(
      serviceLine(service, service.configuration),
      authLine(service.configuration, call),
      networkLine(service, service.configuration),
      rolesLine(service, call),
    );
  } else if (service) {
    lines.push({
      name: "service",
      status: "skip",
      summary: `Settings not read. ${service.reason ?? ""}`.trim(),
    });
  }
  if (call?.token) lines.push({ name: "token", status: call.token.status, summary: call.token.summary });
  return lines;
}

function serviceLine(service: ServiceSection, configuration: SearchServiceConfiguration): FactLine {
  const [, , , , group, , , , name = "the service"] = service.resourceId?.split("/") ?? [];
  const facts = [configuration.sku, service.location].filter(Boolean).join(", ");
  const via =
    service.foundBy === "resourceGraph" ? "Resource Graph and Resource Manager" : "Resource Manager";
  return {
    name: "service",
    status: "pass",
    summary:
      `${name}${group ? ` in ${group}` : ""}${facts ? ` (${facts})` : ""}, tenant ${service.tenantId ?? "unknown"}, read through ${via}; ` +
      `customer-managed keys ${configuration.cmkEnforcement ?? "Unspecified"}, semantic ranker ${configuration.semanticSearch ?? "not offered"}.`,
  };
}

function authLine(configuration: SearchServiceConfiguration, call: CallResult | undefined): FactLine {
  const { apiKeys, entraTokens } = configuration.accepts;
  const accepted =
    apiKeys && entraTokens
      ? "API keys and Microsoft Entra ID tokens"
      : apiKeys
        ? "API keys only"
        : "Microsoft Entra ID tokens only";
  const mode = configuration.aadAuthFailureMode
    ? `, failures answered ${configuration.aadAuthFailureMode}`
    : "";
  const setting = configuration.disableLocalAuth
    ? "disableLocalAuth is true"
    : `authOptions ${configuration.authOptions ?? "not set"}${mode}`;
  const refused =
    (call?.credential === "apiKey" && !apiKeys) || (call?.credential === "entra" && !entraTokens);
  return { name: "auth", status: refused ? "warn" : "pass", summary: `Accepts ${accepted} (${setting}).` };
}

function networkLine(service: ServiceSection, configuration: SearchServiceConfiguration): FactLine {
  const isPublic = configuration.publicNetworkAccess === "enabled";
  const rules = configuration.ipRules;
  const endpoints = configuration.privateEndpoints.map(
    (endpoint) => `${endpoint.name ?? "(unnamed)"} (${endpoint.status ?? "unknown state"})`,
  );
  const facts = [
    `Public network access ${configuration.publicNetworkAccess ?? "not set"}`,
    // IP rules apply only while public access is enabled.
    !isPublic
      ? ""
      : rules.length
        ? `${rules.length} IP ${rules.length === 1 ? "rule" : "rules"} (${rules.join(", ")}), bypass ${configuration.bypass ?? "None"}`
        : "no IP rules: open to every address",
    endpoints.length ? `private endpoints: ${endpoints.join(", ")}` : "no private endpoint",
    service.endpointAddresses?.length
      ? `the host resolves to ${service.endpointAddresses.join(", ")} here`
      : "",
  ].filter(Boolean);
  return {
    name: "network",
    status: !isPublic && reachedPublicly(service) ? "warn" : "pass",
    summary: `${facts.join("; ")}.`,
  };
}

function rolesLine(service: ServiceSection, call: CallResult | undefined): FactLine {
  const roles = service.roles;
  if (!roles?.read)
    return { name: "roles", status: "skip", summary: `Not read. ${roles?.reason ?? ""}`.trim() };
  const held = roles.assignments.length
    ? `holds ${roles.assignments.map(describeAssignment).join(", ")}`
    : "holds no role on the service or its parents";
  const dataRoles = roles.searchDataRoles.length
    ? `Search data roles: ${roles.searchDataRoles.join(", ")}`
    : "no Search data role";
  const operation = roles.operation === "documentCount" ? "a document count" : "service statistics";
  return {
    name: "roles",
    // Roles matter to this run only when the call signs in with them.
    status: !roles.holdsNeeded && call?.credential === "entra" ? "warn" : "pass",
    summary: `Object id ${service.principal?.objectId ?? "unknown"} ${held}; ${dataRoles}; ${operation} needs ${roles.operationNeeds.join(" or ")}.`,
  };
}
