import { catalog, type CauseId } from "../../catalog/index.js";
import { diagnosisOf } from "../../diagnose.js";
import type { Diagnosis, DiagnosisEvidence } from "../../types.js";
import type { CallResult } from "../call.js";
import type { Cloud } from "../cloud.js";
import { describeAssignment, reachedPublicly } from "./facts.js";
import type { SearchServiceConfiguration, ServiceSection } from "./types.js";

/** What the verdict on a failed call is joined from. */
export interface VerdictFacts {
  /** The call, with its inferred diagnosis and, for a token, the token's checks. */
  call: CallResult;
  /** What Resource Manager said about the service, when `--entra` read it. */
  service?: ServiceSection;
  cloud: Cloud;
  /** The search endpoint. */
  endpoint: string;
}

/**
 * The diagnosis of a known cause, made exact by a fact the response did not hold.
 *
 * @param cause - a cause id of the catalog.
 * @param evidence - the failure's evidence.
 * @param remediation - steps that name the service's own settings, in place of the catalog's.
 */
export function exactDiagnosis(
  cause: CauseId,
  evidence: DiagnosisEvidence,
  remediation?: readonly string[],
): Diagnosis<CauseId> {
  const diagnosis = diagnosisOf(cause, evidence, { confidence: "exact" });
  return remediation ? { ...diagnosis, remediation } : diagnosis;
}

/**
 * Joins a failed call with the service's settings, the principal's roles and the token's claims: a 401 or
 * 403 that the response alone leaves open becomes exact when one of them explains it. Each exact verdict
 * carries the fact that made it so in `basis`.
 *
 * @param facts - the call, the service section and the cloud.
 */
export function joinVerdict(facts: VerdictFacts): CallResult {
  const { call } = facts;
  const diagnosis = call.diagnosis;
  if (!diagnosis || (call.status !== "fail" && call.status !== "warn")) return call;
  const joined = joined401or403(facts, diagnosis);
  if (joined) return { ...call, ...joined, between: undefined };
  if (diagnosis.confidence === "exact" && call.basis === undefined) {
    const rule = catalog.find((entry) => entry.cause === diagnosis.cause);
    if (rule)
      return {
        ...call,
        basis: `the ${diagnosis.evidence.status ? "response" : "error"} itself: ${rule.signal}`,
      };
  }
  return call;
}

type Joined = Pick<CallResult, "summary" | "diagnosis" | "basis">;

/** What each join looks at: the failure's evidence beside the facts read. */
interface JoinContext extends VerdictFacts {
  diagnosis: Diagnosis;
  status: 401 | 403;
  configuration?: SearchServiceConfiguration;
  host: string;
}

/**
 * The joins, in the order the service applies its checks: the network first, then the token, the API
 * access control and the roles; keys last. The first that explains the failure gives the verdict.
 */
const JOINS: readonly ((context: JoinContext) => Joined | undefined)[] = [
  publicAccessRefused,
  tokenRefused,
  tokensNotAccepted,
  roleMissing,
  keysDisabled,
];

function joined401or403(facts: VerdictFacts, diagnosis: Diagnosis): Joined | undefined {
  const status = diagnosis.evidence.status;
  if (status !== 401 && status !== 403) return undefined;
  const configuration = facts.service?.read ? facts.service.configuration : undefined;
  const context = {
    ...facts,
    diagnosis,
    status,
    configuration,
    host: new URL(facts.endpoint).hostname,
  } as const;
  for (const join of JOINS) {
    const joined = join(context);
    if (joined) return joined;
  }
  return undefined;
}

function publicAccessRefused({
  status,
  configuration,
  service,
  cloud,
  host,
  diagnosis,
}: JoinContext): Joined | undefined {
  if (
    status !== 403 ||
    !configuration ||
    configuration.publicNetworkAccess === "enabled" ||
    !reachedPublicly(service)
  ) {
    return undefined;
  }
  const addresses = service?.endpointAddresses?.join(", ") ?? "";
  const access = configuration.publicNetworkAccess ?? "not set";
  const named = configuration.privateEndpoints.map(
    (endpoint) => `${endpoint.name ?? "(unnamed)"} (${endpoint.status ?? "unknown state"})`,
  );
  const record = `${service?.resourceId?.split("/").pop() ?? "<service>"}.${cloud.privateDnsZone}`;
  const remediation = named.length
    ? [
        `Resolve ${host} through the private DNS zone ${cloud.privateDnsZone} (its record ${record}), linked to the virtual network of the private endpoint ${named.join(", ")}: there the name resolves to the endpoint's private address.`,
        "Or call from a network that reaches that virtual network (a VM in it, a VPN or ExpressRoute), with the same DNS.",
        "Or enable public network access (Networking in the portal), limited to your addresses with IP rules.",
      ]
    : [
        `The service has no private endpoint: create one (Networking > Private access) with the private DNS zone ${cloud.privateDnsZone}, then call from its network.`,
        "Or enable public network access (Networking in the portal), limited to your addresses with IP rules.",
      ];
  return {
    summary: `HTTP 403: public network access is ${access} on the service, and ${host} resolves to ${addresses} here, not a private address: the request went over the public network.`,
    diagnosis: exactDiagnosis("publicAccessDisabled", diagnosis.evidence, remediation),
    basis: `publicNetworkAccess is ${access} (Resource Manager) and ${host} resolves to ${addresses}, no private address`,
  };
}

function tokenRefused({ call, status, diagnosis }: JoinContext): Joined | undefined {
  const token = call.token;
  if (diagnosis.evidence.credential !== "bearer" || !token?.problem) return undefined;
  return {
    summary: `HTTP ${status}: ${token.summary}`,
    diagnosis: exactDiagnosis(token.problem, diagnosis.evidence),
    basis: token.basis,
  };
}

function tokensNotAccepted({ call, status, configuration, diagnosis }: JoinContext): Joined | undefined {
  if (
    diagnosis.evidence.credential !== "bearer" ||
    status !== 401 ||
    !configuration ||
    configuration.accepts.entraTokens
  ) {
    return undefined;
  }
  const setting = configuration.authOptions
    ? `authOptions is ${configuration.authOptions}`
    : "authOptions is not set and disableLocalAuth is false, which means API keys only";
  const rule = catalog.find((entry) => entry.cause === "rbacNotEnabled");
  return {
    summary: `HTTP 401: the service accepts API keys only (${setting}), so it refuses every Microsoft Entra token.`,
    // The token's audience and tenant were checked and are right: only the first step applies.
    diagnosis: exactDiagnosis(
      "rbacNotEnabled",
      diagnosis.evidence,
      call.token?.status === "pass" ? rule?.remediation.slice(0, 1) : undefined,
    ),
    basis: `${setting} (Resource Manager)`,
  };
}

function roleMissing({ service, status, diagnosis }: JoinContext): Joined | undefined {
  const roles = service?.roles;
  if (diagnosis.evidence.credential !== "bearer" || status !== 403 || !roles?.read || roles.holdsNeeded) {
    return undefined;
  }
  const objectId = service?.principal?.objectId ?? "(unknown)";
  const [role = ""] = roles.operationNeeds;
  const held = roles.assignments.map(describeAssignment);
  const principalType = service?.principal?.type;
  const type = principalType === "user" ? "User" : principalType === "app" ? "ServicePrincipal" : undefined;
  const rule = catalog.find((entry) => entry.cause === "missingRoleAssignment");
  const what = roles.operation === "documentCount" ? "document reads" : "service statistics";
  const assign = `az role assignment create --role "${role}" --assignee-object-id ${objectId}${type ? ` --assignee-principal-type ${type}` : ""} --scope ${service?.resourceId ?? "<the service's resource id>"}`;
  return {
    summary: `HTTP 403: the identity (object id ${objectId}) holds no role that grants ${what}: it needs ${roles.operationNeeds.join(" or ")} on the service${held.length ? `; its roles (${held.join(", ")}) do not grant them` : ""}.`,
    diagnosis: exactDiagnosis("missingRoleAssignment", diagnosis.evidence, [
      `Assign ${role} to the principal ${objectId} on the search service: ${assign}`,
      ...(rule?.remediation.slice(1, 2) ?? []),
    ]),
    basis: `the role assignments of object id ${objectId} on the service and its parents (Resource Manager) hold none of ${roles.operationNeeds.join(", ")}`,
  };
}

function keysDisabled({ status, configuration, diagnosis }: JoinContext): Joined | undefined {
  if (diagnosis.evidence.credential !== "apiKey" || status !== 403 || !configuration?.disableLocalAuth)
    return undefined;
  return {
    summary:
      "HTTP 403: the service refuses every api-key, as disableLocalAuth is true: it accepts Microsoft Entra ID tokens only.",
    diagnosis: exactDiagnosis("apiKeysDisabled", diagnosis.evidence),
    basis: "disableLocalAuth is true (Resource Manager)",
  };
}
