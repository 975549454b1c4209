/**
 * A stand-in for an Azure App Configuration store, on loopback over HTTPS. It is not Azure: it keeps
 * key-values in memory, answers the calls `AppConfigurationClient` makes for get, add, set and delete,
 * and answers the failures App Configuration documents in its own wire format.
 *
 * - Connection strings are checked as the service does: an unknown `Id` gets 401 "Invalid Credential",
 *   a wrong `Secret` 401 "Invalid Signature", a date more than 15 minutes from the store's clock 401
 *   "The access token has expired"; the reason is only in `WWW-Authenticate`, the body is empty.
 * - Bearer tokens are accepted as they come; a request with neither gets `WWW-Authenticate: HMAC-SHA256, Bearer`.
 * - A key named after an {@link APP_CONFIGURATION_FAILURES} entry answers every authorised request with
 *   that failure; "app:greeting" exists from the start; other keys are missing until set.
 *
 * Sources: learn.microsoft.com/azure/azure-app-configuration/rest-api-authentication-hmac,
 * rest-api-authentication-azure-ad, rest-api-authorization-azure-ad (the bare 403), network-access-errors
 * (problem+json `ip-address-rejected`, `nsp-rejected`) and rest-api-throttling (429, `retry-after-ms`).
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import {
  startLoopbackService,
  type LoopbackOptions,
  type LoopbackService,
  type ServiceReply,
  type ServiceRequest,
} from "./loopback.js";

/** The key-value that exists from the start. */
export const SEEDED_SETTING = { key: "app:greeting", value: "hello" };

/** A failure a key answers with. */
export interface AppConfigurationFailure {
  status: number;
  headers?: Record<string, string>;
  /** A problem+json body; none when the service sends none. */
  problem?: Record<string, unknown>;
}

const networkTitle = (governedBy: string, criteria: string): string =>
  `Access to this resource is governed by a ${governedBy}. ${criteria} See https://aka.ms/appconfig/network-access-errors for more information.`;

/** Keys that answer an authorised request with a failure, and the failure. */
export const APP_CONFIGURATION_FAILURES = {
  /** A token whose identity holds no App Configuration Data Reader or Owner role: an empty 403. */
  "role-missing": { status: 403 },
  /** Public network access disabled, and the client address does not meet the criteria. */
  "ip-rejected": {
    status: 403,
    problem: {
      type: "https://azconfig.io/errors/ip-address-rejected",
      title: networkTitle(
        "network access policy",
        "The client IP address fails to meet the criteria for access.",
      ),
      status: 403,
    },
  },
  /** A network security perimeter in enforced mode rejects the request. */
  "nsp-rejected": {
    status: 403,
    problem: {
      type: "https://azconfig.io/errors/nsp-rejected",
      title: networkTitle(
        "Network Security Perimeter",
        "The request fails to meet the criteria for inbound access.",
      ),
      status: 403,
    },
  },
  /** The store's request quota is used up: the clients retry after `retry-after-ms`. */
  throttled: {
    status: 429,
    problem: {
      type: "https://azconfig.io/errors/too-many-requests",
      title: "Resource utilization has surpassed the assigned quota",
      policy: "Total Requests",
      status: 429,
    },
  },
  /** An Entra token the store does not accept (audience, issuer, expiry): the reason is in the header. */
  "token-invalid": {
    status: 401,
    headers: {
      "www-authenticate":
        'HMAC-SHA256, Bearer error="invalid_token", error_description="Authorization token failed validation"',
    },
  },
} satisfies Record<string, AppConfigurationFailure>;

/** A key that answers with a failure. */
export type AppConfigurationScenario = keyof typeof APP_CONFIGURATION_FAILURES;

/** Options of {@link startAppConfiguration}. */
export interface AppConfigurationOptions extends LoopbackOptions {
  /** How far the store's clock is ahead of this machine's, to show clock skew. Defaults to 0. */
  clockOffsetMs?: number;
  /** The `retry-after-ms` of a throttled answer. Defaults to 10, as the service's documented example. */
  retryAfterMs?: number;
}

/** A running App Configuration stand-in. */
export interface AppConfigurationStandIn extends LoopbackService {
  /** `Endpoint=https://localhost:PORT;Id=…;Secret=…`, as the portal shows it. */
  connectionString: string;
  /** The access key id and its base64 secret. */
  credential: { id: string; secret: string };
}

interface KeyValue {
  value: string;
  etag: string;
  lastModified: string;
}

/**
 * Starts an App Configuration stand-in on 127.0.0.1.
 *
 * @param options - clock skew, throttling, certificate authority and trust.
 */
export async function startAppConfiguration(
  options: AppConfigurationOptions = {},
): Promise<AppConfigurationStandIn> {
  const credential = {
    id: `StAn-l0-s0:${randomBytes(9).toString("base64url")}`,
    secret: randomBytes(32).toString("base64"),
  };
  const settings = new Map<string, KeyValue>([[SEEDED_SETTING.key, keyValueOf(SEEDED_SETTING.value)]]);

  const respond = (request: ServiceRequest): ServiceReply => {
    const headers: Record<string, string> = {
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": randomUUID(),
      "sync-token": "zAJw6V16=MDoyOA==;sn=28",
    };
    const unauthorized = (challenge: string): ServiceReply => ({
      status: 401,
      headers: { ...headers, "www-authenticate": challenge },
    });

    const authorization = String(request.headers.authorization ?? "");
    if (authorization.startsWith("HMAC-SHA256 ")) {
      const refusal = checkHmac(
        request,
        authorization,
        credential,
        Date.now() + (options.clockOffsetMs ?? 0),
      );
      if (refusal)
        return unauthorized(`HMAC-SHA256 error="invalid_token" error_description="${refusal}", Bearer`);
    } else if (!/^Bearer \S+$/.test(authorization)) {
      return unauthorized("HMAC-SHA256, Bearer");
    }

    const [collection, rawKey] = request.url.pathname.split("/").slice(1);
    const key = decodeURIComponent(rawKey ?? "");
    const failure = (APP_CONFIGURATION_FAILURES as Record<string, AppConfigurationFailure>)[key];
    if (failure) {
      const extra: Record<string, string> =
        failure.status === 429 ? { "retry-after-ms": String(options.retryAfterMs ?? 10) } : {};
      return failure.problem
        ? {
            status: failure.status,
            headers: {
              ...headers,
              ...extra,
              ...failure.headers,
              "content-type": "application/problem+json; charset=utf-8",
            },
            body: JSON.stringify(failure.problem),
          }
        : { status: failure.status, headers: { ...headers, ...extra, ...failure.headers } };
    }
    if (collection !== "kv" || !key) {
      return { status: 404, headers };
    }

    const existing = settings.get(key);
    const answer = (status: number, kv: KeyValue): ServiceReply => ({
      status,
      headers: {
        ...headers,
        "content-type": "application/vnd.microsoft.appconfig.kv+json; charset=utf-8",
        etag: `"${kv.etag}"`,
        "last-modified": kv.lastModified,
      },
      body: JSON.stringify({
        etag: kv.etag,
        key,
        label: request.url.searchParams.get("label") || null,
        content_type: "",
        value: kv.value,
        tags: {},
        locked: false,
        last_modified: new Date(kv.lastModified).toISOString(),
      }),
    });
    const ifNoneMatch = String(request.headers["if-none-match"] ?? "");
    switch (request.method) {
      case "GET":
      case "HEAD":
        if (!existing) return { status: 404, headers };
        if (ifNoneMatch === `"${existing.etag}"`)
          return { status: 304, headers: { ...headers, etag: `"${existing.etag}"` } };
        return answer(200, existing);
      case "PUT": {
        // "Add" sends If-None-Match: *; the service refuses an existing key with an empty 412.
        if (ifNoneMatch === "*" && existing) return { status: 412, headers };
        const body = JSON.parse(request.body.toString() || "{}") as { value?: string };
        const stored = keyValueOf(body.value ?? "");
        settings.set(key, stored);
        return answer(200, stored);
      }
      case "DELETE":
        if (!existing) return { status: 204, headers };
        settings.delete(key);
        return answer(200, existing);
    }
    return { status: 405, headers };
  };

  const running = await startLoopbackService("App Configuration", respond, options);
  return {
    ...running,
    credential,
    connectionString: `Endpoint=${running.endpoint};Id=${credential.id};Secret=${credential.secret}`,
  };
}

/** Why an HMAC-signed request is refused, in the service's `error_description` words; undefined if it is not. */
function checkHmac(
  request: ServiceRequest,
  authorization: string,
  credential: { id: string; secret: string },
  now: number,
): string | undefined {
  // Split by hand: the base64 signature holds '+', which URLSearchParams would read as a space.
  const fields = new Map(
    authorization
      .slice("HMAC-SHA256 ".length)
      .split("&")
      .map((field) => [field.slice(0, field.indexOf("=")), field.slice(field.indexOf("=") + 1)]),
  );
  const id = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!id || !signedHeaders || !signature) return "[Credential][SignedHeaders][Signature] is required";
  if (id !== credential.id) return "Invalid Credential";
  const date = Date.parse(String(request.headers["x-ms-date"] ?? request.headers.date ?? ""));
  if (Number.isNaN(date)) return "Invalid access token date";
  if (Math.abs(now - date) > 15 * 60_000) return "The access token has expired";
  const values = signedHeaders.split(";").map((name) => String(request.headers[name.toLowerCase()] ?? ""));
  const expected = createHmac("sha256", Buffer.from(credential.secret, "base64"))
    .update(`${request.method}\n${request.path}\n${values.join(";")}`)
    .digest();
  const given = Buffer.from(signature, "base64");
  const contentHash = createHash("sha256").update(request.body).digest("base64");
  if (
    given.length !== expected.length ||
    !timingSafeEqual(given, expected) ||
    request.headers["x-ms-content-sha256"] !== contentHash
  ) {
    return "Invalid Signature";
  }
  return undefined;
}

function keyValueOf(value: string): KeyValue {
  return { value, etag: randomBytes(16).toString("base64url"), lastModified: new Date().toUTCString() };
}
