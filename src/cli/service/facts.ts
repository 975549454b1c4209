import { addressKind } from "../../preflight/checks/dns.js";
import type { RoleAssignmentFact, ServiceSection } from "./types.js";

/**
 * Whether the endpoint's host resolved to no private address, so that a request went to the service's
 * public side; undefined when its addresses were not read.
 *
 * @param service - the service section, with the addresses read when public access is not enabled.
 */
export function reachedPublicly(service: ServiceSection | undefined): boolean | undefined {
  const addresses = service?.endpointAddresses;
  if (!addresses?.length) return undefined;
  return !addresses.some((address) => addressKind(address) === "private");
}

/**
 * An assignment as a reader says it: `Owner on the resource group`.
 *
 * @param assignment - the role assignment.
 */
export function describeAssignment(assignment: RoleAssignmentFact): string {
  const scope =
    assignment.scopeKind === "resourceGroup"
      ? "resource group"
      : assignment.scopeKind === "managementGroup"
        ? "management group"
        : assignment.scopeKind === "index"
          ? `index ${assignment.scope.split("/").pop() ?? ""}`
          : assignment.scopeKind;
  return `${assignment.role} on the ${scope}${assignment.viaGroup ? " (through a group)" : ""}`;
}
