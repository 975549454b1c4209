/**
 * A loopback stand-in for the Microsoft Entra ID token endpoint, for @azure/identity's real credentials
 * (`AZURE_AUTHORITY_HOST=<authorityHost>`): OpenID discovery, the client-credentials grant, and the
 * AADSTS errors the real endpoint answers with. Tokens are RS256 JWTs signed with a key made at start-up,
 * carrying `aud`, `tid`, `oid` and `exp` claims for the scope asked for; the other stand-ins verify them.
 * It is not Entra ID: no user sign-in, no certificates, no refresh tokens.
 */
import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type http from "node:http";
import type { Authority } from "./certs.js";
import { startTlsServer, type TestServer } from "./servers.js";

/** An app registration with a client secret and, in each tenant it is in, a service principal. */
export interface EntraApplication {
  clientId: string;
  clientSecret: string;
  /** The object id of its service principal: the `oid` of its tokens. */
  objectId: string;
  /** The tenants it has a service principal in. */
  tenants: string[];
}

/** How the next tokens are made; the defaults are what Entra ID does. */
export interface TokenIssuing {
  /** The `aud` claim for a requested resource. Defaults to the resource itself. */
  audience?: (resource: string) => string;
  /** Seconds from now to the `exp` claim, negative for a token that has already expired. Defaults to 3599. */
  lifetimeSeconds?: (resource: string) => number;
}

/** A token request the stand-in received: who asked, in which tenant, for what. Never the secret. */
export interface TokenRequest {
  tenantId: string;
  clientId: string;
  scope: string;
}

/** A running Entra ID stand-in. */
export interface EntraStandIn {
  /** https://localhost:PORT, for AZURE_AUTHORITY_HOST. */
  authorityHost: string;
  server: TestServer;
  /** The token requests received, in order. */
  requests: TokenRequest[];
  /** Every access token issued, to prove that none is printed. */
  issued: string[];
  /** Changes how the next tokens are made, as a faulty issuer or a skewed clock would. */
  issuing: TokenIssuing;
  /**
   * The claims of a token this stand-in signed, or undefined for any other text.
   *
   * @param token - a bearer token.
   */
  verify(token: string): TokenClaims | undefined;
  close(): Promise<void>;
}

/** The claims the stand-ins read. */
export interface TokenClaims {
  aud: string;
  tid: string;
  oid: string;
  appid: string;
  idtyp: string;
  /** Seconds since the epoch. */
  exp: number;
  nbf: number;
}

/** Options of {@link startEntra}. */
export interface EntraOptions {
  /** Signs the server's certificate. */
  authority: Authority;
  /** The tenants that exist. */
  tenants: string[];
  applications: EntraApplication[];
}

/**
 * Starts the Entra ID stand-in on 127.0.0.1.
 *
 * @param options - its certificate authority, tenants and app registrations.
 */
export async function startEntra(options: EntraOptions): Promise<EntraStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyId = randomUUID();
  const requests: TokenRequest[] = [];
  const issued: string[] = [];
  const issuing: TokenIssuing = {};
  const leaf = options.authority.issue({ hosts: ["localhost", "127.0.0.1"] });
  let origin = "";
  const server = await startTlsServer({
    cert: leaf.fullChain,
    key: leaf.key,
    handler: (req, res) =>
      answer(req, res, { ...options, origin, requests, issued, issuing, keyId, privateKey, publicKey }),
  });
  origin = `https://localhost:${server.port}`;
  return {
    authorityHost: origin,
    server,
    requests,
    issued,
    issuing,
    verify: (token) => verified(token, publicKey),
    close: () => server.close(),
  };
}

interface Context extends EntraOptions {
  origin: string;
  requests: TokenRequest[];
  issued: string[];
  issuing: TokenIssuing;
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, context: Context): void {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-ms-request-id": randomUUID(),
        "cache-control": "no-store, no-cache",
      });
      res.end(JSON.stringify(value));
    };
    const url = new URL(req.url ?? "/", context.origin);
    const [, tenantId = ""] = url.pathname.split("/");
    const base = `${context.origin}/${tenantId}`;
    if (!context.tenants.includes(tenantId)) {
      return send(
        400,
        aadError(
          "invalid_tenant",
          90002,
          `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
        ),
      );
    }
    if (url.pathname.endsWith("/v2.0/.well-known/openid-configuration")) {
      return send(200, {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        tenant_region_scope: "WW",
      });
    }
    if (url.pathname.endsWith("/discovery/v2.0/keys")) {
      return send(200, {
        keys: [{ ...context.publicKey.export({ format: "jwk" }), kid: context.keyId, use: "sig" }],
      });
    }
    if (!url.pathname.endsWith("/oauth2/v2.0/token") || req.method !== "POST") {
      return send(404, aadError("invalid_request", 90010, "The request is not supported."));
    }

    const form = new URLSearchParams(body);
    const clientId = form.get("client_id") ?? "";
    const scope = form.get("scope") ?? "";
    context.requests.push({ tenantId, clientId, scope });
    const application = context.applications.find((app) => app.clientId === clientId);
    if (!application || !application.tenants.includes(tenantId)) {
      return send(
        400,
        aadError(
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        ),
      );
    }
    if (form.get("client_secret") !== application.clientSecret) {
      return send(
        401,
        aadError(
          "invalid_client",
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
            clientId +
            "'.",
        ),
      );
    }
    const resource = scope
      .split(" ")
      .find((item) => item.endsWith("/.default"))
      ?.slice(0, -"/.default".length);
    if (!resource) {
      return send(
        400,
        aadError(
          "invalid_scope",
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const lifetime = context.issuing.lifetimeSeconds?.(resource) ?? 3599;
    const claims = {
      aud: context.issuing.audience?.(resource) ?? resource,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      aio: randomUUID(),
      appid: clientId,
      appidacr: "1",
      idp: `https://sts.windows.net/${tenantId}/`,
      idtyp: "app",
      oid: application.objectId,
      rh: "0.stand-in.",
      sub: application.objectId,
      tid: tenantId,
      uti: randomUUID().replace(/-/g, ""),
      ver: "1.0",
    };
    const token = signed(claims, context);
    context.issued.push(token);
    send(200, {
      token_type: "Bearer",
      // What the response says, as a skewed clock sees it: the token's own exp claim may disagree.
      expires_in: Math.max(lifetime, 3599),
      ext_expires_in: Math.max(lifetime, 3599),
      access_token: token,
    });
  });
}

function aadError(error: string, code: number, text: string): Record<string, unknown> {
  return {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace("T", " ").slice(0, 19)}Z`,
    error_codes: [code],
    timestamp: new Date().toISOString().replace("T", " ").slice(0, 19) + "Z",
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

function signed(claims: Record<string, unknown>, context: Context): string {
  const header = { typ: "JWT", alg: "RS256", x5t: context.keyId, kid: context.keyId };
  const text = `${encode(header)}.${encode(claims)}`;
  return `${text}.${sign("sha256", Buffer.from(text), context.privateKey).toString("base64url")}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function verified(token: string, publicKey: KeyObject): TokenClaims | undefined {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return undefined;
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!valid) return undefined;
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
}
