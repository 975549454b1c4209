import type { PreflightStatus } from "../preflight/types.js";

/** The claims of an access token the command reads, never the token itself. */
export interface TokenClaims {
  /** `aud`: the resource the token is for. */
  audience?: string;
  /** `tid`: the tenant that issued it. */
  tenantId?: string;
  /** `oid`: the object id of the signed-in principal. */
  objectId?: string;
  /** `idtyp`: `app` for a service principal or managed identity, `user` for a person. */
  identityType?: string;
  /** `exp`, as an ISO 8601 time. */
  expiresOn?: string;
  /** `nbf`, as an ISO 8601 time. */
  notBefore?: string;
}

/** What the service expects of a token, as far as the command knows it. */
export interface TokenExpectations {
  /** The search audience of the service's cloud. */
  audience: string;
  /** The service's tenant, when Resource Manager or Resource Graph said it. */
  tenantId?: string;
  /** Where the tenant was learnt, for the report. */
  tenantSource?: string;
}

/** A token check that failed, by the cause it proves. */
export type TokenProblem = "tokenAudienceMismatch" | "tokenTenantMismatch" | "tokenExpired";

/** The token section of the report: its claims and what checking them found. */
export interface TokenReport {
  /** `pass` when every claim the command could compare is right; `fail` with a problem; `skip` when unreadable. */
  status: PreflightStatus;
  /** One line that says what was found. */
  summary: string;
  claims?: TokenClaims;
  /** The service's expectations it was compared with. */
  expected: TokenExpectations;
  /** The first claim that is wrong, by the cause it proves. */
  problem?: TokenProblem;
  /** The fact that proves the problem, one line. */
  basis?: string;
}

/**
 * Reads the claims of a JWT access token locally, without verifying it (the service does that); the
 * token is never returned or printed. Undefined for a token that is not a readable JWT.
 *
 * @param token - the access token.
 */
export function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null) return undefined;
  const text = (name: string): string | undefined =>
    typeof claims[name] === "string" ? (claims[name] as string) : undefined;
  const time = (name: string): string | undefined =>
    typeof claims[name] === "number" ? new Date((claims[name] as number) * 1000).toISOString() : undefined;
  return {
    audience: text("aud"),
    tenantId: text("tid"),
    objectId: text("oid"),
    identityType: text("idtyp"),
    expiresOn: time("exp"),
    notBefore: time("nbf"),
  };
}

/**
 * Checks the token the call sent against what the service expects: its audience, its tenant and its
 * expiry by this machine's clock.
 *
 * @param token - the access token, read here and nowhere kept.
 * @param expected - the audience and, when known, the tenant.
 * @param now - the time to judge the expiry by.
 */
export function checkToken(token: string, expected: TokenExpectations, now = new Date()): TokenReport {
  const claims = claimsOf(token);
  if (!claims) {
    return {
      status: "skip",
      summary: "The token is not a JWT this command can read; not checked.",
      expected,
    };
  }
  const audiences = [expected.audience, `${expected.audience}/`];
  if (!claims.audience || !audiences.includes(claims.audience)) {
    const basis = `the token's aud claim is ${claims.audience ?? "missing"}; Azure AI Search here accepts ${expected.audience}`;
    return {
      status: "fail",
      summary: `The token is for ${claims.audience ?? "no audience"}, not ${expected.audience}.`,
      claims,
      expected,
      problem: "tokenAudienceMismatch",
      basis,
    };
  }
  if (expected.tenantId && claims.tenantId?.toLowerCase() !== expected.tenantId.toLowerCase()) {
    return {
      status: "fail",
      summary: `The token is from tenant ${claims.tenantId ?? "(none)"}, but the service is in tenant ${expected.tenantId}.`,
      claims,
      expected,
      problem: "tokenTenantMismatch",
      basis: `the token's tid claim is ${claims.tenantId ?? "missing"}; ${expected.tenantSource ?? "Resource Manager"} says the service's tenant is ${expected.tenantId}`,
    };
  }
  if (claims.expiresOn && Date.parse(claims.expiresOn) <= now.getTime()) {
    const minutes = Math.round((now.getTime() - Date.parse(claims.expiresOn)) / 60_000);
    return {
      status: "fail",
      summary: `The token expired at ${claims.expiresOn}, ${minutes} min before this machine's time ${now.toISOString()}.`,
      claims,
      expected,
      problem: "tokenExpired",
      basis: `the token's exp claim (${claims.expiresOn}) has passed by this machine's clock`,
    };
  }
  const tenant = expected.tenantId
    ? `tenant ${claims.tenantId} (the service's)`
    : `tenant ${claims.tenantId ?? "(none)"}`;
  const expiry = claims.expiresOn
    ? `, expires in ${Math.round((Date.parse(claims.expiresOn) - now.getTime()) / 60_000)} min`
    : "";
  return { status: "pass", summary: `For ${claims.audience} from ${tenant}${expiry}.`, claims, expected };
}
