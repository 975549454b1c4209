/**
 * How the real clients surface each failure, without azure-sdk-doctor: the thrown value's class, status,
 * code, message and details, the values their own code returns, and the requests they put on the wire.
 * The second half attaches a pass-through policy (not the project's) at every position a user can
 * choose and records what a policy sees there. These facts are what the policy must leave unchanged.
 */
import assert from "node:assert/strict";
import { AppConfigurationClient } from "@azure/app-configuration";
import { ResourceManagementClient } from "@azure/arm-resources";
import {
  bearerTokenAuthenticationPolicyName,
  isRestError,
  RestError,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import {
  QueueServiceClient,
  StorageSharedKeyCredential as QueueSharedKeyCredential,
} from "@azure/storage-queue";
import {
  APIConnectionError,
  AuthenticationError,
  AzureOpenAI,
  NotFoundError,
  OpenAI,
  PermissionDeniedError,
  RateLimitError,
} from "openai";
import {
  APP_CONFIGURATION_FAILURES,
  SEEDED_SETTING,
  startAppConfiguration,
  type AppConfigurationStandIn,
} from "../../standin/appConfiguration.js";
import {
  GATEWAY_EMPTY_SECRET,
  KEY_VAULT_CLIENT_ADDRESS,
  KEY_VAULT_FAILURES,
  KEY_VAULT_TENANT,
  SEEDED_SECRET,
  SOFT_DELETED_SECRET,
  startKeyVault,
  type KeyVaultStandIn,
} from "../../standin/keyVault.js";
import { startLoopbackService } from "../../standin/loopback.js";
import {
  ARM_FAILURES,
  ARM_SUBSCRIPTION,
  SEEDED_RESOURCE_GROUP,
  UNREGISTERED_NAMESPACE,
  startResourceManager,
  type ResourceManagerStandIn,
} from "../../standin/resourceManager.js";
import {
  SEEDED_BLOB,
  SEEDED_CONTAINER,
  STORAGE_FAILURES,
  STORAGE_TENANT,
  startStorage,
  type StorageStandIn,
} from "../../standin/storage.js";
import { selfSigned } from "../../standin/certs.js";
import { closedPort, startTlsServer } from "../../standin/servers.js";
import { useTrustedRoot } from "../support/trust.js";
import { fixedTokenCredential, observer } from "./observe.js";

/** Runs `call` and returns what it threw; fails when it returns. */
async function thrownBy(call: () => Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await call();
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  assert.fail("expected the call to throw");
}

/** What went on the wire: method, path and whether `Authorization` was sent, one line per request. */
const wire = (requests: { method: string; path: string; headers: Record<string, unknown> }[]): string[] =>
  requests.map(
    (r) =>
      `${r.method} ${r.path.replace(/api-version=[^&]+|api%2Dversion=[^&]+/, "api-version")} ${r.headers.authorization ? "auth" : "anonymous"}`,
  );

describe("real clients without azure-sdk-doctor", function () {
  const root = useTrustedRoot("Client Shapes Test Root");

  describe("@azure/storage-blob", () => {
    let storage: StorageStandIn;
    let credential: StorageSharedKeyCredential;
    const blobService = (url = storage.url, maxTries = 1) =>
      new BlobServiceClient(url, credential, {
        retryOptions: { maxTries, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
      });

    before(async () => {
      storage = root.keep(await startStorage({ authority: root.ca, trust: false }));
      credential = new StorageSharedKeyCredential(storage.accountName, storage.accountKey);
    });

    it("keeps its documented results on a healthy account: exists, createIfNotExists, deleteIfExists, upload, download", async () => {
      const service = blobService();
      const photos = service.getContainerClient(SEEDED_CONTAINER);
      assert.equal(await photos.exists(), true);
      assert.equal(await service.getContainerClient("absent").exists(), false);
      assert.equal((await photos.createIfNotExists()).succeeded, false);
      assert.equal((await service.getContainerClient("fresh").createIfNotExists()).succeeded, true);
      assert.equal((await service.getContainerClient("fresh").deleteIfExists()).succeeded, true);
      assert.equal((await service.getContainerClient("fresh").deleteIfExists()).succeeded, false);
      assert.equal(
        (await photos.getBlobClient(SEEDED_BLOB.name).downloadToBuffer()).toString(),
        SEEDED_BLOB.content,
      );
      await photos.getBlockBlobClient("upload.txt").upload("uploaded", 8);
      assert.equal((await photos.getBlobClient("upload.txt").downloadToBuffer()).toString(), "uploaded");
      const blobs = [];
      for await (const blob of photos.listBlobsFlat()) blobs.push(blob.name);
      assert.deepEqual(blobs.sort(), [SEEDED_BLOB.name, "upload.txt"]);
      assert.equal(await photos.getBlobClient("absent.txt").exists(), false);
      assert.equal((await photos.getBlobClient("absent.txt").deleteIfExists()).succeeded, false);
    });

    for (const [name, failure] of Object.entries(STORAGE_FAILURES)) {
      it(`${name}: throws ${failure.code} (${failure.status}) as a RestError with the code in details.errorCode`, async () => {
        const error = await thrownBy(() => blobService().getContainerClient(name).getProperties());
        assert.ok(error instanceof RestError);
        assert.equal(error.name, "RestError");
        assert.equal(error.statusCode, failure.status);
        assert.equal(error.code, failure.code);
        // The whole service message, RequestId and Time lines included, not its first line.
        assert.match(
          error.message,
          new RegExp(`^${escape(failure.message)}\\nRequestId:[0-9a-f-]{36}\\nTime:\\S+Z$`),
        );
        const details = error.details as Record<string, unknown>;
        assert.equal(details.errorCode, failure.code);
        assert.equal(details.code, failure.code);
        assert.equal(typeof details["x-ms-request-id"], "string");
        if ("detail" in failure) assert.equal(typeof details.authenticationErrorDetail, "string");
        else assert.equal(details.authenticationErrorDetail, undefined);
      });
    }

    it("throws a HEAD failure with no code and an empty message: only details.errorCode, from x-ms-error-code, names it", async () => {
      const error = await thrownBy(() =>
        blobService().getContainerClient("permission-mismatch").getBlobClient("any.txt").getProperties(),
      );
      assert.ok(error instanceof RestError);
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, undefined);
      assert.equal(error.message, "");
      assert.equal((error.details as { errorCode?: string }).errorCode, "AuthorizationPermissionMismatch");
      assert.equal(storage.requests.at(-1)?.method, "HEAD");
    });

    it("puts AuthenticationErrorDetail in details.authenticationErrorDetail: the MAC mismatch and the SAS time window", async () => {
      const mac = await thrownBy(() => blobService().getContainerClient("auth-failed").getProperties());
      const sentSignature = /SharedKey [^:]+:(\S+)/.exec(
        String(storage.requests.at(-1)?.headers.authorization),
      )?.[1];
      assert.ok(sentSignature);
      assert.equal(
        (mac.details as { authenticationErrorDetail?: string }).authenticationErrorDetail?.startsWith(
          `The MAC signature found in the HTTP request '${sentSignature}' is not the same as any computed signature.`,
        ),
        true,
      );

      const sas =
        "sv=2025-05-05&ss=b&srt=co&sp=rl&st=2024-01-01T00%3A00%3A00Z&se=2024-01-02T00%3A00%3A00Z&spr=https&sig=c2FzLXNpZ25hdHVyZQ%3D%3D";
      const anonymous = new BlobServiceClient(`${storage.url}?${sas}`, new AnonymousCredential(), {
        retryOptions: { maxTries: 1 },
      });
      const expired = await thrownBy(() => anonymous.getContainerClient("sas-expired").getProperties());
      assert.equal(expired.code, "AuthenticationFailed");
      assert.match(
        String((expired.details as { authenticationErrorDetail?: string }).authenticationErrorDetail),
        /^Signature not valid in the specified time frame: Start \[Mon, 01 Jan 2024 00:00:00 GMT\] - Expiry \[Tue, 02 Jan 2024 00:00:00 GMT\] - Current \[/,
      );
    });

    it("does not swallow a failure in exists() or createIfNotExists(): only 404 and ContainerAlreadyExists are results", async () => {
      const exists = await thrownBy(() => blobService().getContainerClient("network-blocked").exists());
      assert.equal(exists.statusCode, 403);
      assert.equal(exists.code, "AuthorizationFailure");
      const create = await thrownBy(() =>
        blobService().getContainerClient("permission-mismatch").createIfNotExists(),
      );
      assert.equal(create.code, "AuthorizationPermissionMismatch");
    });

    it("retries ServerBusy with its own retry policy: maxTries requests, then the last 503", async () => {
      const before = storage.requests.length;
      const error = await thrownBy(() =>
        blobService(storage.url, 3).getContainerClient("server-busy").getProperties(),
      );
      assert.equal(error.statusCode, 503);
      assert.equal(error.code, "ServerBusy");
      assert.equal(storage.requests.length - before, 3);
    });

    it("answers a bearer 401 challenge once with a token for the challenge's tenant, then throws InvalidAuthenticationInfo", async () => {
      const token = fixedTokenCredential("https://storage.azure.com");
      const service = new BlobServiceClient(storage.url, token, { retryOptions: { maxTries: 1 } });
      const before = storage.requests.length;
      const error = await thrownBy(() => service.getContainerClient("token-invalid").getProperties());
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, "InvalidAuthenticationInfo");
      assert.equal(
        (error.details as { authenticationErrorDetail?: string }).authenticationErrorDetail,
        "Audience validation failed. Audience did not match.",
      );
      assert.equal(storage.requests.length - before, 2);
      assert.deepEqual(token.asked.at(-1), {
        scopes: ["https://storage.azure.com/.default"],
        tenantId: STORAGE_TENANT,
      });
    });

    it("reads the Data Lake JSON envelope the same way: code and message from the body, errorCode from the header", async () => {
      const dfs = root.keep(await startStorage({ authority: root.ca, trust: false, errorFormat: "json" }));
      const service = new BlobServiceClient(
        dfs.url,
        new StorageSharedKeyCredential(dfs.accountName, dfs.accountKey),
        {
          retryOptions: { maxTries: 1 },
        },
      );
      const error = await thrownBy(() => service.getContainerClient("shared-key-disabled").getProperties());
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, "KeyBasedAuthenticationNotPermitted");
      assert.match(
        error.message,
        /^Key based authentication is not permitted on this storage account\.\nRequestId:/,
      );
      assert.equal((error.details as { errorCode?: string }).errorCode, "KeyBasedAuthenticationNotPermitted");
    });
  });

  describe("@azure/storage-queue", () => {
    let storage: StorageStandIn;
    const queueService = () =>
      new QueueServiceClient(
        storage.url,
        new QueueSharedKeyCredential(storage.accountName, storage.accountKey),
        {
          retryOptions: { maxTries: 1 },
        },
      );

    before(async () => {
      storage = root.keep(await startStorage({ authority: root.ca, trust: false, service: "queue" }));
    });

    it("keeps its documented results: createIfNotExists reads 201 and 204, exists and deleteIfExists read QueueNotFound", async () => {
      const jobs = queueService().getQueueClient("jobs");
      assert.equal((await jobs.createIfNotExists()).succeeded, true);
      assert.equal((await jobs.createIfNotExists()).succeeded, false);
      assert.equal(await jobs.exists(), true);
      await jobs.sendMessage("hello");
      assert.equal((await jobs.deleteIfExists()).succeeded, true);
      assert.equal((await jobs.deleteIfExists()).succeeded, false);
      assert.equal(await jobs.exists(), false);
    });

    it("throws a failure as a RestError with the code in details.errorCode", async () => {
      const error = await thrownBy(() =>
        queueService().getQueueClient("permission-mismatch").createIfNotExists(),
      );
      assert.ok(error instanceof RestError);
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, "AuthorizationPermissionMismatch");
      assert.equal((error.details as { errorCode?: string }).errorCode, "AuthorizationPermissionMismatch");
    });
  });

  describe("@azure/keyvault-secrets", () => {
    let vault: KeyVaultStandIn;
    const token = fixedTokenCredential("https://vault.azure.net");
    const secrets = (options: ConstructorParameters<typeof SecretClient>[2] = {}) =>
      new SecretClient(vault.endpoint, token, {
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
        ...options,
      });

    before(async () => {
      vault = root.keep(await startKeyVault({ authority: root.ca, trust: false, retryAfterSeconds: 0 }));
    });

    it("answers the first 401 challenge without a token, then sends every later request with one", async () => {
      const client = secrets();
      const before = vault.requests.length;
      assert.equal((await client.getSecret(SEEDED_SECRET.name)).value, SEEDED_SECRET.value);
      await client.setSecret("new-secret", "new-value");
      assert.equal((await client.getSecret("new-secret")).value, "new-value");
      assert.deepEqual(wire(vault.requests.slice(before)), [
        `GET /secrets/${SEEDED_SECRET.name}/?api-version anonymous`,
        `GET /secrets/${SEEDED_SECRET.name}/?api-version auth`,
        "PUT /secrets/new-secret?api-version auth",
        "GET /secrets/new-secret/?api-version auth",
      ]);
      assert.deepEqual(token.asked.at(-1), {
        scopes: ["https://vault.azure.net/.default"],
        tenantId: KEY_VAULT_TENANT,
      });
    });

    it("throws its own Error, not a RestError, when the challenge resource is not the vault's domain", async () => {
      const error = await thrownBy(() =>
        secrets({ disableChallengeResourceVerification: false }).getSecret(SEEDED_SECRET.name),
      );
      assert.equal(isRestError(error), false);
      assert.equal(error.constructor, Error);
      assert.equal(
        error.message,
        "The challenge resource 'vault.azure.net' does not match the requested domain. Set disableChallengeResourceVerification to true in your client options to disable. See https://aka.ms/azsdk/blog/vault-uri for more information.",
      );
      assert.equal(error.statusCode, undefined);
    });

    for (const [name, failure] of Object.entries(KEY_VAULT_FAILURES)) {
      it(`${name}: throws ${failure.code} (${failure.status}), inner code ${"inner" in failure ? failure.inner : "none"} at details.error.innerError`, async () => {
        const error = await thrownBy(() => secrets().getSecret(name));
        assert.ok(error instanceof RestError);
        assert.equal(error.statusCode, failure.status);
        assert.equal(error.code, failure.code);
        const details = error.details as {
          error?: { code?: string; message?: string; innerError?: { code?: string } };
        };
        // The whole service message, every \r\n line of it.
        assert.equal(error.message, details.error?.message);
        assert.equal(details.error?.code, failure.code);
        assert.equal(details.error?.innerError?.code, "inner" in failure ? failure.inner : undefined);
        assert.equal("innererror" in (details.error ?? {}), false);
        // The client's error carries a copy of the response: headers and status, no body.
        const response = error.response as {
          status: number;
          headers: { get(name: string): string | undefined };
          bodyAsText?: string;
        };
        assert.equal(response.status, failure.status);
        assert.equal(response.bodyAsText, undefined);
        assert.equal(
          response.headers.get("x-ms-keyvault-network-info")?.includes(`addr=${KEY_VAULT_CLIENT_ADDRESS};`),
          true,
        );
      });
    }

    it("sends a request twice when a 401 with a challenge follows a cached challenge (wrong tenant)", async () => {
      const client = secrets();
      await client.getSecret(SEEDED_SECRET.name);
      const before = vault.requests.length;
      await thrownBy(() => client.getSecret("wrong-tenant"));
      assert.deepEqual(wire(vault.requests.slice(before)), [
        "GET /secrets/wrong-tenant/?api-version auth",
        "GET /secrets/wrong-tenant/?api-version auth",
      ]);
    });

    it("throws SecretNotFound (404) with no inner error, and 409 ObjectIsDeletedButRecoverable on a soft-deleted name", async () => {
      const missing = await thrownBy(() => secrets().getSecret("absent"));
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.code, "SecretNotFound");
      assert.match(missing.message, /^A secret with \(name\/id\) absent was not found in this key vault\./);
      const conflict = await thrownBy(() => secrets().setSecret(SOFT_DELETED_SECRET, "value"));
      assert.equal(conflict.statusCode, 409);
      assert.equal(conflict.code, "Conflict");
      assert.equal(
        (conflict.details as { error: { innerError: { code: string } } }).error.innerError.code,
        "ObjectIsDeletedButRecoverable",
      );
    });

    it("throws a TypeError, not a RestError, for a failing status with an empty body (its error deserializer reads undefined)", async () => {
      const error = await thrownBy(() => secrets().getSecret(GATEWAY_EMPTY_SECRET));
      assert.ok(error instanceof TypeError);
      assert.equal(isRestError(error), false);
      assert.equal(error.message, "Cannot read properties of undefined (reading 'error')");
      assert.equal(error.statusCode, undefined);
      assert.equal("request" in error, false);
    });

    it("reads the 404s of a deletion in progress as 'not yet' while polling: beginDeleteSecret completes", async () => {
      const client = secrets();
      await client.setSecret("to-delete", "value");
      const before = vault.requests.length;
      const deleted = await (
        await client.beginDeleteSecret("to-delete", { intervalInMs: 1 })
      ).pollUntilDone();
      assert.equal(deleted.name, "to-delete");
      assert.equal(deleted.recoveryId, `${vault.endpoint}/deletedsecrets/to-delete`);
      assert.deepEqual(wire(vault.requests.slice(before)), [
        "DELETE /secrets/to-delete?api-version auth",
        "GET /deletedsecrets/to-delete?api-version auth",
        "GET /deletedsecrets/to-delete?api-version auth",
      ]);
    });

    it("retries a 429 after Retry-After, then throws Throttled", async () => {
      const before = vault.requests.length;
      const error = await thrownBy(() => secrets({ retryOptions: { maxRetries: 2 } }).getSecret("throttled"));
      assert.equal(error.statusCode, 429);
      assert.equal(error.code, "Throttled");
      assert.deepEqual(wire(vault.requests.slice(before)), [
        "GET /secrets/throttled/?api-version anonymous",
        "GET /secrets/throttled/?api-version auth",
        "GET /secrets/throttled/?api-version auth",
        "GET /secrets/throttled/?api-version auth",
      ]);
    });
  });

  describe("@azure/app-configuration", () => {
    let store: AppConfigurationStandIn;
    const token = fixedTokenCredential("https://azconfig.io");
    const withKey = (connectionString = store.connectionString, maxRetries = 0) =>
      new AppConfigurationClient(connectionString, { retryOptions: { maxRetries } });
    const withToken = (maxRetries = 0) =>
      new AppConfigurationClient(store.endpoint, token, { retryOptions: { maxRetries } });
    const challengeOf = (error: Error & Record<string, unknown>) =>
      (error.response as { headers: { get(name: string): string | undefined } }).headers.get(
        "www-authenticate",
      );

    before(async () => {
      store = root.keep(await startAppConfiguration({ authority: root.ca, trust: false }));
    });

    it("keeps its documented results: a 304 becomes a result, a 412 on add gets the client's own message", async () => {
      const client = withKey();
      const setting = await client.getConfigurationSetting({ key: SEEDED_SETTING.key });
      assert.equal(setting.value, SEEDED_SETTING.value);
      assert.equal(setting.statusCode, 200);
      const unchanged = await client.getConfigurationSetting(setting, { onlyIfChanged: true });
      assert.equal(unchanged.statusCode, 304);
      assert.equal(unchanged.value, undefined);
      const added = await thrownBy(() =>
        client.addConfigurationSetting({ key: SEEDED_SETTING.key, value: "again" }),
      );
      assert.ok(added instanceof RestError);
      assert.equal(added.statusCode, 412);
      assert.equal(added.message, "Status 412: Setting was already present");
      await client.setConfigurationSetting({ key: "app:other", value: "v" });
      assert.equal((await client.deleteConfigurationSetting({ key: "app:other" })).statusCode, 200);
      assert.ok(
        store.requests.every((r) => String(r.headers.authorization).startsWith("HMAC-SHA256 Credential=")),
      );
    });

    it("throws every HMAC failure as 'Unexpected status code: 401' with no code: the reason is only in WWW-Authenticate", async () => {
      const wrongSecret = `Endpoint=${store.endpoint};Id=${store.credential.id};Secret=${Buffer.alloc(32, 7).toString("base64")}`;
      const wrongId = `Endpoint=${store.endpoint};Id=StAn-l0-s0:regenerated;Secret=${store.credential.secret}`;
      const skewed = root.keep(
        await startAppConfiguration({ authority: root.ca, trust: false, clockOffsetMs: 20 * 60_000 }),
      );
      const cases = [
        [wrongSecret, "Invalid Signature"],
        [wrongId, "Invalid Credential"],
        [skewed.connectionString, "The access token has expired"],
      ] as const;
      for (const [connectionString, reason] of cases) {
        const error = await thrownBy(() =>
          withKey(connectionString).getConfigurationSetting({ key: SEEDED_SETTING.key }),
        );
        assert.ok(error instanceof RestError);
        assert.equal(error.statusCode, 401);
        assert.equal(error.code, undefined);
        assert.equal(error.message, "Unexpected status code: 401");
        // The empty body becomes {} in the client's own policy, so details is the problem shape with nothing in it.
        assert.deepEqual(JSON.parse(JSON.stringify(error.details)), {});
        assert.equal(
          challengeOf(error),
          `HMAC-SHA256 error="invalid_token" error_description="${reason}", Bearer`,
        );
      }
    });

    for (const [key, failure] of Object.entries(APP_CONFIGURATION_FAILURES)) {
      it(`${key}: throws 'Unexpected status code: ${failure.status}' with no code, the problem+json body (if any) in details`, async () => {
        const error = await thrownBy(() => withToken().getConfigurationSetting({ key }));
        assert.ok(error instanceof RestError);
        assert.equal(error.statusCode, failure.status);
        assert.equal(error.code, undefined);
        assert.equal(error.message, `Unexpected status code: ${failure.status}`);
        const details = JSON.parse(JSON.stringify(error.details)) as Record<string, unknown>;
        if ("problem" in failure) {
          // The client's deserializer keeps type, title, name, detail and status; anything else (policy) is dropped.
          const { type, title, status } = failure.problem as Record<string, unknown>;
          assert.deepEqual(details, { type, title, status });
        } else {
          assert.deepEqual(details, {});
        }
        if ("headers" in failure) assert.equal(challengeOf(error), failure.headers["www-authenticate"]);
      });
    }

    it("retries a 429 after retry-after-ms, then throws it", async () => {
      const before = store.requests.length;
      await thrownBy(() => withToken(2).getConfigurationSetting({ key: "throttled" }));
      assert.equal(store.requests.length - before, 3);
    });

    it("rewrites a token error that names AADSTS500011 into its own RestError with no status, before any request", async () => {
      const failing = {
        getToken: async () => {
          throw new Error(
            "AADSTS500011: The resource principal named https://azconfig.io was not found in the tenant named contoso.",
          );
        },
      };
      const before = store.requests.length;
      for (const [audience, says] of [
        [undefined, "No authentication token audience was provided."],
        ["https://azconfig.azure.us", "An incorrect token audience was provided."],
      ] as const) {
        const client = new AppConfigurationClient(store.endpoint, failing, {
          audience,
          retryOptions: { maxRetries: 0 },
        });
        const error = await thrownBy(() => client.getConfigurationSetting({ key: SEEDED_SETTING.key }));
        assert.ok(error instanceof RestError);
        assert.equal(error.statusCode, undefined);
        assert.equal(
          error.message.startsWith(`Unable to authenticate to Azure App Configuration. ${says}`),
          true,
        );
        assert.equal(error.message.includes("AADSTS500011"), false);
      }
      assert.equal(store.requests.length, before);
    });
  });

  describe("@azure/arm-resources", () => {
    let arm: ResourceManagerStandIn;
    const token = fixedTokenCredential("https://management.azure.com");
    const resources = (subscription = ARM_SUBSCRIPTION, maxRetries = 0) =>
      new ResourceManagementClient(token, subscription, {
        endpoint: arm.endpoint,
        retryOptions: { maxRetries },
      });
    const resourceId = (namespace: string, type: string) =>
      `/subscriptions/${ARM_SUBSCRIPTION}/resourceGroups/${SEEDED_RESOURCE_GROUP}/providers/${namespace}/${type}`;

    before(async () => {
      arm = root.keep(await startResourceManager({ authority: root.ca, trust: false, retryAfterSeconds: 0 }));
    });

    it("keeps its documented results: get, createOrUpdate, and checkExistence reading 204 and 404", async () => {
      const client = resources();
      assert.equal((await client.resourceGroups.get(SEEDED_RESOURCE_GROUP)).location, "eastus");
      assert.deepEqual(await client.resourceGroups.checkExistence(SEEDED_RESOURCE_GROUP), { body: true });
      assert.deepEqual(await client.resourceGroups.checkExistence("absent-rg"), { body: false });
      assert.equal(
        (await client.resourceGroups.createOrUpdate("new-rg", { location: "westus" })).name,
        "new-rg",
      );
      const names = [];
      for await (const group of client.resourceGroups.list()) names.push(group.name);
      assert.deepEqual(names.sort(), [SEEDED_RESOURCE_GROUP, "new-rg"]);
      assert.deepEqual(token.asked.at(-1)?.scopes, ["https://management.azure.com/.default"]);
    });

    for (const [group, failure] of Object.entries(ARM_FAILURES)) {
      it(`${group}: throws the ARM code and the whole service message as a RestError, the body in details.error`, async () => {
        const call = () =>
          group === "policy-denied"
            ? resources().resourceGroups.createOrUpdate(group, { location: "westus" })
            : resources().resourceGroups.get(group);
        const error = await thrownBy(call);
        assert.ok(error instanceof RestError);
        assert.equal(error.statusCode, failure.status);
        const details = error.details as {
          error: {
            code: string;
            message: string;
            details?: { code: string }[];
            additionalInfo?: { type: string }[];
          };
        };
        assert.equal(error.code, details.error.code);
        assert.equal(error.message, details.error.message);
        if (group === "busy") {
          assert.equal(error.code, "RetryableError");
          assert.equal(details.error.details?.[0]?.code, "RetryableErrorDueToAnotherOperation");
        }
        if (group === "policy-denied")
          assert.equal(details.error.additionalInfo?.[0]?.type, "PolicyViolation");
        const headers = (error.response as { headers: { get(name: string): string | undefined } }).headers;
        if (failure.status === 429) {
          assert.equal(headers.get("retry-after"), "0");
          if (group === "throttled")
            assert.equal(headers.get("x-ms-ratelimit-remaining-subscription-reads"), "0");
        }
      });
    }

    it("throws ResourceGroupNotFound, ResourceNotFound and MissingSubscriptionRegistration (409) with their codes", async () => {
      const group = await thrownBy(() => resources().resourceGroups.get("absent-rg"));
      assert.deepEqual([group.statusCode, group.code], [404, "ResourceGroupNotFound"]);
      const resource = await thrownBy(() =>
        resources().resources.getById(
          resourceId("Microsoft.Storage", "storageAccounts/absent"),
          "2024-01-01",
        ),
      );
      assert.deepEqual([resource.statusCode, resource.code], [404, "ResourceNotFound"]);
      assert.match(
        resource.message,
        /under resource group 'app-rg' was not found\. For more details please go to https:\/\/aka\.ms\/ARMResourceNotFoundFix$/,
      );
      const unregistered = await thrownBy(() =>
        resources().resources.getById(resourceId(UNREGISTERED_NAMESPACE, "widgets/w1"), "2024-01-01"),
      );
      assert.deepEqual(
        [unregistered.statusCode, unregistered.code],
        [409, "MissingSubscriptionRegistration"],
      );
    });

    it("throws SubscriptionNotFound with the service message from get, and with its own message from a paged list", async () => {
      const other = resources("00000000-0000-0000-0000-00000000dead");
      const get = await thrownBy(() => other.resourceGroups.get(SEEDED_RESOURCE_GROUP));
      assert.equal(
        get.message,
        "The subscription '00000000-0000-0000-0000-00000000dead' could not be found.",
      );
      const list = await thrownBy(async () => {
        for await (const group of other.resourceGroups.list()) assert.fail(`unexpected ${group.name}`);
      });
      assert.equal(list.code, "SubscriptionNotFound");
      assert.equal(list.statusCode, 404);
      assert.equal(list.message, "Pagination failed with unexpected statusCode 404");
    });

    it("throws a HEAD failure of checkExistence as 'Unexpected status code: 403' with no code and no details", async () => {
      const error = await thrownBy(() => resources().resourceGroups.checkExistence("denied"));
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, undefined);
      assert.equal(error.message, "Unexpected status code: 403");
      assert.equal(error.details, undefined);
    });

    it("retries both 429s alike: throttling and RetryableErrorDueToAnotherOperation", async () => {
      for (const group of ["throttled", "busy"]) {
        const before = arm.requests.length;
        await thrownBy(() => resources(ARM_SUBSCRIPTION, 2).resourceGroups.get(group));
        assert.equal(arm.requests.length - before, 3);
      }
    });
  });

  describe("openai (AzureOpenAI and OpenAI)", () => {
    const azureAnswers: Record<string, { status: number; code: string; message: string }> = {
      "bad-key": {
        status: 401,
        code: "401",
        message:
          "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
      },
      firewalled: {
        status: 403,
        code: "403",
        message: "Access denied due to Virtual Network/Firewall rules.",
      },
      "no-such-deployment": {
        status: 404,
        code: "DeploymentNotFound",
        message:
          "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      },
      busy: {
        status: 429,
        code: "429",
        message:
          "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.",
      },
    };
    let azure: Awaited<ReturnType<typeof startLoopbackService>>;
    before(async () => {
      azure = root.keep(
        await startLoopbackService(
          "Azure OpenAI",
          (request) => {
            const deployment = /\/deployments\/([^/]+)\//.exec(request.path)?.[1] ?? "";
            const answer = azureAnswers[deployment] ?? azureAnswers["no-such-deployment"]!;
            return {
              status: answer.status,
              headers: {
                "content-type": "application/json",
                "apim-request-id": "5e1b6c1a-0000-4000-8000-000000000001",
                "retry-after": "0",
              },
              body: JSON.stringify({ error: { code: answer.code, message: answer.message } }),
            };
          },
          { authority: root.ca, trust: false },
        ),
      );
    });
    const chat = (deployment: string, maxRetries = 0) =>
      new AzureOpenAI({
        endpoint: azure.endpoint,
        apiKey: "azure-openai-key-0123",
        apiVersion: "2024-10-21",
        deployment,
        maxRetries,
      }).chat.completions.create({
        model: deployment,
        messages: [{ role: "user", content: "hello" }],
      });

    for (const [deployment, Class] of [
      ["bad-key", AuthenticationError],
      ["firewalled", PermissionDeniedError],
      ["no-such-deployment", NotFoundError],
      ["busy", RateLimitError],
    ] as const) {
      it(`throws ${Class.name} for ${azureAnswers[deployment]!.status}: status, code and error from the body, name 'Error', no requestID`, async () => {
        const answer = azureAnswers[deployment]!;
        const error = await thrownBy(() => chat(deployment));
        assert.ok(error instanceof Class);
        assert.equal(error.name, "Error");
        assert.equal(error.status, answer.status);
        assert.equal(error.code, answer.code);
        assert.equal(error.message, `${answer.status} ${answer.message}`);
        assert.deepEqual(error.error, { code: answer.code, message: answer.message });
        assert.equal(
          (error.headers as Headers).get("apim-request-id"),
          "5e1b6c1a-0000-4000-8000-000000000001",
        );
        // It reads x-request-id only; Azure's request id is in apim-request-id.
        assert.equal(error.requestID, null);
      });
    }

    it("retries a 429 maxRetries times before throwing", async () => {
      const before = azure.requests.length;
      await thrownBy(() => chat("busy", 2));
      assert.equal(azure.requests.length - before, 3);
    });

    it("hides a TLS failure two causes deep: APIConnectionError -> TypeError 'fetch failed' -> DEPTH_ZERO_SELF_SIGNED_CERT", async () => {
      const untrusted = root.keep(await startTlsServer(selfSigned()));
      const client = new OpenAI({
        baseURL: `https://localhost:${untrusted.port}/v1`,
        apiKey: "openai-key-0123",
        maxRetries: 0,
      });
      const error = await thrownBy(() => client.models.list());
      assert.ok(error instanceof APIConnectionError);
      assert.equal(error.message, "Connection error.");
      assert.equal(error.status, undefined);
      const fetchFailed = error.cause as Error & { cause?: Error & { code?: string } };
      assert.ok(fetchFailed instanceof TypeError);
      assert.equal(fetchFailed.message, "fetch failed");
      assert.equal(fetchFailed.cause?.code, "DEPTH_ZERO_SELF_SIGNED_CERT");
    });

    it("hides a refused connection the same way: APIConnectionError -> TypeError -> ECONNREFUSED", async () => {
      const client = new OpenAI({
        baseURL: `https://localhost:${await closedPort()}/v1`,
        apiKey: "openai-key-0123",
        maxRetries: 0,
      });
      const error = await thrownBy(() => client.models.list());
      assert.ok(error instanceof APIConnectionError);
      const fetchFailed = error.cause as Error & { cause?: Error & { code?: string } };
      assert.equal(fetchFailed.message, "fetch failed");
      assert.equal(fetchFailed.cause?.code, "ECONNREFUSED");
    });
  });
});

describe("a pass-through policy attached to the real clients: where it sits and what it sees", function () {
  const root = useTrustedRoot("Policy Positions Test Root");
  const namesOf = (pipeline: Pipeline): string[] =>
    pipeline.getOrderedPolicies().map((policy) => policy.name);

  describe("@azure/storage-blob", () => {
    let storage: StorageStandIn;
    let credential: StorageSharedKeyCredential;
    /** The core pipeline a storage client sends through: not public API (the property is protected). */
    const corePipelineOf = (client: object): Pipeline =>
      (client as unknown as { storageClientContext: { pipeline: Pipeline } }).storageClientContext.pipeline;

    before(async () => {
      storage = root.keep(await startStorage({ authority: root.ca, trust: false }));
      credential = new StorageSharedKeyCredential(storage.accountName, storage.accountKey);
    });

    it("takes additionalPolicies at run time (its option type lacks them), then every derived client throws before sending", async () => {
      const seen = observer();
      // Not an object literal: StoragePipelineOptions has no additionalPolicies, so a literal would not compile.
      const options = {
        retryOptions: { maxTries: 1 },
        additionalPolicies: [{ policy: seen.policy, position: "perCall" }],
      };
      const service = new BlobServiceClient(storage.url, credential, options);
      const names = [];
      for await (const container of service.listContainers()) names.push(container.name);
      assert.ok(names.includes(SEEDED_CONTAINER));
      assert.equal(seen.passes.length, 1);
      const before = storage.requests.length;
      for (const call of [
        () => service.getContainerClient(SEEDED_CONTAINER).exists(),
        () => service.getContainerClient(SEEDED_CONTAINER).getBlobClient(SEEDED_BLOB.name).exists(),
      ]) {
        const error = await thrownBy(call);
        assert.equal(error.constructor, Error);
        assert.equal(error.message, "Duplicate policy names not allowed in pipeline");
      }
      assert.equal(storage.requests.length, before);
    });

    it("shares one core pipeline, cached on the storage Pipeline as _corePipeline, with every derived client: added there once, it sees them all", async () => {
      const service = new BlobServiceClient(storage.url, credential, { retryOptions: { maxTries: 1 } });
      const shared = corePipelineOf(service);
      const container = service.getContainerClient(SEEDED_CONTAINER);
      assert.equal(
        shared,
        (service as unknown as { pipeline: { _corePipeline: Pipeline } }).pipeline._corePipeline,
      );
      assert.equal(corePipelineOf(container), shared);
      assert.equal(corePipelineOf(container.getBlobClient(SEEDED_BLOB.name)), shared);
      assert.equal(corePipelineOf(container.getBlockBlobClient("other.txt")), shared);
      const seen = observer();
      shared.addPolicy(seen.policy);
      assert.equal(await container.exists(), true);
      assert.equal(await container.getBlobClient(SEEDED_BLOB.name).exists(), true);
      assert.equal(seen.passes.length, 2);
    });

    it("outside the Deserialize phase (addPolicy default), sees the client's own thrown RestError, the very object the caller gets, before details is set", async () => {
      const service = new BlobServiceClient(storage.url, credential, { retryOptions: { maxTries: 1 } });
      const seen = observer();
      corePipelineOf(service).addPolicy(seen.policy);
      assert.ok(
        namesOf(corePipelineOf(service)).indexOf(seen.policy.name) <
          namesOf(corePipelineOf(service)).indexOf("deserializationPolicy"),
      );
      const error = await thrownBy(() => service.getContainerClient("permission-mismatch").getProperties());
      const pass = seen.passes.at(-1)!;
      assert.equal(pass.thrown, error);
      assert.equal(pass.detailsWhenThrown, undefined);
      assert.equal((error.details as { errorCode?: string }).errorCode, "AuthorizationPermissionMismatch");
      assert.equal((pass.thrown as { code?: string }).code, "AuthorizationPermissionMismatch");
      assert.equal(
        (error.response as { parsedHeaders?: { errorCode?: string } }).parsedHeaders?.errorCode,
        "AuthorizationPermissionMismatch",
      );
      assert.equal(error.request, pass.request);
    });

    it("after the Sign phase (perRetry), sees every attempt as a plain response: raw body, no parsed headers", async () => {
      const service = new BlobServiceClient(storage.url, credential, {
        retryOptions: { maxTries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
      });
      const outer = observer("outerObserver");
      const inner = observer("innerObserver");
      corePipelineOf(service).addPolicy(outer.policy);
      corePipelineOf(service).addPolicy(inner.policy, { afterPhase: "Sign" });
      const before = storage.requests.length;
      await thrownBy(() => service.getContainerClient("server-busy").getProperties());
      assert.equal(storage.requests.length - before, 3);
      assert.deepEqual(
        inner.passes.map((pass) => pass.status),
        [503, 503, 503],
      );
      assert.match(
        String(inner.passes[0]?.body),
        /^<\?xml version="1\.0" encoding="utf-8"\?><Error><Code>ServerBusy<\/Code>/,
      );
      assert.equal((inner.passes[0]?.response as { parsedHeaders?: unknown }).parsedHeaders, undefined);
      assert.equal(outer.passes.length, 1);
      assert.ok(outer.passes[0]?.thrown instanceof RestError);
    });

    it("changes nothing the client returns at either position: exists, createIfNotExists, deleteIfExists, and the same requests", async () => {
      const run = async (position: "none" | "outside" | "inside") => {
        const service = new BlobServiceClient(storage.url, credential, { retryOptions: { maxTries: 1 } });
        if (position !== "none")
          corePipelineOf(service).addPolicy(
            observer().policy,
            position === "inside" ? { afterPhase: "Sign" } : {},
          );
        const before = storage.requests.length;
        const results = [
          await service.getContainerClient(SEEDED_CONTAINER).exists(),
          await service.getContainerClient("absent").exists(),
          (await service.getContainerClient(SEEDED_CONTAINER).createIfNotExists()).succeeded,
          (await service.getContainerClient("absent").deleteIfExists()).succeeded,
          await service.getContainerClient(SEEDED_CONTAINER).getBlobClient("absent.txt").exists(),
        ];
        return { results, requests: storage.requests.slice(before).map((r) => `${r.method} ${r.path}`) };
      };
      const without = await run("none");
      assert.deepEqual(without.results, [true, false, false, false, false]);
      assert.deepEqual(await run("outside"), without);
      assert.deepEqual(await run("inside"), without);
    });
  });

  describe("@azure/keyvault-secrets", () => {
    let vault: KeyVaultStandIn;
    const token = fixedTokenCredential("https://vault.azure.net");
    /** keyVaultAuthenticationPolicyName of @azure/keyvault-common, a dependency of the client, not of this project. */
    const keyVaultAuthenticationPolicyName = "keyVaultAuthenticationPolicy";
    /** SecretClient keeps its pipeline on a private generated client; it has no public `pipeline`. */
    const pipelineOf = (client: SecretClient): Pipeline =>
      (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline;
    type Position = "perCall" | "perRetry" | "addPolicy" | "addPolicy before keyVaultAuthenticationPolicy";
    const attach = (position: Position, policy: PipelinePolicy): SecretClient => {
      const additionalPolicies =
        position === "perCall" || position === "perRetry" ? [{ policy, position }] : [];
      const client = new SecretClient(vault.endpoint, token, {
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
        additionalPolicies,
      });
      if (position === "addPolicy") pipelineOf(client).addPolicy(policy);
      if (position === "addPolicy before keyVaultAuthenticationPolicy") {
        pipelineOf(client).addPolicy(policy, { beforePolicies: [keyVaultAuthenticationPolicyName] });
      }
      return client;
    };

    before(async () => {
      vault = root.keep(await startKeyVault({ authority: root.ca, trust: false }));
    });

    const sees: Record<Position, string[]> = {
      // Outside the challenge: the request before any token, then the final answer only.
      perCall: ["200 anonymous", "403 anonymous"],
      // Inside it: the bare 401 challenge, then the authorized retry.
      perRetry: ["401 anonymous", "200 auth", "403 auth"],
      addPolicy: ["401 anonymous", "200 auth", "403 auth"],
      "addPolicy before keyVaultAuthenticationPolicy": ["200 anonymous", "403 anonymous"],
    };
    for (const [position, expected] of Object.entries(sees) as [Position, string[]][]) {
      it(`${position}: sees ${expected.join(", ")}; the client sends the same requests and throws the same error`, async () => {
        const seen = observer();
        const client = attach(position, seen.policy);
        const before = vault.requests.length;
        assert.equal((await client.getSecret(SEEDED_SECRET.name)).value, SEEDED_SECRET.value);
        const error = await thrownBy(() => client.getSecret("rbac-denied"));
        assert.deepEqual(
          seen.passes.map((pass) => `${pass.status} ${pass.authorized ? "auth" : "anonymous"}`),
          expected,
        );
        assert.deepEqual(wire(vault.requests.slice(before)), [
          `GET /secrets/${SEEDED_SECRET.name}/?api-version anonymous`,
          `GET /secrets/${SEEDED_SECRET.name}/?api-version auth`,
          "GET /secrets/rbac-denied/?api-version auth",
        ]);
        // A failing status passes the policy as a response; the client builds its error afterwards.
        const pass = seen.passes.at(-1)!;
        assert.equal(pass.thrown, undefined);
        assert.match(String(pass.body), /"innererror":\{"code":"ForbiddenByRbac"\}/);
        assert.equal(
          (error.details as { error: { innerError: { code: string } } }).error.innerError.code,
          "ForbiddenByRbac",
        );
        // The error's request is the very PipelineRequest the policy saw; its response is a copy.
        assert.equal(error.request, pass.request);
        assert.notEqual(error.response, pass.response);
        assert.equal((error.response as { status: number }).status, pass.status);
      });
    }

    it("sees the empty-bodied 502 the client then fails to read (TypeError)", async () => {
      const seen = observer();
      const error = await thrownBy(() => attach("perCall", seen.policy).getSecret(GATEWAY_EMPTY_SECRET));
      assert.ok(error instanceof TypeError);
      assert.deepEqual([seen.passes.at(-1)?.status, seen.passes.at(-1)?.body], [502, ""]);
    });
  });

  describe("@azure/app-configuration", () => {
    let store: AppConfigurationStandIn;
    const pipelineOf = (client: AppConfigurationClient): Pipeline =>
      (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline;

    before(async () => {
      store = root.keep(await startAppConfiguration({ authority: root.ca, trust: false }));
    });

    it("perCall sits outside the client's empty-body and HMAC policies: it sees '{}' for an empty 403, and the request unsigned", async () => {
      const seen = observer();
      const client = new AppConfigurationClient(store.connectionString, {
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: seen.policy, position: "perCall" }],
      });
      const names = namesOf(pipelineOf(client));
      assert.ok(names.indexOf(seen.policy.name) < names.indexOf("AppConfigEmptyBodyPolicy"));
      const error = await thrownBy(() => client.getConfigurationSetting({ key: "role-missing" }));
      assert.deepEqual(
        [seen.passes[0]?.status, seen.passes[0]?.body, seen.passes[0]?.authorized],
        [403, "{}", false],
      );
      assert.equal(error.request, seen.passes[0]?.request);
    });

    it("perRetry sits inside them: it sees the empty body as sent, and the request signed", async () => {
      const seen = observer();
      const client = new AppConfigurationClient(store.connectionString, {
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: seen.policy, position: "perRetry" }],
      });
      const error = await thrownBy(() => client.getConfigurationSetting({ key: "role-missing" }));
      assert.deepEqual(
        [seen.passes[0]?.status, seen.passes[0]?.body, seen.passes[0]?.authorized],
        [403, "", true],
      );
      assert.equal(error.request, seen.passes[0]?.request);
    });

    it("passes a 304 as a response at either position, and the client still returns it as a result", async () => {
      for (const position of ["perCall", "perRetry"] as const) {
        const seen = observer();
        const client = new AppConfigurationClient(store.connectionString, {
          additionalPolicies: [{ policy: seen.policy, position }],
        });
        const setting = await client.getConfigurationSetting({ key: SEEDED_SETTING.key });
        assert.equal(
          (await client.getConfigurationSetting(setting, { onlyIfChanged: true })).statusCode,
          304,
        );
        assert.deepEqual(
          seen.passes.map((pass) => pass.status),
          [200, 304],
        );
      }
    });
  });

  describe("@azure/arm-resources", () => {
    let arm: ResourceManagerStandIn;
    const token = fixedTokenCredential("https://management.azure.com");

    before(async () => {
      arm = root.keep(await startResourceManager({ authority: root.ca, trust: false, retryAfterSeconds: 0 }));
    });

    it("perCall sits after the bearer policy (both unphased, the bearer added first) and outside the retry policy", async () => {
      const seen = observer();
      const client = new ResourceManagementClient(token, ARM_SUBSCRIPTION, {
        endpoint: arm.endpoint,
        retryOptions: { maxRetries: 2 },
        additionalPolicies: [{ policy: seen.policy, position: "perCall" }],
      });
      const names = namesOf(client.pipeline);
      assert.ok(names.indexOf(bearerTokenAuthenticationPolicyName) < names.indexOf(seen.policy.name));
      assert.ok(names.indexOf(seen.policy.name) < names.indexOf("defaultRetryPolicy"));
      const before = arm.requests.length;
      const error = await thrownBy(() => client.resourceGroups.get("throttled"));
      assert.equal(arm.requests.length - before, 3);
      assert.deepEqual(
        seen.passes.map((pass) => `${pass.status} ${pass.authorized ? "auth" : "anonymous"}`),
        ["429 auth"],
      );
      assert.equal(error.request, seen.passes[0]?.request);
    });

    it("perRetry sees each attempt, as responses, and the same request object every time", async () => {
      const seen = observer();
      const client = new ResourceManagementClient(token, ARM_SUBSCRIPTION, {
        endpoint: arm.endpoint,
        retryOptions: { maxRetries: 2 },
        additionalPolicies: [{ policy: seen.policy, position: "perRetry" }],
      });
      const error = await thrownBy(() => client.resourceGroups.get("busy"));
      assert.deepEqual(
        seen.passes.map((pass) => pass.status),
        [429, 429, 429],
      );
      assert.ok(seen.passes.every((pass) => pass.request === error.request));
    });

    it("passes checkExistence's 404 as a response, and the client returns false", async () => {
      const seen = observer();
      const client = new ResourceManagementClient(token, ARM_SUBSCRIPTION, { endpoint: arm.endpoint });
      client.pipeline.addPolicy(seen.policy);
      assert.deepEqual(await client.resourceGroups.checkExistence("absent-rg"), { body: false });
      assert.deepEqual(
        seen.passes.map((pass) => [pass.request.method, pass.status]),
        [["HEAD", 404]],
      );
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
