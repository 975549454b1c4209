import { parseArgs } from "node:util";
import { CLOUDS, isCloudName, type CloudName } from "./cloud.js";
import { parseResourceId } from "./service/locate.js";

/** What a run of the command was asked to do. */
export interface DoctorOptions {
  /** The endpoint as given, checked to be an http(s) URL. */
  endpoint: string;
  /** The index whose documents to count. */
  index?: string;
  /** The environment variable that holds the api-key. */
  apiKeyEnv?: string;
  /** Sign in with DefaultAzureCredential: for the call without an api-key, and to read the service through Resource Manager. */
  entra: boolean;
  /** The search service's resource id, instead of finding it by its endpoint. */
  resourceId?: string;
  /** The cloud, instead of the one the endpoint's host suffix names. */
  cloud?: CloudName;
  /** The Resource Manager endpoint, instead of the cloud's. */
  armEndpoint?: string;
  /** Print only the JSON report. */
  json: boolean;
  /** The most any single network step may take, in milliseconds. */
  timeoutMs: number;
}

/** The parsed command line: a run, or a request for help or the version. */
export type CommandLine = { kind: "run"; options: DoctorOptions } | { kind: "help" } | { kind: "version" };

/** A command line the command cannot run; its message never repeats an argument's value. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The default of `--timeout`, the same as the preflight's. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The usage text, printed by `--help` and after a usage error. */
export const USAGE = `Usage: azure-sdk-doctor <endpoint> [--index NAME] [--api-key-env VAR] [--entra [--resource-id ID]] [--cloud NAME] [--json] [--timeout MS]

Checks HTTPS, TLS, the certificate and the network path to an Azure AI Search endpoint from where it
runs, before any credential is sent. With credentials, it then makes one real call and explains it;
with --entra it also reads the service's settings and your roles through Resource Manager.

Options:
  --index NAME        count the documents of this index; with an api-key, also tells a query key from an invalid one
  --api-key-env VAR   read the api-key from the environment variable VAR (a key is never taken from the command line)
  --entra             sign in with DefaultAzureCredential (needs @azure/identity): the call uses it unless
                      --api-key-env is given, and it reads the service's settings and your role assignments
                      (needs @azure/arm-resourcegraph, @azure/arm-search and @azure/arm-authorization)
  --resource-id ID    with --entra, the service's resource id, instead of finding it with Resource Graph
  --cloud NAME        ${Object.keys(CLOUDS).join(", ")} (default: from the endpoint's host)
  --arm-endpoint URL  with --entra, the Resource Manager endpoint, instead of the cloud's
  --json              print only the report, as JSON
  --timeout MS        the most each network step and the call may take, in milliseconds (default ${DEFAULT_TIMEOUT_MS})
  -h, --help          print this help
  -v, --version       print the version

Exit status: 0 when no check failed, 1 when a check or the call failed, 2 for a usage error.
`;

const OPTIONS = {
  index: { type: "string" },
  "api-key-env": { type: "string" },
  entra: { type: "boolean", default: false },
  "resource-id": { type: "string" },
  cloud: { type: "string" },
  "arm-endpoint": { type: "string" },
  json: { type: "boolean", default: false },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "v", default: false },
} as const;

/**
 * Parses the command's arguments.
 *
 * @param argv - the arguments after the command name.
 * @throws {@link UsageError} for anything the command cannot run.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorText(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  // Positionals are not echoed: a key typed by mistake must not be printed back.
  if (positionals.length === 0)
    throw new UsageError("missing the endpoint, such as https://<service>.search.windows.net");
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one endpoint, got ${positionals.length} arguments; the api-key is read with --api-key-env VAR`,
    );
  }
  const endpoint = checkedEndpoint(positionals[0] ?? "");

  if (values["api-key-env"] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values["api-key-env"])) {
    throw new UsageError("--api-key-env takes the name of an environment variable, not a key");
  }
  if (values.index !== undefined && values.index.trim() === "")
    throw new UsageError("--index needs an index name");
  for (const name of ["resource-id", "arm-endpoint"] as const) {
    if (values[name] !== undefined && !values.entra)
      throw new UsageError(`--${name} is for reading the service through Resource Manager: add --entra`);
  }
  if (values["resource-id"] !== undefined && !parseResourceId(values["resource-id"])) {
    throw new UsageError(
      "--resource-id takes /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Search/searchServices/<name>",
    );
  }
  const cloud = values.cloud;
  if (cloud !== undefined && !isCloudName(cloud)) {
    throw new UsageError(`--cloud takes one of ${Object.keys(CLOUDS).join(", ")}`);
  }

  return {
    kind: "run",
    options: {
      endpoint,
      index: values.index,
      apiKeyEnv: values["api-key-env"],
      entra: values.entra,
      resourceId: values["resource-id"],
      cloud,
      armEndpoint:
        values["arm-endpoint"] === undefined ? undefined : checkedArmEndpoint(values["arm-endpoint"]),
      json: values.json,
      timeoutMs: values.timeout === undefined ? DEFAULT_TIMEOUT_MS : checkedTimeout(values.timeout),
    },
  };
}

function checkedEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("the endpoint is not a URL; expected https://<service>.search.windows.net");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`the endpoint's scheme ${url.protocol} is not supported; expected https://`);
  }
  return text;
}

function checkedArmEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("--arm-endpoint is not a URL; expected https://management.azure.com or the like");
  }
  // Tokens go there: plain HTTP would expose them.
  if (url.protocol !== "https:") throw new UsageError("--arm-endpoint must be an https:// URL");
  return url.origin;
}

function checkedTimeout(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError("--timeout takes a whole number of milliseconds greater than 0");
  }
  return value;
}

/** The first sentence of parseArgs' message, which names the option but never its value. */
function parseErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = /^[^.]*\./.exec(message)?.[0] ?? message;
  return /'--(api-?key|key)'/i.test(first)
    ? `${first} The api-key is read from an environment variable: --api-key-env VAR.`
    : first;
}
