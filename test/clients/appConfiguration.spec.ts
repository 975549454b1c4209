/**
 * The real AppConfigurationClient with diagnosisPolicy at every position, against the App Configuration
 * stand-in and a loopback token endpoint: the same requests, the same results (a 304, the client's own
 * 412 message), the same errors, and an App Configuration cause for each failure, which the client's own
 * `Unexpected status code: N` does not name.
 */
import assert from "node:assert/strict";
import { AppConfigurationClient } from "@azure/app-configuration";
import { ClientSecretCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import {
  addDiagnosisPolicy,
  diagnose,
  diagnosisPolicy,
  type CauseId,
  type Diagnosis,
} from "../../src/index.js";
import {
  SEEDED_SETTING,
  startAppConfiguration,
  type AppConfigurationStandIn,
} from "../../standin/appConfiguration.js";
import { startTokenEndpoint, type TokenEndpointStandIn } from "../../standin/tokenErrors.js";
import { useTrustedRoot } from "../support/trust.js";
import { fixedTokenCredential } from "./observe.js";
import {
  assertCausesDiagnosed,
  assertNoSecretIn,
  outcomeOf,
  runSteps,
  textsOf,
  useLogCapture,
  wireOf,
} from "./semantics.js";

type Position = "none" | "perCall" | "perRetry" | "addDiagnosisPolicy";
const POSITIONS: readonly Position[] = ["perCall", "perRetry", "addDiagnosisPolicy"];

/** What an App Configuration error carries: the problem body it kept, the status, the challenge. */
const appConfigFields = (error: Record<string, unknown>) => {
  const response = error.response as
    { status?: unknown; headers?: { get(name: string): unknown } } | undefined;
  return {
    details: error.details,
    responseStatus: response?.status,
    challenge: response?.headers?.get("www-authenticate"),
  };
};

/** The clients a run uses, each with the policy at the run's position. */
interface Clients {
  key: AppConfigurationClient;
  wrongSecret: AppConfigurationClient;
  wrongId: AppConfigurationClient;
  skewed: AppConfigurationClient;
  token: AppConfigurationClient;
  audience: AppConfigurationClient;
}

interface Step {
  name: string;
  call: (clients: Clients, run: string) => Promise<unknown>;
  cause?: CauseId;
}

const STEPS: readonly Step[] = [
  {
    name: "get, then get only if changed (a 304 as a result)",
    call: async ({ key }) => {
      const setting = await key.getConfigurationSetting({ key: SEEDED_SETTING.key });
      const unchanged = await key.getConfigurationSetting(setting, { onlyIfChanged: true });
      return [setting.value, setting.statusCode, unchanged.statusCode, unchanged.value];
    },
  },
  {
    name: "add an existing key: the client's own 412 message",
    call: ({ key }) => key.addConfigurationSetting({ key: SEEDED_SETTING.key, value: "again" }),
    cause: "unrecognizedServiceError",
  },
  {
    name: "set and delete",
    call: async ({ key }, run) => {
      await key.setConfigurationSetting({ key: `app:other-${run}`, value: "v" });
      return (await key.deleteConfigurationSetting({ key: `app:other-${run}` })).statusCode;
    },
  },
  {
    name: "a wrong secret",
    call: ({ wrongSecret }) => wrongSecret.getConfigurationSetting({ key: SEEDED_SETTING.key }),
    cause: "appConfigSignatureInvalid",
  },
  {
    name: "an unknown key id",
    call: ({ wrongId }) => wrongId.getConfigurationSetting({ key: SEEDED_SETTING.key }),
    cause: "appConfigCredentialUnknown",
  },
  {
    name: "a clock 20 minutes off",
    call: ({ skewed }) => skewed.getConfigurationSetting({ key: SEEDED_SETTING.key }),
    cause: "appConfigClockSkew",
  },
  {
    name: "a token the store refuses",
    call: ({ token }) => token.getConfigurationSetting({ key: "token-invalid" }),
    cause: "appConfigTokenInvalid",
  },
  {
    name: "no data role",
    call: ({ token }) => token.getConfigurationSetting({ key: "role-missing" }),
    cause: "appConfigRoleMissing",
  },
  {
    name: "an IP rule",
    call: ({ token }) => token.getConfigurationSetting({ key: "ip-rejected" }),
    cause: "appConfigNetworkBlocked",
  },
  {
    name: "a network security perimeter",
    call: ({ token }) => token.getConfigurationSetting({ key: "nsp-rejected" }),
    cause: "appConfigNetworkBlocked",
  },
  {
    name: "throttled",
    call: ({ token }) => token.getConfigurationSetting({ key: "throttled" }),
    cause: "appConfigThrottled",
  },
  {
    name: "AADSTS500011, rewritten by the client",
    call: ({ audience }) => audience.getConfigurationSetting({ key: SEEDED_SETTING.key }),
    cause: "appConfigAudienceMissing",
  },
];

describe("@azure/app-configuration with diagnosisPolicy at every position", function () {
  const root = useTrustedRoot("App Configuration Policy Test Root");
  const logs = useLogCapture();
  let store: AppConfigurationStandIn;
  let skewedStore: AppConfigurationStandIn;
  let entra: TokenEndpointStandIn;
  const token = fixedTokenCredential("https://azconfig.io");
  const wrongSecretValue = Buffer.alloc(32, 7).toString("base64");

  before(async () => {
    store = root.keep(await startAppConfiguration({ authority: root.ca, trust: false }));
    skewedStore = root.keep(
      await startAppConfiguration({ authority: root.ca, trust: false, clockOffsetMs: 20 * 60_000 }),
    );
    entra = root.keep(await startTokenEndpoint({ authority: root.ca, trust: false }));
  });

  function clientsAt(position: Position, reports: Diagnosis[], maxRetries = 0): Clients {
    const attach = <C extends AppConfigurationClient>(make: (options: object) => C): C => {
      const onDiagnosis = (diagnosis: Diagnosis) => reports.push(diagnosis);
      const additionalPolicies =
        position === "perCall" || position === "perRetry"
          ? [{ policy: diagnosisPolicy({ onDiagnosis }), position }]
          : [];
      const client = make({ retryOptions: { maxRetries, retryDelayInMs: 1 }, additionalPolicies });
      if (position === "addDiagnosisPolicy") assert.equal(addDiagnosisPolicy(client, { onDiagnosis }), true);
      return client;
    };
    const withKey = (connectionString: string) =>
      attach((options) => new AppConfigurationClient(connectionString, options));
    const withToken = (credential: TokenCredential) =>
      attach((options) => new AppConfigurationClient(store.endpoint, credential, options));
    return {
      key: withKey(store.connectionString),
      wrongSecret: withKey(`Endpoint=${store.endpoint};Id=${store.credential.id};Secret=${wrongSecretValue}`),
      wrongId: withKey(
        `Endpoint=${store.endpoint};Id=StAn-l0-s0:regenerated;Secret=${store.credential.secret}`,
      ),
      skewed: withKey(skewedStore.connectionString),
      token: withToken(token),
      audience: withToken(
        new ClientSecretCredential("contoso", "resource-not-found", "app-config-client-secret-0123", {
          authorityHost: entra.endpoint,
          disableInstanceDiscovery: true,
        }),
      ),
    };
  }

  const allRequests = () => [...store.requests, ...skewedStore.requests];

  async function run(position: Position, index: number) {
    const reports: Diagnosis[] = [];
    const steps = await runSteps(STEPS, clientsAt(position, reports), `r${index}`, appConfigFields, [
      store.requests,
      skewedStore.requests,
    ]);
    return { ...steps, reports };
  }

  let without: Awaited<ReturnType<typeof run>>;
  before(async () => {
    without = await run("none", 0);
  });

  it("without the policy, throws 'Unexpected status code: N' with no code for every failure but its own two", () => {
    STEPS.forEach((step, i) => {
      const outcome = without.outcomes[i]!;
      assert.equal("thrown" in outcome, step.cause !== undefined, step.name);
      if (!("thrown" in outcome) || step.name.startsWith("AADSTS") || step.name.startsWith("add")) return;
      assert.match(outcome.thrown.message, /^Unexpected status code: \d{3}$/, step.name);
      assert.equal(outcome.thrown.code, undefined);
    });
    assert.deepEqual((without.outcomes[0] as { value: unknown }).value, [
      SEEDED_SETTING.value,
      200,
      304,
      null,
    ]);
  });

  POSITIONS.forEach((position, index) => {
    describe(position, () => {
      let withPolicy: Awaited<ReturnType<typeof run>>;
      before(async () => {
        withPolicy = await run(position, index + 1);
      });

      it("sends the same requests, returns the same results and throws the same errors", () => {
        assert.deepEqual(withPolicy.wire, without.wire);
        assert.deepEqual(withPolicy.outcomes, without.outcomes);
      });

      it("gives each failure its App Configuration cause through diagnose(error)", () => {
        assertCausesDiagnosed(STEPS, withPolicy);
      });

      it("retries a throttled request as often as without it", async () => {
        const retried = async (at: Position) => {
          const before = store.requests.length;
          const { outcome } = await outcomeOf(
            () => clientsAt(at, [], 2).token.getConfigurationSetting({ key: "throttled" }),
            appConfigFields,
          );
          return { outcome, wire: wireOf(store.requests.slice(before)) };
        };
        const expected = await retried("none");
        assert.equal(expected.wire.length, 3);
        assert.deepEqual(await retried(position), expected);
      });
    });
  });

  it("quotes the challenge's reason and the problem type, and writes no key, token or signature anywhere", async () => {
    const clients = clientsAt("perCall", []);
    const wrongSecret = (
      await outcomeOf(() => clients.wrongSecret.getConfigurationSetting({ key: SEEDED_SETTING.key }))
    ).thrown;
    const blocked = (await outcomeOf(() => clients.token.getConfigurationSetting({ key: "ip-rejected" })))
      .thrown;
    assert.equal(diagnose(wrongSecret)?.detail, 'App Configuration said: "Invalid Signature".');
    assert.equal(diagnose(wrongSecret)?.evidence.credential, "hmac");
    assert.equal(diagnose(blocked)?.detail, "App Configuration answered ip-address-rejected.");
    const signatures = allRequests()
      .map((request) => /Signature=([^&\s]+)/.exec(String(request.headers.authorization))?.[1])
      .filter((signature): signature is string => signature !== undefined);
    assert.ok(signatures.length > 0);
    assertNoSecretIn(
      [...logs.all, ...textsOf(wrongSecret, diagnose(wrongSecret)), ...textsOf(blocked, diagnose(blocked))],
      [store.credential.secret, wrongSecretValue, token.token, ...signatures],
    );
  });

  it("names the client's own AADSTS500011 rewrite: in its message at perCall, through diagnose() alone elsewhere", async () => {
    const atPerCall = (
      await outcomeOf(() => clientsAt("perCall", []).audience.getConfigurationSetting({ key: "x" }))
    ).thrown as Error;
    assert.match(
      atPerCall.message,
      /^Unable to authenticate to Azure App Configuration\. No authentication token audience was provided\./,
    );
    assert.match(atPerCall.message, /\n\[azure-sdk-doctor\] appConfigAudienceMissing: /);
    // perRetry sits inside the token policy: the credential's error never passes it.
    const atPerRetry = (
      await outcomeOf(() => clientsAt("perRetry", []).audience.getConfigurationSetting({ key: "x" }))
    ).thrown as Error;
    assert.doesNotMatch(atPerRetry.message, /azure-sdk-doctor/);
    assert.equal(diagnose(atPerRetry)?.cause, "appConfigAudienceMissing");
    assert.equal(diagnose(atPerRetry)?.evidence.service, "appConfiguration");
  });
});
