import assert from "node:assert/strict";
import util from "node:util";
import { CIRCULAR, REDACTED, redactValue, VALUE_WITHHELD } from "../../src/redaction/index.js";

describe("redactValue()", () => {
  it("a body parsed first: JSON-escaped secrets are caught decoded", () => {
    const body =
      '{"error":{"code":"AuthenticationFailed","message":"Bad key AccountKey\\u003dabc\\u002Bdef/g== for c2VjcmV0a2V5MDEy"}}';
    const details = redactValue(JSON.parse(body), ["c2VjcmV0a2V5MDEy"]);
    assert.deepEqual(details, {
      error: { code: "AuthenticationFailed", message: `Bad key AccountKey=${REDACTED} for ${REDACTED}` },
    });
  });

  it("values under a credential's name, in objects and arrays, keeping the rest", () => {
    const value = {
      keys: [{ keyName: "key1", primaryKey: "k1", "api-key": "k2" }],
      password: 1234,
      client_secret: "",
      code: "InvalidKey",
      nested: { accountKey: { value: "kept: an object is walked, not replaced" } },
      flag: true,
      nothing: null,
    };
    assert.deepEqual(redactValue(value), {
      keys: [{ keyName: "key1", primaryKey: REDACTED, "api-key": REDACTED }],
      password: REDACTED,
      client_secret: "",
      code: "InvalidKey",
      nested: { accountKey: { value: "kept: an object is walked, not replaced" } },
      flag: true,
      nothing: null,
    });
  });

  it("keys that hold a secret, and keys named __proto__, stay own data", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":"Bearer abcdefghijklmnop"},"0123456789abcdef":1}');
    const copy = redactValue(parsed, ["0123456789abcdef"]) as Record<string, unknown>;
    assert.deepEqual(Object.keys(copy), ["__proto__", REDACTED]);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value, {
      polluted: `Bearer ${REDACTED}`,
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("an error's cause chain, to a bounded depth", () => {
    const root = Object.assign(new Error("socket said Bearer abcdefghijklmnop"), { code: "ECONNRESET" });
    const middle = new AggregateError([new Error("sig=c2lnbmF0dXJl")], "tried twice", { cause: root });
    const top = new Error("request failed", { cause: middle });
    const copy = redactValue(top) as Error;
    const shown = util.inspect(copy, { depth: 10 });
    assert.ok(!shown.includes("abcdefghijklmnop") && !shown.includes("c2lnbmF0dXJl"), shown);
    assert.ok(copy instanceof Error && copy.message === "request failed");
    const cause = copy.cause as AggregateError & { errors: Error[] };
    assert.equal(cause.message, "tried twice");
    assert.equal(cause.errors[0]!.message, `sig=${REDACTED}`);
    const rootCopy = cause.cause as Error & { code: string };
    assert.equal(rootCopy.message, `socket said Bearer ${REDACTED}`);
    assert.equal(rootCopy.code, "ECONNRESET");
    assert.ok(!String(rootCopy.stack).includes("abcdefghijklmnop"));
    assert.ok(root.message.includes("abcdefghijklmnop"), "the original is not changed");
  });

  it("cycles, depth and size are bounded", () => {
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    assert.deepEqual(redactValue(cyclic), { name: "a", self: CIRCULAR });
    const shared = { x: 1 };
    assert.deepEqual(redactValue([shared, shared]), [{ x: 1 }, { x: 1 }], "a shared value is not a cycle");

    let deep: unknown = "api-key: bottom";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let level = redactValue(deep, [], { depth: 3 });
    for (let i = 0; i < 3; i++) level = (level as unknown[])[0];
    assert.equal(level, VALUE_WITHHELD);

    const wide = Array.from({ length: 100 }, (_, i) => ({ i }));
    const copied = redactValue(wide, [], { maxNodes: 10 }) as unknown[];
    assert.ok(copied.length <= 11 && copied.at(-1) === VALUE_WITHHELD, JSON.stringify(copied));
  });

  it("never throws: throwing getters and proxies", () => {
    const getter = Object.defineProperty({ ok: "fine" }, "bad", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    assert.deepEqual(redactValue(getter), { ok: "fine", bad: VALUE_WITHHELD });
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("ownKeys");
        },
      },
    );
    assert.deepEqual(redactValue({ inner: hostile }), { inner: VALUE_WITHHELD });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    assert.doesNotThrow(() => redactValue([revocable.proxy, new Error("x", { cause: revocable.proxy })]));
  });

  it("scalars and strings", () => {
    assert.equal(redactValue("sig=c2lnbmF0dXJl"), `sig=${REDACTED}`);
    assert.equal(redactValue(42), 42);
    assert.equal(redactValue(undefined), undefined);
  });
});
