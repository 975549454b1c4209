/**
 * The real SearchClient with diagnosisPolicy at every position, against the Search stand-in: the one
 * client whose failing responses the policy throws itself (search-documents 13 loses an empty-bodied
 * failure's status in a TypeError). At every position the same requests go on the wire, retries and the
 * bearer policy's challenge handling included, and the caller gets a RestError with the status.
 */
import assert from "node:assert/strict";
import {
  bearerTokenAuthenticationPolicyName,
  isRestError,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import type { TokenCredential } from "@azure/core-auth";
import { diagnose, diagnosisPolicy, type CauseId } from "../../src/index.js";
import { startSearchStandIn, type SearchStandIn } from "../../standin/search.js";
import { useTrustedRoot } from "../support/trust.js";
import { outcomeOf } from "./semantics.js";

type Position = "none" | "perCall" | "perRetry" | "addPolicy" | "addPolicy before the bearer policy";
const POSITIONS: readonly Position[] = [
  "perCall",
  "perRetry",
  "addPolicy",
  "addPolicy before the bearer policy",
];

const token = (value: string): TokenCredential => ({
  getToken: async () => ({ token: value, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

describe("@azure/search-documents with diagnosisPolicy at every position", function () {
  const root = useTrustedRoot("Search Policy Test Root");
  let search: SearchStandIn;
  let keysOnly: SearchStandIn;

  before(async () => {
    search = root.keep(await startSearchStandIn({ authority: root.ca, trust: false }));
    keysOnly = root.keep(await startSearchStandIn({ authority: root.ca, trust: false, apiKeyOnly: true }));
  });

  function clientAt(
    position: Position,
    index: string,
    credential: AzureKeyCredential | TokenCredential,
    service = search,
  ): SearchClient<Record<string, unknown>> {
    const policy: PipelinePolicy = diagnosisPolicy();
    const client = new SearchClient<Record<string, unknown>>(service.endpoint, index, credential, {
      retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
      additionalPolicies: position === "perCall" || position === "perRetry" ? [{ policy, position }] : [],
    });
    if (position === "addPolicy") client.pipeline.addPolicy(policy);
    if (position === "addPolicy before the bearer policy")
      client.pipeline.addPolicy(policy, { beforePolicies: [bearerTokenAuthenticationPolicyName] });
    return client;
  }

  const cases: {
    name: string;
    index: string;
    credential: () => AzureKeyCredential | TokenCredential;
    service?: () => SearchStandIn;
    cause?: CauseId;
    requests: number;
  }[] = [
    {
      name: "a count",
      index: "hotels",
      credential: () => new AzureKeyCredential(search.adminKey),
      requests: 1,
    },
    {
      name: "a missing index",
      index: "missing-index",
      credential: () => new AzureKeyCredential(search.adminKey),
      cause: "indexNotFound",
      requests: 1,
    },
    {
      name: "503, retried twice",
      index: "throttled",
      credential: () => new AzureKeyCredential(search.adminKey),
      cause: "throttled",
      requests: 3,
    },
    {
      name: "an empty 403 to a wrong key",
      index: "hotels",
      credential: () => new AzureKeyCredential("not-a-key-0123"),
      cause: "invalidApiKey",
      requests: 1,
    },
    {
      name: "a token without a role",
      index: "hotels",
      credential: () => token("token-without-role"),
      cause: "missingRoleAssignment",
      requests: 1,
    },
    {
      name: "401 with a challenge to a token (API keys only)",
      index: "hotels",
      credential: () => token("token-with-role"),
      service: () => keysOnly,
      cause: "rbacNotEnabled",
      requests: 1,
    },
  ];

  for (const item of cases) {
    describe(item.name, () => {
      const sent = async (position: Position) => {
        const service = item.service?.() ?? search;
        const before = service.server.requests.length;
        const result = await outcomeOf(() =>
          clientAt(position, item.index, item.credential(), service).getDocumentsCount(),
        );
        return { ...result, requests: service.server.requests.length - before };
      };

      it(`without the policy: ${item.requests} request(s)`, async () => {
        assert.equal((await sent("none")).requests, item.requests);
      });

      for (const position of POSITIONS) {
        it(`${position}: the same requests, ${item.cause ? `a RestError with the status and ${item.cause}` : "the same value"}`, async () => {
          const without = await sent("none");
          const result = await sent(position);
          assert.equal(result.requests, without.requests);
          if (!item.cause) {
            assert.deepEqual(result.outcome, without.outcome);
            return;
          }
          assert.ok(isRestError(result.thrown));
          assert.equal(result.thrown.statusCode, diagnose(result.thrown)?.evidence.status);
          assert.equal(diagnose(result.thrown)?.cause, item.cause);
          assert.match(result.thrown.message, new RegExp(`\\[azure-sdk-doctor\\] ${item.cause}`));
          // The client's own error, where it is a RestError, has the same status and code.
          if (isRestError(without.thrown)) {
            assert.equal(result.thrown.statusCode, without.thrown.statusCode);
            assert.equal(result.thrown.code || undefined, without.thrown.code || undefined);
          }
        });
      }
    });
  }
});
