import type { CallOperation, RoleAssignmentFact } from "./types.js";

/** The built-in Azure roles that grant access to a search service's data plane, by role definition id. */
export const SEARCH_DATA_ROLES = {
  "1407120a-92aa-4202-b7e9-c0e197c71c8f": "Search Index Data Reader",
  "8ebe5a00-799e-43f5-93ac-243d3dce84a7": "Search Index Data Contributor",
  "7ca78c08-252a-4471-8644-bb5ff32d4ba0": "Search Service Contributor",
} as const satisfies Record<string, string>;

type SearchDataRoleId = keyof typeof SEARCH_DATA_ROLES;

/** Which roles grant each of the command's operations, the one to assign first. */
const NEEDS: Record<CallOperation, readonly SearchDataRoleId[]> = {
  documentCount: ["1407120a-92aa-4202-b7e9-c0e197c71c8f", "8ebe5a00-799e-43f5-93ac-243d3dce84a7"],
  serviceStatistics: ["7ca78c08-252a-4471-8644-bb5ff32d4ba0"],
};

/** The data action a document count needs, which a custom role may grant. */
const DOCUMENT_READ = "microsoft.search/searchservices/indexes/documents/read";

/** A role definition as far as judging it goes. */
export interface RoleDefinitionFacts {
  /** The role definition's GUID name. */
  id: string;
  roleName: string;
  /** The data actions it grants, with `*` wildcards. */
  dataActions: string[];
  /** The data actions it takes out of those. */
  notDataActions: string[];
}

/**
 * The names of the roles of which the operation needs one, the one to assign first.
 *
 * @param operation - the call's operation.
 */
export function rolesNeeded(operation: CallOperation): string[] {
  return NEEDS[operation].map((id) => SEARCH_DATA_ROLES[id]);
}

/**
 * The Search data role a definition is, by id; or, for a role of the user's own that grants document
 * reads, its own name.
 *
 * @param definition - the role definition.
 */
export function searchDataRoleOf(definition: RoleDefinitionFacts): string | undefined {
  const id = definition.id.toLowerCase();
  if (Object.hasOwn(SEARCH_DATA_ROLES, id)) return SEARCH_DATA_ROLES[id as SearchDataRoleId];
  return grantsDocumentRead(definition) ? definition.roleName : undefined;
}

/**
 * Whether an assignment grants the operation: one of the built-in roles it needs, or for a document
 * count a role of the user's own with the document read data action. An index-scoped assignment grants
 * document reads of that index only.
 *
 * @param assignment - the assignment.
 * @param definition - its role definition.
 * @param operation - the call's operation.
 * @param index - the index of a document count.
 */
export function grants(
  assignment: RoleAssignmentFact,
  definition: RoleDefinitionFacts,
  operation: CallOperation,
  index: string | undefined,
): boolean {
  if (assignment.scopeKind === "index") {
    const onIndex =
      index !== undefined && assignment.scope.toLowerCase().endsWith(`/indexes/${index.toLowerCase()}`);
    if (!onIndex || operation !== "documentCount") return false;
  }
  const id = definition.id.toLowerCase();
  if ((NEEDS[operation] as readonly string[]).includes(id)) return true;
  return (
    operation === "documentCount" && !Object.hasOwn(SEARCH_DATA_ROLES, id) && grantsDocumentRead(definition)
  );
}

function grantsDocumentRead(definition: RoleDefinitionFacts): boolean {
  const covers = (patterns: string[]): boolean =>
    patterns.some((pattern) => matchesAction(pattern, DOCUMENT_READ));
  return covers(definition.dataActions) && !covers(definition.notDataActions);
}

/** Whether an action pattern with `*` wildcards, as role definitions write them, covers an action. */
function matchesAction(pattern: string, action: string): boolean {
  const parts = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`).test(action);
}
