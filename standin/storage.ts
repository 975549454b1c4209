/**
 * A stand-in for an Azure Storage account (Blob or Queue service), on loopback over HTTPS. It is not
 * Azure: it keeps containers, blobs and queues in memory, answers the few operations the real clients
 * make for their common calls, and answers the failures Storage documents in its own wire format.
 *
 * - URLs are path-style, as the clients use for localhost: `https://localhost:PORT/standin/<container>/<blob>`.
 * - A container or queue named after a {@link STORAGE_FAILURES} entry answers every request with that
 *   failure, whatever the credential; other names behave like a healthy account.
 * - Errors are XML `<Error><Code/><Message/>[<AuthenticationErrorDetail/>]</Error>` with `x-ms-error-code`
 *   on every error, HEAD included (where the body is empty), or, with `errorFormat: "json"`, the
 *   Data Lake (dfs) JSON envelope `{"error":{"code","message"}}`.
 * - Signatures are not checked: names pick failures, so a test says which one it means.
 *
 * Sources: learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes, blob-service-error-codes,
 * queue-service-error-codes, sas-error-codes, and the 403 troubleshooting article (storage-troubleshoot-403-errors).
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  startLoopbackService,
  type LoopbackOptions,
  type LoopbackService,
  type ServiceReply,
  type ServiceRequest,
} from "./loopback.js";

/** The account name in every stand-in URL. */
export const STORAGE_ACCOUNT = "standin";

/** The tenant a Storage bearer challenge names. */
export const STORAGE_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** A failure a container or queue name answers with. */
export interface StorageFailure {
  status: number;
  /** The error code, in the body and in `x-ms-error-code`. */
  code: string;
  /** The first line of the message; the service appends `RequestId:` and `Time:` lines. */
  message: string;
  /** `AuthenticationErrorDetail`, from the request the service received. */
  detail?: (request: ServiceRequest) => string;
  headers?: Record<string, string>;
}

const AUTHENTICATION_FAILED =
  "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.";
const SEE_WWW_AUTHENTICATE =
  "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.";
const BEARER_CHALLENGE = {
  "www-authenticate": `Bearer authorization_uri=https://login.microsoftonline.com/${STORAGE_TENANT}/oauth2/authorize resource_id=https://storage.azure.com`,
};

/** Container and queue names that answer with a failure, and the failure. */
export const STORAGE_FAILURES = {
  /** A wrong or rotated account key: the SharedKey signature does not match. */
  "auth-failed": {
    status: 403,
    code: "AuthenticationFailed",
    message: AUTHENTICATION_FAILED,
    detail: (request) =>
      `The MAC signature found in the HTTP request '${sharedKeySignature(request)}' is not the same as any computed signature. Server used following string to sign: '${stringToSign(request)}'.`,
  },
  /** A SAS used outside its time window (expired, not yet valid, or the client's clock is off). */
  "sas-expired": {
    status: 403,
    code: "AuthenticationFailed",
    message: AUTHENTICATION_FAILED,
    detail: (request) =>
      `Signature not valid in the specified time frame: Start [${httpDate(request.url.searchParams.get("st") ?? "2024-01-01T00:00:00Z")}] - Expiry [${httpDate(request.url.searchParams.get("se") ?? "2024-01-02T00:00:00Z")}] - Current [${new Date().toUTCString()}]`,
  },
  /** Shared key (and key-signed SAS) disabled on the account: `allowSharedKeyAccess=false`. */
  "shared-key-disabled": {
    status: 403,
    code: "KeyBasedAuthenticationNotPermitted",
    message: "Key based authentication is not permitted on this storage account.",
  },
  /** An Entra identity without a data role, or a SAS without the permission (`sp`). */
  "permission-mismatch": {
    status: 403,
    code: "AuthorizationPermissionMismatch",
    message: "This request is not authorized to perform this operation using this permission.",
  },
  /** The storage firewall, a disabled public network, or a private endpoint name resolving publicly. */
  "network-blocked": {
    status: 403,
    code: "AuthorizationFailure",
    message: "This request is not authorized to perform this operation.",
  },
  /** A SAS whose `sip` range excludes the caller. */
  "source-ip-mismatch": {
    status: 403,
    code: "AuthorizationSourceIPMismatch",
    message: "This request is not authorized to perform this operation using this source IP 203.0.113.7.",
  },
  /** A SAS with `spr=https` used over HTTP. */
  "protocol-mismatch": {
    status: 403,
    code: "AuthorizationProtocolMismatch",
    message: "This request is not authorized to perform this operation using this protocol.",
  },
  /** An account SAS whose `ss` does not include this service. */
  "service-mismatch": {
    status: 403,
    code: "AuthorizationServiceMismatch",
    message: "This request is not authorized to perform this operation using this service.",
  },
  /** An account SAS whose `srt` does not include this resource type. */
  "resource-type-mismatch": {
    status: 403,
    code: "AuthorizationResourceTypeMismatch",
    message: "This request is not authorized to perform this operation using this resource type.",
  },
  /** A bearer token for another audience (also expired or wrong-issuer tokens, with their own detail). */
  "token-invalid": {
    status: 401,
    code: "InvalidAuthenticationInfo",
    message: SEE_WWW_AUTHENTICATE,
    detail: () => "Audience validation failed. Audience did not match.",
    headers: BEARER_CHALLENGE,
  },
  /** No credential at all on a resource that is not public. */
  "no-auth": {
    status: 401,
    code: "NoAuthenticationInformation",
    message: SEE_WWW_AUTHENTICATE,
    headers: BEARER_CHALLENGE,
  },
  /** Anonymous access asked of an account with `allowBlobPublicAccess=false`. */
  "public-access": {
    status: 409,
    code: "PublicAccessNotPermitted",
    message: "Public access is not permitted on this storage account.",
  },
  /** The account (or its subscription) is disabled. */
  "account-disabled": {
    status: 403,
    code: "AccountIsDisabled",
    message: "The specified account is disabled.",
  },
  /** The account is read-only or write-disabled. */
  "read-only": {
    status: 403,
    code: "InsufficientAccountPermissions",
    message: "The account being accessed does not have sufficient permissions to execute this operation.",
  },
  /** Secure transfer required, request over HTTP. */
  "requires-https": {
    status: 400,
    code: "AccountRequiresHttps",
    message: "The account being accessed does not support http.",
  },
  /** The account's scalability targets are exceeded: the clients retry this. */
  "server-busy": {
    status: 503,
    code: "ServerBusy",
    message: "The server is currently unable to receive requests. Please retry your request.",
  },
} satisfies Record<string, StorageFailure>;

/** A container or queue name that answers with a failure. */
export type StorageScenario = keyof typeof STORAGE_FAILURES;

/** Options of {@link startStorage}. */
export interface StorageOptions extends LoopbackOptions {
  /** Which service the account answers as. Defaults to "blob". */
  service?: "blob" | "queue";
  /** The error envelope: Blob/Queue XML, or the Data Lake (dfs) JSON. Defaults to "xml". */
  errorFormat?: "xml" | "json";
}

/** A running Storage stand-in. */
export interface StorageStandIn extends LoopbackService {
  accountName: string;
  /** A base64 account key, for `StorageSharedKeyCredential` (not checked by the stand-in). */
  accountKey: string;
  /** The service URL a client takes: `https://localhost:PORT/standin`. */
  url: string;
}

/** The healthy container that exists from the start, with {@link SEEDED_BLOB} in it. */
export const SEEDED_CONTAINER = "photos";
/** A blob in {@link SEEDED_CONTAINER}, and its content. */
export const SEEDED_BLOB = { name: "hello.txt", content: "hello, world" };

interface Blob {
  content: Buffer;
  contentType: string;
  etag: string;
  lastModified: string;
}

/**
 * Starts a Storage account stand-in on 127.0.0.1.
 *
 * @param options - the service, error format, certificate authority and trust.
 */
export async function startStorage(options: StorageOptions = {}): Promise<StorageStandIn> {
  const service = options.service ?? "blob";
  const containers = new Map<string, Map<string, Blob>>();
  containers.set(SEEDED_CONTAINER, new Map([[SEEDED_BLOB.name, blobOf(Buffer.from(SEEDED_BLOB.content))]]));
  const queues = new Map<string, string[]>();
  const reply = replies(service, options.errorFormat ?? "xml");

  const respond = (request: ServiceRequest): ServiceReply => {
    const [account, name, ...rest] = request.url.pathname.split("/").slice(1).map(decodeURIComponent);
    if (account !== STORAGE_ACCOUNT)
      return reply.error(request, notFound("ResourceNotFound", "The specified resource does not exist."));
    if (!name) {
      return service === "blob" && request.method === "GET" && request.url.searchParams.get("comp") === "list"
        ? listContainers(request, reply, [...containers.keys()])
        : reply.error(request, unsupported(request));
    }
    const failure = (STORAGE_FAILURES as Record<string, StorageFailure>)[name];
    if (failure) return reply.error(request, failure);
    return service === "blob"
      ? blobService(request, reply, containers, name, rest.join("/"))
      : queueService(request, reply, queues, name, rest.join("/"));
  };

  const running = await startLoopbackService(
    service === "blob" ? "Storage Blob" : "Storage Queue",
    respond,
    options,
  );
  return {
    ...running,
    accountName: STORAGE_ACCOUNT,
    accountKey: randomBytes(64).toString("base64"),
    url: `${running.endpoint}/${STORAGE_ACCOUNT}`,
  };
}

type Replies = ReturnType<typeof replies>;

function replies(service: "blob" | "queue", errorFormat: "xml" | "json") {
  const serverName =
    errorFormat === "json"
      ? "Windows-Azure-HDFS/1.0"
      : service === "blob"
        ? "Windows-Azure-Blob/1.0"
        : "Windows-Azure-Queue/1.0";
  const common = (request: ServiceRequest): Record<string, string> => ({
    server: `${serverName} Microsoft-HTTPAPI/2.0`,
    "x-ms-request-id": randomUUID(),
    "x-ms-version": String(request.headers["x-ms-version"] ?? "2026-02-06"),
    ...(request.headers["x-ms-client-request-id"]
      ? { "x-ms-client-request-id": String(request.headers["x-ms-client-request-id"]) }
      : {}),
    date: new Date().toUTCString(),
  });
  return {
    ok(
      request: ServiceRequest,
      status: number,
      headers: Record<string, string> = {},
      body?: string | Buffer,
    ): ServiceReply {
      return { status, headers: { ...common(request), ...headers }, body };
    },
    error(request: ServiceRequest, failure: StorageFailure): ServiceReply {
      const headers = common(request);
      const message = `${failure.message}\nRequestId:${headers["x-ms-request-id"]}\nTime:${serviceTime()}`;
      const detail = failure.detail?.(request);
      const body =
        errorFormat === "json"
          ? JSON.stringify({ error: { code: failure.code, message } })
          : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${failure.code}</Code><Message>${escapeXml(message)}</Message>${detail === undefined ? "" : `<AuthenticationErrorDetail>${escapeXml(detail)}</AuthenticationErrorDetail>`}</Error>`;
      return {
        status: failure.status,
        headers: {
          ...headers,
          "content-type": errorFormat === "json" ? "application/json;charset=utf-8" : "application/xml",
          "x-ms-error-code": failure.code,
          ...failure.headers,
        },
        body,
      };
    },
  };
}

function blobService(
  request: ServiceRequest,
  reply: Replies,
  containers: Map<string, Map<string, Blob>>,
  containerName: string,
  blobName: string,
): ServiceReply {
  const container = containers.get(containerName);
  const isContainer = request.url.searchParams.get("restype") === "container";
  const containerNotFound = notFound("ContainerNotFound", "The specified container does not exist.");

  if (isContainer) {
    const properties = (): Record<string, string> => ({
      etag: '"0x8DCE0A1B2C3D4E5"',
      "last-modified": new Date(0).toUTCString(),
      "x-ms-lease-status": "unlocked",
      "x-ms-lease-state": "available",
      "x-ms-has-immutability-policy": "false",
      "x-ms-has-legal-hold": "false",
    });
    switch (request.method) {
      case "PUT":
        if (container)
          return reply.error(
            request,
            conflict("ContainerAlreadyExists", "The specified container already exists."),
          );
        containers.set(containerName, new Map());
        return reply.ok(request, 201, properties());
      case "GET":
      case "HEAD":
        if (request.url.searchParams.get("comp") === "list")
          return container
            ? listBlobs(request, reply, containerName, container)
            : reply.error(request, containerNotFound);
        return container ? reply.ok(request, 200, properties()) : reply.error(request, containerNotFound);
      case "DELETE":
        if (!container) return reply.error(request, containerNotFound);
        containers.delete(containerName);
        return reply.ok(request, 202);
    }
    return reply.error(request, unsupported(request));
  }

  if (!blobName) return reply.error(request, unsupported(request));
  if (!container) return reply.error(request, containerNotFound);
  const blob = container.get(blobName);
  const blobNotFound = notFound("BlobNotFound", "The specified blob does not exist.");
  const properties = (b: Blob): Record<string, string> => ({
    etag: b.etag,
    "last-modified": b.lastModified,
    "content-type": b.contentType,
    "content-length": String(b.content.length),
    "x-ms-blob-type": "BlockBlob",
    "x-ms-server-encrypted": "true",
    "x-ms-creation-time": b.lastModified,
    "accept-ranges": "bytes",
  });
  switch (request.method) {
    case "PUT": {
      if (request.headers["if-none-match"] === "*" && blob)
        return reply.error(request, conflict("BlobAlreadyExists", "The specified blob already exists."));
      const stored = blobOf(
        request.body,
        String(request.headers["x-ms-blob-content-type"] ?? "application/octet-stream"),
      );
      container.set(blobName, stored);
      return reply.ok(request, 201, {
        etag: stored.etag,
        "last-modified": stored.lastModified,
        "x-ms-request-server-encrypted": "true",
        "content-length": "0",
      });
    }
    case "GET":
      return blob
        ? reply.ok(request, 200, properties(blob), blob.content)
        : reply.error(request, blobNotFound);
    case "HEAD":
      return blob ? reply.ok(request, 200, properties(blob)) : reply.error(request, blobNotFound);
    case "DELETE":
      if (!blob) return reply.error(request, blobNotFound);
      container.delete(blobName);
      return reply.ok(request, 202, { "x-ms-delete-type-permanent": "true" });
  }
  return reply.error(request, unsupported(request));
}

function listBlobs(
  request: ServiceRequest,
  reply: Replies,
  containerName: string,
  container: Map<string, Blob>,
): ServiceReply {
  const blobs = [...container.entries()]
    .map(
      ([name, b]) =>
        `<Blob><Name>${escapeXml(name)}</Name><Properties><Last-Modified>${b.lastModified}</Last-Modified><Etag>${b.etag}</Etag><Content-Length>${b.content.length}</Content-Length><Content-Type>${b.contentType}</Content-Type><BlobType>BlockBlob</BlobType></Properties></Blob>`,
    )
    .join("");
  const body = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://localhost/${STORAGE_ACCOUNT}" ContainerName="${containerName}"><Blobs>${blobs}</Blobs><NextMarker /></EnumerationResults>`;
  return reply.ok(request, 200, { "content-type": "application/xml" }, body);
}

function listContainers(request: ServiceRequest, reply: Replies, names: string[]): ServiceReply {
  const containers = names
    .map(
      (name) =>
        `<Container><Name>${escapeXml(name)}</Name><Properties><Last-Modified>${new Date(0).toUTCString()}</Last-Modified><Etag>"0x8DCE0A1B2C3D4E5"</Etag><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties></Container>`,
    )
    .join("");
  const body = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://localhost/${STORAGE_ACCOUNT}"><Containers>${containers}</Containers><NextMarker /></EnumerationResults>`;
  return reply.ok(request, 200, { "content-type": "application/xml" }, body);
}

function queueService(
  request: ServiceRequest,
  reply: Replies,
  queues: Map<string, string[]>,
  queueName: string,
  rest: string,
): ServiceReply {
  const queue = queues.get(queueName);
  const queueNotFound = notFound("QueueNotFound", "The specified queue does not exist.");
  if (rest === "messages" && request.method === "POST") {
    if (!queue) return reply.error(request, queueNotFound);
    const id = randomUUID();
    queue.push(request.body.toString());
    const now = new Date();
    const body = `<?xml version="1.0" encoding="utf-8"?><QueueMessagesList><QueueMessage><MessageId>${id}</MessageId><InsertionTime>${now.toUTCString()}</InsertionTime><ExpirationTime>${new Date(now.getTime() + 7 * 86_400_000).toUTCString()}</ExpirationTime><PopReceipt>AgAAAAMAAAAAAAAA</PopReceipt><TimeNextVisible>${now.toUTCString()}</TimeNextVisible></QueueMessage></QueueMessagesList>`;
    return reply.ok(request, 201, { "content-type": "application/xml" }, body);
  }
  if (rest) return reply.error(request, unsupported(request));
  switch (request.method) {
    case "PUT":
      if (queue) return reply.ok(request, 204);
      queues.set(queueName, []);
      return reply.ok(request, 201);
    case "GET":
    case "HEAD":
      return queue
        ? reply.ok(request, 200, { "x-ms-approximate-messages-count": String(queue.length) })
        : reply.error(request, queueNotFound);
    case "DELETE":
      if (!queue) return reply.error(request, queueNotFound);
      queues.delete(queueName);
      return reply.ok(request, 204);
  }
  return reply.error(request, unsupported(request));
}

function notFound(code: string, message: string): StorageFailure {
  return { status: 404, code, message };
}

function conflict(code: string, message: string): StorageFailure {
  return { status: 409, code, message };
}

/** What the stand-in does not implement answers as Storage does to an unknown operation, so a gap shows. */
function unsupported(request: ServiceRequest): StorageFailure {
  return {
    status: 400,
    code: "UnsupportedHttpVerb",
    message: `The resource doesn't support specified Http Verb. (stand-in: ${request.method} ${request.path})`,
  };
}

function blobOf(content: Buffer, contentType = "application/octet-stream"): Blob {
  return {
    content,
    contentType,
    etag: `"0x8DC${randomBytes(6).toString("hex").toUpperCase()}"`,
    lastModified: new Date().toUTCString(),
  };
}

/** The service's timestamp: ISO 8601 with seven fractional digits. */
function serviceTime(): string {
  return new Date().toISOString().replace(/Z$/, "0000Z");
}

function httpDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toUTCString();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function sharedKeySignature(request: ServiceRequest): string {
  return /^SharedKey [^:]+:(.+)$/.exec(String(request.headers.authorization ?? ""))?.[1] ?? "";
}

/** The Blob SharedKey string-to-sign of a request, as the service reports it beside a MAC mismatch. */
function stringToSign(request: ServiceRequest): string {
  const header = (name: string): string => {
    const value = String(request.headers[name] ?? "");
    return name === "content-length" && value === "0" ? "" : value;
  };
  const standard = [
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "date",
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
  ].map(header);
  const canonicalHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith("x-ms-"))
    .sort()
    .map((name) => `${name}:${header(name)}\n`)
    .join("");
  const params = [...request.url.searchParams.keys()]
    .sort()
    .map((key) => `\n${key}:${request.url.searchParams.get(key)}`);
  return `${request.method}\n${standard.join("\n")}\n${canonicalHeaders}/${STORAGE_ACCOUNT}${request.url.pathname}${params.join("")}`;
}
