/**
 * A RuleTester for the catalog, after ESLint's: each cause has failures it must fit and failures it
 * must not, run through the real signal reading and the whole catalog, as a user's failure would be.
 */
import assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { catalog, type CauseId } from "../../src/catalog/index.js";
import { classify, diagnosisOf } from "../../src/diagnose.js";
import { SERVICES } from "../../src/services.js";
import { signalsFromResponse } from "../../src/signals/response.js";
import { signalsFromThrown } from "../../src/signals/thrown.js";
import type { Diagnosis, RuleMatch, ServiceId } from "../../src/types.js";

/** A response from a service, as the policy sees it. */
export interface ResponseFailure {
  /** The service the request went to (its User-Agent and host); undefined for an unknown service. */
  service: ServiceId | undefined;
  status: number;
  body?: string;
  headers?: Record<string, string>;
  method?: string;
  /** The URL path, such as `/indexes('hotels')/docs/$count`. */
  path?: string;
  /** The credential the request carried. Defaults to an api-key. */
  credential?: "apiKey" | "bearer" | "sharedKey" | "sas" | "hmac" | "none";
  scheme?: "http" | "https";
  /** Answered by something in front of the service: no Azure request id. Defaults to false. */
  foreign?: boolean;
  /** The proxy the SDK's proxyPolicy put on the request, as its URL (credentials included). */
  proxy?: string;
}

/** A thrown value, with the request it was sent with when there was one. */
export interface ThrownFailure {
  thrown: unknown;
  /** The service of the request the error carries, when it carries one. */
  service?: ServiceId;
  /** The proxy the request went through, as its URL: the error then carries a request. */
  proxy?: string;
}

/** One case: a failure, and a name when its shape does not say enough. */
export type Failure = ResponseFailure | ThrownFailure;

/** The cases of one cause: failures it must explain, and failures it must leave to other causes. */
export interface CauseCases {
  fits: readonly Failure[];
  doesNotFit: readonly Failure[];
}

/** The cases of one catalog domain, by cause, and its findings (causes named by id only). */
export interface DomainCases {
  causes: Partial<Record<CauseId, CauseCases>>;
  findings?: readonly CauseId[];
}

/** A host of each service, so that a request without a User-Agent still names its service. */
const HOSTS: Record<ServiceId, string> = {
  search: "contoso.search.windows.net",
  storage: "contoso.blob.core.windows.net",
  keyVault: "contoso.vault.azure.net",
  appConfiguration: "contoso.azconfig.io",
  resourceManager: "management.azure.com",
  entraId: "login.microsoftonline.com",
};

/** The client package each service's requests name in their User-Agent. */
const PACKAGES: Record<ServiceId, string> = {
  search: "search-documents/13.0.0",
  storage: "azure-storage-blob/12.34.0",
  keyVault: "keyvault-secrets/4.12.0",
  appConfiguration: "app-configuration/1.13.0",
  resourceManager: "arm-resources/8.0.0",
  entraId: "identity/4.14.1",
};

/** A key every case sends, to be redacted like any other. */
export const CASE_KEY = "case-admin-key-0123456789abcdef";

/**
 * The request a client of the service sends.
 *
 * @param service - the service, or undefined for one the catalog does not know.
 * @param options - method, path, credential and scheme.
 */
export function requestTo(
  service: ServiceId | undefined,
  options: Pick<ResponseFailure, "method" | "path" | "credential" | "scheme" | "proxy"> = {},
): PipelineRequest {
  const host = service ? HOSTS[service] : "api.contoso.example";
  const credential = options.credential ?? "apiKey";
  const path = options.path ?? "/";
  const sas = `sv=2025-05-05&sp=r&se=2024-01-02T00%3A00%3A00Z&sig=${CASE_KEY}`;
  const request = createPipelineRequest({
    url: `${options.scheme ?? "https"}://${host}${path}${credential === "sas" ? `${path.includes("?") ? "&" : "?"}${sas}` : ""}`,
    method: (options.method ?? "GET") as PipelineRequest["method"],
  });
  request.headers.set(
    "user-agent",
    service ? `azsdk-js-${PACKAGES[service]} core-rest-pipeline/1.25.1 Node/24` : "contoso-client/1.0",
  );
  if (credential === "apiKey") request.headers.set("api-key", CASE_KEY);
  if (credential === "bearer") request.headers.set("authorization", `Bearer eyJ0eXAi.${CASE_KEY}.sig`);
  if (credential === "sharedKey") request.headers.set("authorization", `SharedKey contoso:${CASE_KEY}`);
  if (credential === "hmac") {
    request.headers.set(
      "authorization",
      `HMAC-SHA256 Credential=contoso-id&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${CASE_KEY}`,
    );
  }
  // As the SDK's proxyPolicy leaves it: an https-proxy-agent, which keeps the proxy's URL as `proxy`.
  if (options.proxy) request.agent = { proxy: new URL(options.proxy) } as unknown as PipelineRequest["agent"];
  return request;
}

/**
 * The catalog's diagnosis of a case, through the same signal reading the policy and diagnose() use.
 *
 * @param failure - the case.
 */
export function diagnosisOfCase(failure: Failure): Diagnosis<CauseId> | undefined {
  if ("thrown" in failure) {
    const request =
      failure.service || failure.proxy ? requestTo(failure.service, { proxy: failure.proxy }) : undefined;
    return classify(signalsFromThrown(failure.thrown, request));
  }
  const request = requestTo(failure.service, failure);
  const headers = createHttpHeaders(
    failure.foreign ? failure.headers : { "x-ms-request-id": "0f9e8d7c-6b5a-4938", ...failure.headers },
  );
  return classify(
    signalsFromResponse(request, {
      request,
      status: failure.status,
      headers,
      bodyAsText: failure.body ?? "",
    }),
  );
}

/** A short name for a case in a test title. */
function nameOf(failure: Failure): string {
  if ("thrown" in failure) {
    const value = failure.thrown as { name?: unknown; code?: unknown; message?: unknown } | null;
    const what = [value?.name, value?.code, String(value?.message ?? failure.thrown).slice(0, 50)]
      .filter((part) => typeof part === "string" && part !== "")
      .join(" ");
    const proxy = failure.proxy ? ` through ${failure.proxy}` : "";
    return `thrown ${what}${failure.service ? ` (${failure.service})` : ""}${proxy}`;
  }
  // Storage names its error in a header; its XML body's start says nothing a reader needs.
  const code = failure.headers?.["x-ms-error-code"];
  const text = failure.body ? ` ${failure.body.replace(/\s+/g, " ").slice(0, 50)}` : "";
  const body = code
    ? ` ${code}${failure.body ? (failure.body.includes("{") ? " (JSON)" : " (XML)") : ""}`
    : text;
  const proxy = failure.proxy ? ` through ${failure.proxy}` : "";
  return `${failure.service ?? "an unknown service"} ${failure.method ?? "GET"} ${failure.status}${body}${failure.credential ? ` [${failure.credential}]` : ""}${proxy}`;
}

const ALL_SERVICES = Object.keys(SERVICES) as ServiceId[];

/** The causes each loaded domain spec has cases for, to find a catalog cause that has none. */
const covered = new Map<CauseId, CauseCases | "finding">();

/** Every cause a loaded domain spec covers: its cases, or `"finding"` for a cause named by id. */
export function coveredCauses(): ReadonlyMap<CauseId, CauseCases | "finding"> {
  return covered;
}

/**
 * Registers one describe block per cause of a domain: each case it must fit, each it must not, and
 * the same responses from every other service, which a service's own cause must never explain.
 *
 * @param domain - the domain's name, for the block titles.
 * @param cases - the domain's cases.
 */
export function describeDomain(domain: string, cases: DomainCases): void {
  for (const [cause, causeCases] of Object.entries(cases.causes) as [CauseId, CauseCases][]) {
    covered.set(cause, causeCases);
  }
  for (const cause of cases.findings ?? []) covered.set(cause, "finding");
  describe(`catalog: ${domain}`, () => {
    for (const [cause, { fits, doesNotFit }] of Object.entries(cases.causes) as [CauseId, CauseCases][]) {
      describe(cause, () => {
        for (const failure of fits) {
          it(`fits ${nameOf(failure)}`, () => {
            assert.equal(diagnosisOfCase(failure)?.cause, cause);
          });
        }
        for (const failure of doesNotFit) {
          it(`does not fit ${nameOf(failure)}`, () => {
            assert.notEqual(diagnosisOfCase(failure)?.cause, cause);
          });
        }
        const services = catalog.find((rule) => rule.cause === cause)?.services;
        if (services) {
          for (const failure of fits.filter((f): f is ResponseFailure => !("thrown" in f))) {
            for (const other of [...ALL_SERVICES.filter((id) => !services.includes(id)), undefined]) {
              it(`does not fit the same answer from ${other ?? "an unknown service"}: ${nameOf(failure)}`, () => {
                assert.notEqual(diagnosisOfCase({ ...failure, service: other })?.cause, cause);
              });
            }
          }
        }
      });
    }
    for (const cause of cases.findings ?? []) {
      describe(`${cause} (a finding named by id)`, () => {
        it("is built by id with the evidence given, and no failure is matched against it", () => {
          const rule = catalog.find((entry) => entry.cause === cause);
          assert.equal(rule?.match, undefined);
          const refinement: RuleMatch<CauseId> = { confidence: "inferred" };
          const diagnosis = diagnosisOf(cause, { host: "contoso.example" }, refinement);
          assert.equal(diagnosis.cause, cause);
          assert.equal(diagnosis.confidence, "inferred");
          assert.deepEqual(diagnosis.evidence, { host: "contoso.example" });
        });
      });
    }
  });
}

/**
 * A Node.js-style system error.
 *
 * @param code - its code.
 * @param message - its message.
 */
export function systemError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}
