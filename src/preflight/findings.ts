import { classify, type Diagnosis, type FailureSignals } from "../diagnosis.js";
import { signalsFromThrown } from "../signals.js";

/**
 * The catalog's diagnosis of an error met during a check, as the policy would give it.
 *
 * @param error - the error a network step or handshake failed with.
 * @param host - the endpoint's host, for the evidence.
 */
export function diagnosisOfError(error: unknown, host: string): Diagnosis | undefined {
  return classify({ ...signalsFromThrown(error), host });
}

/**
 * The catalog's diagnosis of a finding named by a code (a Node.js code such as `"ENOTFOUND"`, or a
 * preflight code from the catalog) or by a proxy's status.
 *
 * @param facts - the code or status, and the endpoint's host.
 */
export function diagnosisOfFinding(facts: {
  nodeCode?: string;
  status?: number;
  host: string;
}): Diagnosis | undefined {
  const signals: FailureSignals = {
    ...facts,
    message: "",
    body: "",
    fromAzure: false,
    bearerChallenge: false,
  };
  return classify(signals);
}
