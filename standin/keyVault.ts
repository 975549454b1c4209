/**
 * A stand-in for an Azure Key Vault (secrets), on loopback over HTTPS. It is not Azure: it keeps secrets
 * in memory, answers the calls `SecretClient` makes for get, set and delete (with its poller), and
 * answers the failures Key Vault documents in its own wire format.
 *
 * - A request without `Authorization` gets the challenge every Key Vault client expects first:
 *   401 with `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 *   resource="https://vault.azure.net"`. Any bearer token is then accepted; names pick failures.
 * - The challenge names `vault.azure.net`, which `localhost` is not part of: clients need
 *   `disableChallengeResourceVerification: true`, or they throw their own challenge-resource error.
 * - A secret named after a {@link KEY_VAULT_FAILURES} entry answers every authorised request with that
 *   failure; "db-password" exists from the start; other names are missing until set.
 * - Every answer carries `x-ms-keyvault-region`, `x-ms-keyvault-network-info` (the client address the
 *   vault saw) and `x-ms-request-id`.
 *
 * Sources: learn.microsoft.com/azure/key-vault/general/rest-error-codes and common-error-codes, the SDK's
 * sdk/keyvault/TROUBLESHOOTING.md and recordings, and the full texts quoted in public issues
 * (ForbiddenByRbac, AccessDenied, ForbiddenByFirewall, SecretDisabled, SecretNotFound, soft-delete 409).
 */
import { randomUUID } from "node:crypto";
import {
  startLoopbackService,
  type LoopbackOptions,
  type LoopbackService,
  type ServiceReply,
  type ServiceRequest,
} from "./loopback.js";

/** The vault's tenant, named in its challenge. */
export const KEY_VAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/** Another tenant, the issuer of a token the vault refuses with AKV10032. */
export const KEY_VAULT_OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
/** The vault's name, as its messages give it. */
export const KEY_VAULT_NAME = "standin-kv";
/** The client address the vault reports (a documentation address, RFC 5737). */
export const KEY_VAULT_CLIENT_ADDRESS = "203.0.113.7";
/** The secret that exists from the start, and its value. */
export const SEEDED_SECRET = { name: "db-password", value: "correct-horse-battery-staple" };

const CALLER = `appid=00000000-0000-0000-0000-00000000a11d;oid=00000000-0000-0000-0000-0000000000b1;iss=https://sts.windows.net/${KEY_VAULT_TENANT}/`;
const VAULT = `${KEY_VAULT_NAME};location=eastus`;

/** A failure a secret name answers with. */
export interface KeyVaultFailure {
  status: number;
  code: string;
  /** The inner error code, as the service sends it under `innererror`. */
  inner?: string;
  message: (name: string, request: ServiceRequest) => string;
  headers?: Record<string, string>;
}

/** Secret names that answer an authorised request with a failure, and the failure. */
export const KEY_VAULT_FAILURES = {
  /** The vault uses Azure RBAC and the caller holds no data role for the action. */
  "rbac-denied": {
    status: 403,
    code: "Forbidden",
    inner: "ForbiddenByRbac",
    message: (name, request) =>
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${CALLER}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/${request.method === "PUT" ? "setSecret" : "getSecret"}/action'\r\nResource: '/subscriptions/00000000-0000-0000-0000-0000000000c5/resourcegroups/standin-rg/providers/microsoft.keyvault/vaults/${KEY_VAULT_NAME}/secrets/${name}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${VAULT}\r\n`,
  },
  /** The vault uses access policies and the caller's object id has none for the operation. */
  "access-denied": {
    status: 403,
    code: "Forbidden",
    inner: "AccessDenied",
    message: (_name, request) =>
      `The user, group or application '${CALLER}' does not have secrets ${request.method === "PUT" ? "set" : "get"} permission on key vault '${VAULT}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
  },
  /** The vault firewall: the client address is not allowed and the caller is not a trusted service. */
  "firewall-blocked": {
    status: 403,
    code: "Forbidden",
    inner: "ForbiddenByFirewall",
    message: () =>
      `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${KEY_VAULT_CLIENT_ADDRESS}\r\nCaller: ${CALLER}\r\nVault: ${VAULT}`,
  },
  /** A token issued by another tenant than the vault's. */
  "wrong-tenant": {
    status: 401,
    code: "Unauthorized",
    message: () =>
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${KEY_VAULT_TENANT}/, found https://sts.windows.net/${KEY_VAULT_OTHER_TENANT}/.`,
  },
  /** The caller's access policy is a compound identity: it must call on behalf of a user. */
  "obo-required": {
    status: 403,
    code: "Forbidden",
    inner: "ForbiddenByPolicy",
    message: () => `The policy requires the caller '${CALLER}' to use on-behalf-of (OBO) flow.`,
  },
  /** A token for another resource than Key Vault. */
  "audience-invalid": {
    status: 401,
    code: "Unauthorized",
    message: () =>
      "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://storage.azure.com.",
  },
  /** The secret exists but is disabled. */
  "disabled-secret": {
    status: 403,
    code: "Forbidden",
    inner: "SecretDisabled",
    message: () => "Operation get is not allowed on a disabled secret.",
  },
  /** Too many requests for the vault: the clients retry this after `Retry-After`. */
  throttled: {
    status: 429,
    code: "Throttled",
    message: () =>
      "Request was not processed because too many requests were received. Reason: A rate of 2001 requests in 10 seconds exceeded the limit of 2000 requests.",
  },
} satisfies Record<string, KeyVaultFailure>;

/** A secret name that answers with a failure. */
export type KeyVaultScenario = keyof typeof KEY_VAULT_FAILURES;

/** A secret that is deleted but recoverable from the start: a set of its name gets 409. */
export const SOFT_DELETED_SECRET = "deleted-secret";
/** A secret name answered by a gateway in front of the vault: 502 with an empty body. */
export const GATEWAY_EMPTY_SECRET = "gateway-empty";

/** Options of {@link startKeyVault}. */
export interface KeyVaultOptions extends LoopbackOptions {
  /** The `Retry-After` seconds of a throttled answer. Defaults to 1. */
  retryAfterSeconds?: number;
  /** How many polls of a deleted secret answer 404 before the deletion completes. Defaults to 1. */
  pollsUntilDeleted?: number;
}

/** A running Key Vault stand-in. */
export interface KeyVaultStandIn extends LoopbackService {
  /** Secrets by name, for tests to read what was set. */
  secrets: Map<string, string>;
}

interface Deleted {
  value: string;
  pollsLeft: number;
}

/**
 * Starts a Key Vault stand-in on 127.0.0.1.
 *
 * @param options - throttling, deletion timing, certificate authority and trust.
 */
export async function startKeyVault(options: KeyVaultOptions = {}): Promise<KeyVaultStandIn> {
  const secrets = new Map([[SEEDED_SECRET.name, SEEDED_SECRET.value]]);
  const deleted = new Map<string, Deleted>([[SOFT_DELETED_SECRET, { value: "old", pollsLeft: 0 }]]);
  let endpoint = "";

  const respond = (request: ServiceRequest): ServiceReply => {
    const headers = {
      "content-type": "application/json; charset=utf-8",
      "x-ms-request-id": randomUUID(),
      "x-ms-keyvault-region": "eastus",
      "x-ms-keyvault-network-info": `conn_type=Ipv4;addr=${KEY_VAULT_CLIENT_ADDRESS};act_addr_fam=InterNetwork;`,
      "x-ms-keyvault-service-version": "1.9.2704.1",
      ...(request.headers["x-ms-client-request-id"]
        ? { "x-ms-client-request-id": String(request.headers["x-ms-client-request-id"]) }
        : {}),
    };
    const json = (status: number, body: unknown, extra: Record<string, string> = {}): ServiceReply => ({
      status,
      headers: { ...headers, ...extra },
      body: JSON.stringify(body),
    });
    const error = (
      status: number,
      code: string,
      message: string,
      inner?: string,
      extra?: Record<string, string>,
    ): ServiceReply =>
      json(status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }, extra);
    const challenge = {
      "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${KEY_VAULT_TENANT}", resource="https://vault.azure.net"`,
    };

    if (!/^Bearer \S+$/.test(String(request.headers.authorization ?? ""))) {
      return error(
        401,
        "Unauthorized",
        "AKV10000: Request is missing a Bearer or PoP token.",
        undefined,
        challenge,
      );
    }

    const [collection, rawName, version] = request.url.pathname.split("/").slice(1);
    const name = decodeURIComponent(rawName ?? "");
    const failure = (KEY_VAULT_FAILURES as Record<string, KeyVaultFailure>)[name];
    if (failure) {
      const extra: Record<string, string> = failure.status === 401 ? challenge : {};
      if (failure.status === 429) extra["retry-after"] = String(options.retryAfterSeconds ?? 1);
      return error(failure.status, failure.code, failure.message(name, request), failure.inner, extra);
    }
    if (name === GATEWAY_EMPTY_SECRET) return { status: 502, headers: { "content-length": "0" } };

    const id = (kind: string, secretName: string, secretVersion?: string): string =>
      `${endpoint}/${kind}/${secretName}${secretVersion ? `/${secretVersion}` : ""}`;
    const bundle = (secretName: string, value: string) => ({
      value,
      id: id("secrets", secretName, version || "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
      attributes: {
        enabled: true,
        created: 1764000000,
        updated: 1764000000,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: {},
    });
    const deletedBundle = (secretName: string, value: string) => ({
      ...bundle(secretName, value),
      recoveryId: id("deletedsecrets", secretName),
      deletedDate: Math.floor(Date.now() / 1000),
      scheduledPurgeDate: Math.floor(Date.now() / 1000) + 90 * 86400,
    });
    const notFound = (): ServiceReply =>
      error(
        404,
        "SecretNotFound",
        `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );

    if (collection === "secrets") {
      const value = secrets.get(name);
      switch (request.method) {
        case "GET":
          return value === undefined ? notFound() : json(200, bundle(name, value));
        case "PUT": {
          if (deleted.has(name)) {
            return error(
              409,
              "Conflict",
              `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
              "ObjectIsDeletedButRecoverable",
            );
          }
          const body = JSON.parse(request.body.toString() || "{}") as { value?: string };
          secrets.set(name, body.value ?? "");
          return json(200, bundle(name, body.value ?? ""));
        }
        case "DELETE":
          if (value === undefined) return notFound();
          secrets.delete(name);
          deleted.set(name, { value, pollsLeft: options.pollsUntilDeleted ?? 1 });
          return json(200, deletedBundle(name, value));
      }
    }
    if (collection === "deletedsecrets" && request.method === "GET") {
      const entry = deleted.get(name);
      // A deletion in progress answers 404 until it completes: the client's poller reads that as "not yet".
      if (!entry || entry.pollsLeft-- > 0) {
        return error(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
      }
      return json(200, deletedBundle(name, entry.value));
    }
    return error(
      400,
      "BadParameter",
      `The stand-in does not implement ${request.method} ${request.url.pathname}.`,
    );
  };

  const running = await startLoopbackService("Key Vault", respond, options);
  endpoint = running.endpoint;
  return { ...running, secrets };
}
