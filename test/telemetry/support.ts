/**
 * The real OpenTelemetry SDK for the telemetry specs, and the smallest loopback stand-ins they need:
 * Key Vault (its 401 challenge, then a 403), Storage (an XML 403) and the Microsoft Entra ID token
 * endpoint behind Key Vault's challenge. Each answers in the service's wire format; nothing else of
 * the services is imitated.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { createRequire } from "node:module";
import { useInstrumenter, type Instrumenter } from "@azure/core-tracing";
import { createAzureSdkInstrumentation } from "@azure/opentelemetry-instrumentation-azure-sdk";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace";
import type { Authority } from "../../standin/certs.js";
import { startTlsServer, type TlsTestServer } from "../../standin/servers.js";

/** One data point of the `azure_sdk_doctor.client.errors` counter. */
export interface ErrorCount {
  attributes: Record<string, unknown>;
  value: number;
}

/** What the specs read of the SDK. */
export interface OpenTelemetryHarness {
  /** Spans ended since the test began. */
  spans(): ReadableSpan[];
  /** The counter's data points (cumulative since the test began); the meter's name and version too. */
  errorCounts(): Promise<{ points: ErrorCount[]; scope?: { name: string; version?: string } }>;
}

/**
 * Registers the real SDK in the calling describe block, as an application would: a tracer provider
 * with an in-memory exporter, the Azure SDK's instrumentation, optionally the AsyncLocalStorage
 * context manager, and a fresh meter provider for each test. Unregisters all of it afterwards.
 *
 * @param options - whether to register a context manager, as NodeSDK and useAzureMonitor do.
 */
export function useOpenTelemetry(options: { contextManager: boolean }): OpenTelemetryHarness {
  const spans = new InMemorySpanExporter();
  let reader: PeriodicExportingMetricReader | undefined;
  let disableInstrumentation: (() => void) | undefined;

  before(() => {
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
    );
    if (options.contextManager)
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    disableInstrumentation = registerInstrumentations({
      instrumentations: [createAzureSdkInstrumentation()],
    });
    // The specs load the Azure clients as ESM, which the instrumentation's require hook does not see;
    // core-tracing keeps its instrumenter in state its ESM and CommonJS builds share, so one require
    // sets it for every client, as the distro's `--import` loader does.
    createRequire(import.meta.url)("@azure/core-tracing");
  });
  beforeEach(() => {
    spans.reset();
    metrics.disable();
    reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  after(async () => {
    disableInstrumentation?.();
    // No instrumenter: core-tracing makes its default no-op one again on next use.
    useInstrumenter(undefined as unknown as Instrumenter);
    await reader?.shutdown();
    metrics.disable();
    trace.disable();
    context.disable();
  });

  return {
    spans: () => spans.getFinishedSpans(),
    async errorCounts() {
      const { resourceMetrics } = await reader!.collect();
      const scope = resourceMetrics.scopeMetrics.find((s) =>
        s.metrics.some((m) => m.descriptor.name === "azure_sdk_doctor.client.errors"),
      );
      const metric = scope?.metrics.find((m) => m.descriptor.name === "azure_sdk_doctor.client.errors");
      return {
        scope: scope?.scope,
        points: (metric?.dataPoints ?? []).map((point) => ({
          attributes: { ...point.attributes },
          value: point.value as number,
        })),
      };
    },
  };
}

/** The tenant, application and secret of the fake Microsoft Entra ID. */
export const ENTRA = {
  tenant: "72f988bf-0000-4000-8000-00000000aaaa",
  clientId: "1b730954-0000-4000-8000-00000000bbbb",
  clientSecret: "entra-client-secret~Zk3qW9pL",
  accessToken:
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.dGVsZW1ldHJ5LXRlc3QtdG9rZW4",
} as const;

/** A running stand-in. */
export interface StandInServer {
  /** https://localhost:PORT (Entra ID, Key Vault) or https://127.0.0.1:PORT/ACCOUNT (Storage). */
  url: string;
  server: TlsTestServer;
  close(): Promise<void>;
}

async function serve(
  ca: Authority,
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
): Promise<TlsTestServer> {
  const leaf = ca.issue({ hosts: ["localhost", "127.0.0.1"] });
  return startTlsServer({
    cert: leaf.fullChain,
    key: leaf.key,
    handler: (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => handler(req, res, body));
    },
  });
}

/**
 * The Microsoft Entra ID token endpoint for ClientSecretCredential (with `disableInstanceDiscovery`):
 * OpenID discovery, then client credentials that succeed with {@link ENTRA}'s secret.
 *
 * @param ca - the authority that signs its certificate, trusted by the process.
 */
export async function startEntra(ca: Authority): Promise<StandInServer> {
  let origin = "";
  const server = await serve(ca, (req, res, body) => {
    const base = `${origin}/${ENTRA.tenant}`;
    res.setHeader("content-type", "application/json; charset=utf-8");
    if (req.url?.includes("/.well-known/openid-configuration")) {
      return res.end(
        JSON.stringify({
          issuer: `${base}/v2.0`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
        }),
      );
    }
    if (new URLSearchParams(body).get("client_secret") === ENTRA.clientSecret) {
      return res.end(
        JSON.stringify({
          token_type: "Bearer",
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: ENTRA.accessToken,
        }),
      );
    }
    res.statusCode = 401;
    res.end(JSON.stringify({ error: "invalid_client", error_codes: [7000215] }));
  });
  origin = `https://localhost:${server.port}`;
  return { url: origin, server, close: () => server.close() };
}

/**
 * Key Vault's data plane for one call: a request without a token gets the 401 challenge naming the
 * tenant and resource; one with a token gets a 403 `ForbiddenByRbac`, as for a caller without a role.
 *
 * @param ca - the authority that signs its certificate, trusted by the process.
 */
export async function startKeyVault(ca: Authority): Promise<StandInServer> {
  const server = await serve(ca, (req, res) => {
    const headers = {
      "content-type": "application/json; charset=utf-8",
      "x-ms-request-id": randomUUID(),
      "x-ms-keyvault-service-version": "1.9.2704.1",
      "x-ms-keyvault-network-info": "conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;",
    };
    if (!req.headers.authorization) {
      res.writeHead(401, {
        ...headers,
        "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${ENTRA.tenant}", resource="https://vault.azure.net"`,
      });
      return res.end(
        JSON.stringify({
          error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." },
        }),
      );
    }
    res.writeHead(403, headers);
    res.end(
      JSON.stringify({
        error: {
          code: "Forbidden",
          message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=${ENTRA.clientId};oid=00000000-0000-4000-8000-00000000cccc;iss=https://sts.windows.net/${ENTRA.tenant}/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/00000000-0000-4000-8000-00000000dddd/resourcegroups/rg/providers/microsoft.keyvault/vaults/contoso/secrets/db-password'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: contoso;location=westeurope\r\n`,
          innererror: { code: "ForbiddenByRbac" },
        },
      }),
    );
  });
  return { url: `https://localhost:${server.port}`, server, close: () => server.close() };
}

/** The storage account the Storage stand-in answers as (path-style, as the emulator's URLs are). */
export const STORAGE_ACCOUNT = "devstoreaccount1";

/**
 * Blob Storage answering every request as an account whose caller has no data role: a 403
 * `AuthorizationPermissionMismatch` with the XML error body and the `x-ms-error-code` header.
 *
 * @param ca - the authority that signs its certificate, trusted by the process.
 */
export async function startStorage(ca: Authority): Promise<StandInServer> {
  const server = await serve(ca, (req, res) => {
    const requestId = randomUUID();
    res.writeHead(403, {
      "content-type": "application/xml",
      "x-ms-request-id": requestId,
      "x-ms-version": req.headers["x-ms-version"] ?? "2026-02-06",
      "x-ms-error-code": "AuthorizationPermissionMismatch",
      date: new Date().toUTCString(),
    });
    res.end(
      `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`,
    );
  });
  return { url: `https://127.0.0.1:${server.port}/${STORAGE_ACCOUNT}`, server, close: () => server.close() };
}
