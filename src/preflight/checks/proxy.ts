import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { CauseId } from "../../catalog/index.js";
import { classify, diagnosisOf } from "../../diagnose.js";
import type { ProxyRoute } from "../../net/proxy.js";
import { withSecrets } from "../../signals/clean.js";
import { blankSignals } from "../../signals/read.js";
import { addProxyRoute } from "../../signals/request.js";
import { addResponseFacts } from "../../signals/response.js";
import { signalsFromThrown } from "../../signals/thrown.js";
import type { Diagnosis } from "../../types.js";
import { ProxyTunnelError } from "../network.js";

/**
 * The catalog's diagnosis of what stopped the tunnel through a proxy, read as the policy reads a
 * failure of a request through it: the proxy's answer to CONNECT (its status, headers and page), or
 * the error of the connection to it. One catalog, so the preflight and the policy name it alike.
 *
 * @param error - what opening the tunnel failed with.
 * @param route - the proxy.
 * @param host - the endpoint's host.
 */
export function proxyDiagnosis(
  error: unknown,
  route: ProxyRoute,
  host: string,
): Diagnosis<CauseId> | undefined {
  const signals = error instanceof ProxyTunnelError ? blankSignals() : signalsFromThrown(error);
  signals.host = host;
  signals.method = "CONNECT";
  // The CONNECT is for the https endpoint's tunnel, whatever the proxy's own scheme.
  signals.scheme = "https";
  const secrets = addProxyRoute(signals, route);
  if (!(error instanceof ProxyTunnelError)) return classify(withSecrets(signals, secrets));
  const { status, headers, body } = error.answer;
  const request = createPipelineRequest({ url: `https://${host}/` });
  addResponseFacts(signals, { request, status, headers: createHttpHeaders(headers), bodyAsText: body });
  return classify(withSecrets(signals, secrets)) ?? diagnosisOf("proxyTunnelRefused", { host });
}
