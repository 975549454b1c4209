/**
 * A stand-in for the Microsoft Entra ID token endpoint that refuses token requests the way Entra ID
 * does, on loopback over HTTPS, for `@azure/identity`'s real credentials (`authorityHost` set to its
 * URL, `disableInstanceDiscovery: true`). It is not Entra ID: it answers OpenID discovery for any
 * tenant, issues an opaque token to any client it was not told to refuse, and refuses the others with
 * the AADSTS error each was given, in Entra ID's JSON error format (`error`, `error_description` with
 * its Trace ID, Correlation ID and Timestamp lines, `error_codes`, `error_uri`). `standin/entra.ts` is
 * the realistic one (tenants, app registrations, signed tokens) and answers a wrong secret, an unknown
 * app and an unknown tenant as Entra ID does; this one gives, by client id, the codes it does not.
 *
 * Sources: learn.microsoft.com/entra/identity-platform/reference-error-codes (the codes and their
 * meaning) and the texts quoted in the @azure/identity TROUBLESHOOTING.md; the wording of AADSTS90002,
 * 7000222, 50076 and 53003 on the wire was not captured.
 */
import { randomUUID } from "node:crypto";
import {
  startLoopbackService,
  type LoopbackOptions,
  type LoopbackService,
  type ServiceReply,
  type ServiceRequest,
} from "./loopback.js";

/** A refusal: the OAuth error, the AADSTS code, its text and the HTTP status. */
export interface EntraRefusal {
  status: number;
  error: string;
  code: number;
  text: (request: { tenant: string; clientId: string; scope: string }) => string;
}

/** Client ids the stand-in refuses, each with the refusal Entra ID gives for it. */
export const ENTRA_REFUSALS = {
  "secret-invalid": {
    status: 401,
    error: "invalid_client",
    code: 7000215,
    text: (r) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${r.clientId}'.`,
  },
  "secret-expired": {
    status: 401,
    error: "invalid_client",
    code: 7000222,
    text: (r) =>
      `The provided client secret keys for app '${r.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
  },
  "app-not-found": {
    status: 400,
    error: "unauthorized_client",
    code: 700016,
    text: (r) =>
      `Application with identifier '${r.clientId}' was not found in the directory '${r.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  },
  "tenant-not-found": {
    status: 400,
    error: "invalid_tenant",
    code: 90002,
    text: (r) =>
      `Tenant '${r.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  },
  "federation-mismatch": {
    status: 400,
    error: "invalid_request",
    code: 70021,
    text: () =>
      "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-0000000000e1/'. Assertion Subject: 'system:serviceaccount:default:workload'. Assertion Audience: 'api://AzureADTokenExchange'.",
  },
  "assertion-expired": {
    status: 400,
    error: "invalid_client",
    code: 700024,
    text: () => "Client assertion is not within its valid time range.",
  },
  "resource-not-found": {
    status: 400,
    error: "invalid_resource",
    code: 500011,
    text: (r) =>
      `The resource principal named ${r.scope.replace(/\/\.default$/, "")} was not found in the tenant named ${r.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  },
  "scope-invalid": {
    status: 400,
    error: "invalid_scope",
    code: 70011,
    text: () => "The provided value for the input parameter 'scope' is not valid.",
  },
  "assertion-invalid": {
    status: 401,
    error: "invalid_client",
    code: 700027,
    text: () => "Client assertion failed signature validation.",
  },
  "mfa-required": {
    status: 400,
    error: "interaction_required",
    code: 50076,
    text: (r) =>
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${r.scope.replace(/\/\.default$/, "")}'.`,
  },
  "unknown-code": {
    status: 400,
    error: "invalid_request",
    code: 9002313,
    text: () => "Invalid request. Request is malformed or invalid.",
  },
} satisfies Record<string, EntraRefusal>;

/** A client id the stand-in refuses. */
export type EntraRefusalScenario = keyof typeof ENTRA_REFUSALS;

/** A running token endpoint stand-in. */
export interface TokenEndpointStandIn extends LoopbackService {
  /** The access token it issues to clients it does not refuse. */
  accessToken: string;
}

/**
 * Starts the token endpoint stand-in on 127.0.0.1.
 *
 * @param options - certificate authority and trust.
 */
export async function startTokenEndpoint(options: LoopbackOptions = {}): Promise<TokenEndpointStandIn> {
  const accessToken = `eyJ0eXAiOiJKV1QifQ.${Buffer.from(randomUUID()).toString("base64url")}.c2lnbmF0dXJl`;
  let origin = "";
  const respond = (request: ServiceRequest): ServiceReply => {
    const json = (status: number, body: unknown): ServiceReply => ({
      status,
      headers: { "content-type": "application/json; charset=utf-8", "x-ms-request-id": randomUUID() },
      body: JSON.stringify(body),
    });
    const tenant = request.url.pathname.split("/")[1] ?? "";
    if (request.url.pathname.endsWith("/.well-known/openid-configuration")) {
      const base = `${origin}/${tenant}`;
      return json(200, {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
      });
    }
    const form = new URLSearchParams(request.body.toString());
    const clientId = form.get("client_id") ?? "";
    const refusal = (ENTRA_REFUSALS as Record<string, EntraRefusal>)[clientId];
    if (!refusal) {
      return json(200, {
        token_type: "Bearer",
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      });
    }
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date()
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z");
    const text = refusal.text({ tenant, clientId, scope: form.get("scope") ?? "" });
    return json(refusal.status, {
      error: refusal.error,
      error_description: `AADSTS${refusal.code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [refusal.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${refusal.code}`,
    });
  };
  const running = await startLoopbackService("Entra ID token endpoint", respond, options);
  origin = running.endpoint;
  return { ...running, accessToken };
}
