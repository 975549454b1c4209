import { existsSync } from "node:fs";
import tls from "node:tls";
import type { CauseId } from "../../catalog/index.js";
import { systemCaSwitches } from "../../catalog/shared/tls.js";
import { diagnosisOf } from "../../diagnose.js";
import type { Diagnosis } from "../../types.js";
import { proxyLabel, type ProxyChoice } from "../../net/proxy.js";
import type { CheckResult } from "./endpoint.js";

type Environment = Record<string, string | undefined>;

/**
 * The environment check: what in this process weakens or changes TLS, and which proxy applies.
 * Disabled certificate checks and a missing NODE_EXTRA_CA_CERTS file warn; the rest is reported.
 *
 * @param host - the endpoint's host.
 * @param choice - the proxy that applies, or why none does.
 * @param ca - the client's own roots, when given.
 * @param env - the environment to read; defaults to this process's.
 */
export function checkEnvironment(
  host: string,
  choice: ProxyChoice,
  ca: string | string[] | undefined,
  env: Environment = process.env,
): CheckResult {
  const warnings: { summary: string; diagnosis: Diagnosis<CauseId> }[] = [];
  const notes: string[] = [];

  if (env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
    warnings.push({
      summary:
        "NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate checks off for this process (the preflight checks anyway)",
      diagnosis: diagnosisOf("certificateChecksDisabled", { host }),
    });
  }
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra && !existsSync(extra)) {
    warnings.push({
      summary: `NODE_EXTRA_CA_CERTS names ${extra}, which does not exist`,
      diagnosis: diagnosisOf("extraCaCertsMissing", { host }),
    });
  } else if (extra) {
    notes.push(`NODE_EXTRA_CA_CERTS adds the roots in ${extra}`);
  }
  if (ca !== undefined) notes.push("the client's own CA roots replace the defaults");
  notes.push(...systemStoreNotes(env));
  if (tls.DEFAULT_MIN_VERSION === "TLSv1" || tls.DEFAULT_MIN_VERSION === "TLSv1.1") {
    notes.push(`this process allows ${tls.DEFAULT_MIN_VERSION} (the preflight requires TLSv1.2 anyway)`);
  }
  if (choice.proxy)
    notes.push(`the proxy ${proxyLabel(choice.proxy)} from ${choice.proxy.source} applies to ${host}`);
  else if (choice.bypassedBy) notes.push(`NO_PROXY (${choice.bypassedBy}) excludes ${host} from the proxy`);
  else notes.push("no proxy applies");

  const summary = `${[...warnings.map((warning) => warning.summary), ...notes].join("; ")}.`;
  const first = warnings[0];
  const sentence = summary.charAt(0).toUpperCase() + summary.slice(1);
  return first
    ? { status: "warn", summary: sentence, diagnosis: first.diagnosis }
    : { status: "pass", summary: sentence };
}

/**
 * Whether this process trusts the operating system's certificate store, as far as its Node.js honours
 * the switch that asks for it: `--use-system-ca` on the command line or in NODE_OPTIONS, or
 * `NODE_USE_SYSTEM_CA=1`, which releases before 22.19 and 24.6 ignore.
 *
 * @param env - the environment.
 * @param version - the Node.js version.
 * @param execArgv - the process's own Node.js options.
 */
export function systemStoreNotes(
  env: Environment,
  version = process.versions.node,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const { variable } = systemCaSwitches(version);
  const flag =
    execArgv.includes("--use-system-ca") || /(?:^|\s)--use-system-ca(?:\s|$)/.test(env.NODE_OPTIONS ?? "");
  if (flag || (variable && env.NODE_USE_SYSTEM_CA === "1"))
    return ["the system certificate store is trusted"];
  if (env.NODE_USE_SYSTEM_CA === "1") {
    return [
      `NODE_USE_SYSTEM_CA=1 is set, but Node.js ${version} ignores it (22.19 and 24.6 honour it), so the system certificate store is not trusted`,
    ];
  }
  return [];
}
