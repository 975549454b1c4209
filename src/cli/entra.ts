import type { TokenCredential } from "./call.js";
import { CLOUDS, type Cloud } from "./cloud.js";
import { importOptional, isMissing } from "./optional.js";

/** The authority hosts MSAL knows; any other one it would ask login.microsoftonline.com to vouch for. */
const KNOWN_AUTHORITIES = new Set(Object.values(CLOUDS).map((cloud) => cloud.authorityHost));

/**
 * DefaultAzureCredential from the optional peer @azure/identity, signing in to the run's cloud, or
 * why it cannot be had.
 *
 * @param cloud - the cloud of the run, whose authority is used unless AZURE_AUTHORITY_HOST names one.
 * @param env - the environment, for AZURE_AUTHORITY_HOST.
 */
export async function loadEntraCredential(
  cloud: Cloud,
  env: Record<string, string | undefined>,
): Promise<TokenCredential | string> {
  const identity = await importOptional(() => import("@azure/identity"), ["@azure/identity"], "--entra");
  if (isMissing(identity)) return identity.missing;
  const authorityHost = env.AZURE_AUTHORITY_HOST;
  return new identity.DefaultAzureCredential(
    authorityHost
      ? // An authority the user chose (Azure Stack, a private cloud) is trusted as given, not checked with Microsoft's.
        { disableInstanceDiscovery: !KNOWN_AUTHORITIES.has(originOf(authorityHost)) }
      : { authorityHost: cloud.authorityHost },
  );
}

/**
 * Wraps a credential so that every token it hands out is reported, to be redacted from the output
 * and, for the search audience, checked.
 *
 * @param credential - the credential.
 * @param onToken - told each token with the scopes it was asked for.
 */
export function watchedCredential(
  credential: TokenCredential,
  onToken: (token: string, scopes: readonly string[]) => void,
): TokenCredential {
  return {
    getToken: async (scopes, options) => {
      const token = await credential.getToken(scopes, options);
      if (token) onToken(token.token, Array.isArray(scopes) ? scopes : [scopes]);
      return token;
    },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
