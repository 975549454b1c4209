import { lookup } from "node:dns/promises";
import net from "node:net";
import type { DoctorOptions } from "./args.js";
import { callService, type CallCredential, type CallResult, type TokenCredential } from "./call.js";
import type { Cloud } from "./cloud.js";
import { loadEntraCredential, watchedCredential } from "./entra.js";
import { readService } from "./service/read.js";
import type { CallOperation, ServiceSection } from "./service/types.js";
import { joinVerdict } from "./service/verdict.js";
import { checkToken } from "./token.js";

/** What a run with credentials found: the call and, with `--entra`, the service's settings. */
export interface Examination {
  call: CallResult;
  service?: ServiceSection;
}

/**
 * The call's line when none was made: the preflight failed, or no credential was given.
 *
 * @param options - the run's options.
 * @param hasKey - whether an api-key was given.
 * @param env - the environment, to name a key variable the user may have meant to pass.
 */
export function callNotMade(
  options: DoctorOptions,
  hasKey: boolean,
  env: Record<string, string | undefined>,
): CallResult {
  const operation: CallOperation = options.index ? "documentCount" : "serviceStatistics";
  if (hasKey || options.entra) {
    return {
      operation,
      index: options.index,
      credential: hasKey ? "apiKey" : "entra",
      status: "skip",
      summary: "Not made: the preflight failed, and credentials are never sent to such an endpoint.",
    };
  }
  // Names only, never values: the user may have meant to pass one with --api-key-env.
  const keyVariables = Object.keys(env)
    .filter((name) => /SEARCH.*KEY$/i.test(name) && env[name])
    .sort()
    .slice(0, 3);
  const hint = keyVariables.length
    ? ` ${keyVariables.join(", ")} ${keyVariables.length === 1 ? "is" : "are"} set in the environment: add --api-key-env ${keyVariables[0]} to use ${keyVariables.length === 1 ? "it" : "one"}, or --entra to sign in with Microsoft Entra ID.`
    : " Add --api-key-env VAR to call with the api-key in VAR, or --entra to sign in with Microsoft Entra ID.";
  return {
    operation,
    index: options.index,
    credential: "none",
    status: "skip",
    summary: `No call was made: no credential was given.${hint}`,
  };
}

/**
 * Makes the call and, with `--entra`, reads the service through Resource Manager at the same time,
 * checks the token the call sent, and joins all of it into the verdict.
 *
 * @param options - the run's options.
 * @param cloud - the run's cloud.
 * @param key - the api-key, when one was given.
 * @param env - the environment.
 * @param onToken - told every token the credential hands out, to keep it out of the output.
 */
export async function examine(
  options: DoctorOptions,
  cloud: Cloud,
  key: string | undefined,
  env: Record<string, string | undefined>,
  onToken: (token: string) => void,
): Promise<Examination> {
  const operation: CallOperation = options.index ? "documentCount" : "serviceStatistics";
  const base = {
    operation,
    index: options.index,
    credential: key !== undefined ? "apiKey" : "entra",
  } as const;

  let entra: TokenCredential | string | undefined;
  let sentToken: string | undefined;
  if (options.entra) {
    const loaded = await loadEntraCredential(cloud, env);
    entra =
      typeof loaded === "string"
        ? loaded
        : watchedCredential(loaded, (token, scopes) => {
            onToken(token);
            if (scopes.some((scope) => scope.startsWith(cloud.searchAudience))) sentToken = token;
          });
  }

  // The call uses the key when there is one; else Microsoft Entra ID, or says why it cannot.
  const credential: CallCredential | string =
    key !== undefined
      ? { kind: "apiKey", key }
      : typeof entra === "object"
        ? { kind: "entra", credential: entra }
        : (entra ?? "No credential was given.");

  const [call, service] = await Promise.all([
    typeof credential === "string"
      ? ({ ...base, status: "fail", summary: credential } satisfies CallResult)
      : callService({
          endpoint: options.endpoint,
          index: options.index,
          credential,
          timeoutMs: options.timeoutMs,
          audience: cloud.searchAudience,
        }),
    options.entra ? serviceSection(options, cloud, entra, operation) : undefined,
  ]);

  const token =
    sentToken === undefined
      ? undefined
      : checkToken(sentToken, {
          audience: cloud.searchAudience,
          tenantId: service?.tenantId,
          tenantSource: service?.tenantSource,
        });
  const checked = token ? { ...call, token } : call;
  return { call: joinVerdict({ call: checked, service, cloud, endpoint: options.endpoint }), service };
}

async function serviceSection(
  options: DoctorOptions,
  cloud: Cloud,
  credential: TokenCredential | string | undefined,
  operation: CallOperation,
): Promise<ServiceSection> {
  const resourceManager = options.armEndpoint ?? cloud.resourceManager;
  if (typeof credential !== "object") {
    return { read: false, cloud: cloud.name, resourceManager, reason: credential ?? "" };
  }
  const section = await readService({
    endpoint: options.endpoint,
    cloud,
    resourceManager,
    resourceId: options.resourceId,
    credential,
    operation,
    index: options.index,
    timeoutMs: options.timeoutMs,
  });
  if (!section.configuration || section.configuration.publicNetworkAccess === "enabled") return section;
  // With public access off, where the name leads from here decides whether a request can get in.
  const host = new URL(options.endpoint).hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return { ...section, endpointAddresses: [host] };
  try {
    const addresses = await lookup(host, { all: true });
    return { ...section, endpointAddresses: addresses.map((entry) => entry.address) };
  } catch {
    return section;
  }
}
