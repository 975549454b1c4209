/**
 * An embedded stand-in for an Azure AI Search service, on loopback over HTTPS with a certificate
 * made at start-up. It is not Azure: it answers the few operations the tests, demo and samples make,
 * with the statuses, texts and headers the real service sends for each failure.
 *
 * Who may do what:
 * - the admin key may do everything; the query key only document reads; any other key gets an empty 403;
 * - a bearer token "token-with-role" may do everything, "token-without-role" gets 403 `Authorization failed.`,
 *   and with `apiKeyOnly` every bearer token gets 401 with a WWW-Authenticate challenge;
 * - an `access` rule, when given, decides first (standin/searchAccess.ts derives one from Resource Manager's view).
 * Index names pick a failure (see {@link SCENARIOS}); "hotels" is a healthy index of 42 documents.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { createAuthority, type Authority } from "./certs.js";
import { startTlsServer, trustInProcess, type TestServer } from "./servers.js";

/** A scenario: the status, body and headers an index name answers with. */
export interface Scenario {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answered by something in front of the service: no Azure request id. */
  foreign?: boolean;
}

const envelope = (message: string, code = ""): string => JSON.stringify({ error: { code, message } });

/** Index names that answer with a failure, whatever the operation, once authorised. */
export const SCENARIOS: Record<string, Scenario> = {
  "missing-index": {
    status: 404,
    body: envelope("The index 'missing-index' for service 'stand-in' was not found."),
  },
  throttled: {
    status: 503,
    body: envelope(
      "Failed to execute query because not enough resources were available to cover 100% of the index.",
    ),
  },
  "index-quota": {
    status: 429,
    body: envelope(
      "Index quota has been exceeded for this service. You currently have 3 indexes. Maximum number of indexes allowed: 3",
    ),
  },
  "semantic-quota": {
    status: 402,
    body: envelope(
      "Free Query Semantic Usage exceeded for the month. Please enable semantic billing to continue.",
    ),
  },
  "semantic-off": {
    status: 400,
    body: envelope("Semantic search is not enabled for this service.", "FeatureNotSupportedInService"),
  },
  "cmk-access-denied": {
    status: 400,
    body: envelope(
      "Access to the required key vault permissions was denied. Please check the key vault access policies.",
    ),
  },
  "cmk-uri": {
    status: 400,
    body: envelope("Could not resolve the key vault uri 'https://missing-vault.vault.azure.net'."),
  },
  "cmk-key-missing": { status: 400, body: envelope("The key cannot be found in the key vault.") },
  "cmk-no-identity": { status: 400, body: envelope("Service does not have a managed identity defined.") },
  "cmk-app-id": { status: 400, body: envelope("The provided application id is invalid.") },
  "cmk-app-secret": { status: 400, body: envelope("The provided application secret is invalid.") },
  "cmk-revoked": {
    status: 403,
    body: envelope("Access forbidden. The query key used might have been revoked - please retry."),
  },
  "too-large": { status: 413, body: "" },
  "etag-changed": {
    status: 412,
    body: envelope("The precondition given in one of the request headers evaluated to false."),
  },
  "proxy-page": {
    status: 502,
    body: "<html><body><h1>502 Bad Gateway</h1><p>corporate-proxy</p></body></html>",
    headers: { "content-type": "text/html" },
    foreign: true,
  },
};

/** The credential of a request and what it asks for, as {@link SearchStandInOptions.access} sees them. */
export interface SearchRequestFacts {
  apiKey?: string;
  bearer?: string;
  /** Whether it reads documents, which a query key and a data reader may do. */
  isRead: boolean;
  /** The index it is about, if any. */
  indexName?: string;
}

/**
 * Decides a request before the built-in rules: a {@link Scenario} refuses it with that answer, `"allow"`
 * lets it through, `undefined` leaves it to the built-in rules below.
 */
export type SearchAccess = (request: SearchRequestFacts) => Scenario | "allow" | undefined;

/** Options of {@link startSearchStandIn}. */
export interface SearchStandInOptions {
  /** Refuse bearer tokens with 401, as a service with API keys only does. Defaults to false. */
  apiKeyOnly?: boolean;
  /** Decides who may call, as the service's settings and role assignments would. Defaults to the built-in rules. */
  access?: SearchAccess;
  /** An authority to sign the certificate with. Defaults to a new "Stand-in Test Root". */
  authority?: Authority;
  /** Make this process trust the authority (as NODE_EXTRA_CA_CERTS would). Defaults to true. */
  trust?: boolean;
}

/** A running stand-in service. */
export interface SearchStandIn {
  /** https://localhost:PORT */
  endpoint: string;
  adminKey: string;
  queryKey: string;
  /** The root that signed its certificate, PEM. */
  ca: string;
  authority: Authority;
  server: TestServer;
  close(): Promise<void>;
}

/** Starts the stand-in service on 127.0.0.1. */
export async function startSearchStandIn(options: SearchStandInOptions = {}): Promise<SearchStandIn> {
  const authority = options.authority ?? createAuthority("Stand-in Test Root");
  const adminKey = `admin-${randomUUID()}`;
  const queryKey = `query-${randomUUID()}`;
  const leaf = authority.issue({ hosts: ["localhost", "127.0.0.1"] });
  const server = await startTlsServer({
    cert: leaf.fullChain,
    key: leaf.key,
    handler: (req, res) =>
      answer(req, res, {
        adminKey,
        queryKey,
        apiKeyOnly: options.apiKeyOnly ?? false,
        access: options.access,
      }),
  });
  const untrust = options.trust === false ? () => undefined : trustInProcess(authority.cert);
  return {
    endpoint: `https://localhost:${server.port}`,
    adminKey,
    queryKey,
    ca: authority.cert,
    authority,
    server,
    close: async () => {
      untrust();
      await server.close();
    },
  };
}

interface Access {
  adminKey: string;
  queryKey: string;
  apiKeyOnly: boolean;
  access?: SearchAccess;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, access: Access): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const headers = { "request-id": randomUUID(), "content-type": "application/json; charset=utf-8" };
    const send = (status: number, body = "", extra: Record<string, string> = {}, foreign = false): void => {
      res.writeHead(status, foreign ? extra : { ...headers, ...extra });
      res.end(body);
    };
    const url = new URL(req.url ?? "/", "https://stand-in");
    const path = decodeURIComponent(url.pathname);
    const index = /^\/indexes(?:\('([^']+)'\)|\/([^/]+))/.exec(path);
    const indexName = index?.[1] ?? index?.[2];
    const isRead =
      indexName !== undefined && path.includes("/docs") && !/\/docs\/(search\.)?index$/.test(path);

    const apiKey = req.headers["api-key"];
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const decided = access.access?.({
      apiKey: typeof apiKey === "string" ? apiKey : undefined,
      bearer,
      isRead,
      indexName,
    });
    if (decided !== undefined && decided !== "allow") {
      return send(decided.status, decided.body ?? "", decided.headers, decided.foreign);
    }
    if (decided === undefined) {
      if (bearer !== undefined) {
        if (access.apiKeyOnly)
          return send(401, "", {
            "www-authenticate":
              'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
          });
        if (bearer !== "token-with-role") return send(403, envelope("Authorization failed."));
      } else if (apiKey !== access.adminKey && !(apiKey === access.queryKey && isRead)) {
        return send(403);
      }
    }

    const scenario = indexName !== undefined ? SCENARIOS[indexName] : undefined;
    if (scenario) return send(scenario.status, scenario.body ?? "", scenario.headers, scenario.foreign);

    if (path === "/servicestats") {
      // Every counter the service reports: the SDK's deserializer reads each one.
      const counters = {
        aliasesCount: { usage: 0 },
        documentCount: { usage: 42 },
        indexesCount: { usage: 1, quota: 15 },
        indexersCount: { usage: 0 },
        dataSourcesCount: { usage: 0 },
        storageSize: { usage: 0 },
        synonymMaps: { usage: 0 },
        skillsetCount: { usage: 0 },
        vectorIndexSize: { usage: 0 },
      };
      return send(200, JSON.stringify({ counters, limits: {} }));
    }
    if (indexName === undefined) return send(404, envelope(`No resource at ${path}.`));
    if (path.endsWith("/docs/$count"))
      return send(200, "42", { "content-type": "text/plain; charset=utf-8" });
    if (/\/docs\/search\.post\.search$/.test(path) || (req.method === "GET" && /\/docs$/.test(path))) {
      return send(
        200,
        JSON.stringify({
          "@odata.count": 1,
          value: [{ "@search.score": 1, hotelId: "1", hotelName: "Stand-in Inn" }],
        }),
      );
    }
    if (/\/docs\/(search\.)?index$/.test(path)) {
      const batch = JSON.parse(Buffer.concat(chunks).toString() || "{}") as {
        value?: { hotelId?: string }[];
      };
      const value = (batch.value ?? []).map((doc) => ({
        key: doc.hotelId ?? "",
        status: true,
        errorMessage: null,
        statusCode: 201,
      }));
      return send(200, JSON.stringify({ value }));
    }
    if (req.method === "DELETE") return send(204);
    if (req.method === "GET") {
      return send(
        200,
        JSON.stringify({
          name: indexName,
          fields: [{ name: "hotelId", type: "Edm.String", key: true }],
          "@odata.etag": '"0x1"',
        }),
      );
    }
    if (req.method === "PUT" || req.method === "POST")
      return send(201, Buffer.concat(chunks).toString() || "{}");
    return send(405);
  });
}
