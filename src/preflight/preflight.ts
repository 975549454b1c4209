import type { PreflightOptions, PreflightReport } from "./types.js";

/**
 * Checks an endpoint before credentials are sent to it.
 *
 * @param endpoint - the service URL.
 * @param options - timeouts, trust and proxy.
 */
export async function preflight(endpoint: string, options: PreflightOptions = {}): Promise<PreflightReport> {
  void options;
  throw new TypeError(`preflight is being built; not yet available for ${endpoint}`);
}
