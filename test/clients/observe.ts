/**
 * Test doubles that are not the project's: a pass-through pipeline policy that records what it sees at
 * its position, and a token credential that hands out a fixed JWT-shaped token without calling Entra ID.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";

/** One pass of a request through the observing policy, as it was at that moment. */
export interface Pass {
  request: PipelineRequest;
  /** Whether the request carried `Authorization` when it reached the policy. */
  authorized: boolean;
  /** The response the next policy returned, if it returned one. */
  response?: PipelineResponse;
  status?: number;
  /** The response body as the policy saw it. */
  body?: string | null;
  /** What the next policy threw, if it threw. */
  thrown?: unknown;
  /** `details` of the thrown error when it passed the policy (a client may set it later). */
  detailsWhenThrown?: unknown;
}

/** A pass-through policy and what it saw. */
export interface Observer {
  policy: PipelinePolicy;
  passes: Pass[];
}

/**
 * Makes a policy that changes nothing and records every request, response and error that passes it.
 *
 * @param name - its name in the pipeline. Defaults to "observerPolicy".
 */
export function observer(name = "observerPolicy"): Observer {
  const passes: Pass[] = [];
  return {
    passes,
    policy: {
      name,
      async sendRequest(request, next) {
        const authorized = request.headers.has("authorization");
        try {
          const response = await next(request);
          passes.push({ request, authorized, response, status: response.status, body: response.bodyAsText });
          return response;
        } catch (thrown) {
          const detailsWhenThrown = (thrown as { details?: unknown }).details;
          passes.push({ request, authorized, thrown, detailsWhenThrown });
          throw thrown;
        }
      },
    },
  };
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * A credential that returns a fixed, unsigned JWT-shaped token for the audience it is asked for, and
 * records the scopes and tenant of each request for a token.
 *
 * @param audience - the `aud` claim. Defaults to "https://management.azure.com".
 */
export function fixedTokenCredential(audience = "https://management.azure.com"): TokenCredential & {
  asked: { scopes: string[]; tenantId?: string }[];
  token: string;
} {
  const token = [
    base64url({ typ: "JWT", alg: "none" }),
    base64url({ aud: audience, tid: "72f988bf-86f1-41af-91ab-2d7cd011db47", exp: 4102444800 }),
    "c2lnbmF0dXJl",
  ].join(".");
  const asked: { scopes: string[]; tenantId?: string }[] = [];
  return {
    token,
    asked,
    async getToken(scopes, options): Promise<AccessToken> {
      asked.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
