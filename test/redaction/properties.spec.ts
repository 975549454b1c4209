import assert from "node:assert/strict";
import fc from "fast-check";
import {
  holdsKnownValue,
  prepareSecrets,
  REDACTED,
  redact,
  redactValue,
  WITHHELD,
} from "../../src/redaction/index.js";

/**
 * Secrets of the shapes real ones have, and passwords of printable characters, each with four letters
 * or digits in a row: redact() finds one with fewer split or escaped, not both (see its spec and the
 * README). A base64 value of the generator's own can be mostly `+` and `/`, which random bytes never are.
 */
const secretArbitrary = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9]{8,52}$/),
    fc.stringMatching(/^[A-Za-z0-9+/]{30,43}=$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{20,40}$/),
    fc.stringMatching(/^[!-~]{4,10}[A-Za-z0-9]{4}[!-~]{0,10}$/),
  )
  .filter((secret) => /[A-Za-z0-9]{4}/.test(secret));

const hex = (code: number, upper: boolean): string => {
  const digits = code.toString(16).padStart(4, "0");
  return `\\u${upper ? digits.toUpperCase() : digits}`;
};

/** How real encoders write a value: URL encoding, and the JSON writers of JavaScript, .NET and Gson. */
const ENCODERS: Record<string, (secret: string) => string> = {
  plain: (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  lowerCaseHex: (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  pythonQuote: (s) => encodeURIComponent(s).replace(/%2F/g, "/"),
  jsonStringify: (s) => JSON.stringify(s).slice(1, -1),
  escapedSlashes: (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/"),
  dotnet: (s) =>
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[+<>&'`]/g, (c) => hex(c.charCodeAt(0), true)),
  gson: (s) =>
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[<>&=']/g, (c) => hex(c.charCodeAt(0), false)),
};

const BREAKS = ["\n", "\r\n", "\n    ", "\n\t", "\\n", "\\r\\n"];

/** A secret as a service may echo it: encoded by some encoder, maybe split by a line break. */
const spelledSecret = fc
  .record({
    secret: secretArbitrary,
    encoder: fc.constantFrom(...Object.keys(ENCODERS)),
    split: fc.option(
      fc.record({ at: fc.double({ min: 0.05, max: 0.95, noNaN: true }), by: fc.constantFrom(...BREAKS) }),
    ),
  })
  .map(({ secret, encoder, split }) => {
    const encoded = ENCODERS[encoder]!(secret);
    if (!split) return { secret, spelled: encoded };
    // Split between two characters of the value, never inside an escape.
    const at = Math.max(1, Math.floor(secret.length * split.at));
    const spelled = `${ENCODERS[encoder]!(secret.slice(0, at))}${split.by}${ENCODERS[encoder]!(secret.slice(at))}`;
    return { secret, spelled };
  });

/** What may stand around a secret: prose, JSON, URLs, and the runs the finders loop over. */
const surroundings = fc.array(
  fc.constantFrom(
    " ",
    "the service said ",
    '{"error":{"code":"x","message":"',
    '"}}',
    "?api-version=1&x=",
    "&",
    "=",
    ":",
    "\n",
    "\\",
    "%",
    "eyJ",
    "api-key: ",
    "Bearer ",
    "<AccountKey>",
    "</AccountKey>",
    "http://u:",
    "@h/",
    "a",
    "0",
    "+",
  ),
  { maxLength: 6 },
);

describe("property: redaction", function () {
  this.timeout(120_000);

  it("never returns a known secret, in the spelling it was given or as it is", () => {
    fc.assert(
      fc.property(spelledSecret, surroundings, surroundings, ({ secret, spelled }, before, after) => {
        const text = `${before.join("")}${spelled}${after.join("")}`;
        const cleaned = redact(text, [secret]);
        assert.ok(!cleaned.includes(secret), `${secret} left in ${JSON.stringify(cleaned)}`);
        assert.ok(!cleaned.includes(spelled), `${spelled} left in ${JSON.stringify(cleaned)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("never returns a known secret's base64, at any alignment in a longer encoded text", () => {
    fc.assert(
      fc.property(
        secretArbitrary,
        fc.uint8Array({ maxLength: 5 }),
        fc.uint8Array({ maxLength: 5 }),
        fc.constantFrom("base64", "base64url") as fc.Arbitrary<"base64" | "base64url">,
        (secret, before, after, alphabet) => {
          const bytes = Buffer.concat([before, Buffer.from(secret), after]);
          const cleaned = redact(`echo ${bytes.toString(alphabet)} done`, [secret]);
          // What the secret's bytes alone decide: the encoding without the first and last group.
          const alone = Buffer.from(secret).toString(alphabet).replace(/=+$/, "").slice(4, -4);
          assert.ok(!cleaned.includes(alone), `${alone} left in ${cleaned}`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never throws and always returns a string, whatever the text, the secrets and the bound", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.array(
          fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.anything() as fc.Arbitrary<string>),
          {
            maxLength: 4,
          },
        ),
        fc.option(fc.integer({ min: -5, max: 400 })),
        (text, secrets, maxLength) => {
          const cleaned = redact(text, secrets, maxLength === null ? undefined : { maxLength });
          assert.equal(typeof cleaned, "string");
          for (const secret of secrets) {
            if (typeof secret === "string" && secret.length >= 8 && cleaned !== WITHHELD) {
              assert.ok(!cleaned.includes(secret));
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("never fails open at the bound: what is kept holds no secret and says what was cut", () => {
    fc.assert(
      fc.property(
        spelledSecret,
        fc.nat(200),
        fc.integer({ min: 1, max: 260 }),
        ({ secret, spelled }, pad, maxLength) => {
          const text = `${"x ".repeat(pad)}${spelled} ${"y".repeat(50)}`;
          const cleaned = redact(text, [secret], { maxLength });
          assert.ok(!cleaned.includes(secret) && !cleaned.includes(spelled), cleaned);
          if (text.length > maxLength) assert.match(cleaned, /characters withheld: too long to redact\]$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is safe to run again: a second pass only removes, and a third changes nothing", () => {
    fc.assert(
      fc.property(spelledSecret, surroundings, surroundings, ({ secret, spelled }, before, after) => {
        const once = redact(`${before.join("")}${spelled}${after.join("")}`, [secret]);
        const twice = redact(once, [secret]);
        assert.ok(twice.length <= once.length, `${JSON.stringify(once)} grew to ${JSON.stringify(twice)}`);
        assert.equal(redact(twice, [secret]), twice);
      }),
      { numRuns: 2000 },
    );
  });

  it("a text that stands as a JSON string in a clean text is clean: the signals' shortcut for a service's message", () => {
    // The pieces a finder may start, end or cross at a boundary: names, separators, quotes, schemes.
    const piece = fc.constantFrom(
      "api-key",
      "API_KEY",
      "x-",
      "sig",
      "AccountKey",
      "Bearer",
      "SharedKey",
      "eyJ",
      "abcdefgh",
      "a.b",
      "0123456789",
      ":",
      "=",
      " ",
      "\t",
      "'",
      "%3A",
      "%3d",
      "<",
      ">",
      "</AccountKey>",
      "@",
      "://",
      "&",
      ",",
      "}",
      "-",
      "_",
    );
    const plain = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));
    const around = fc.array(fc.oneof(piece, fc.constantFrom('"', "\\", '\\"', "\n", "{", '":"')), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(around, plain, around, secretArbitrary, (before, text, after, secret) => {
        const whole = `${before.join("")}"${text}"${after.join("")}`;
        if (redact(whole, [secret]) !== whole) return;
        assert.equal(redact(text, [secret]), text, `clean in ${JSON.stringify(whole)}`);
      }),
      { numRuns: 20_000 },
    );
  });

  it("a token of letters, digits and dashes is changed by redact() exactly when it holds a known value: the evidence's shortcut", () => {
    // Table names, scheme names and the start of a JWT, which in a token stand with no separator after them.
    const piece = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9-]{0,12}$/),
      fc.constantFrom("api-key", "sig", "AccountKey", "Bearer", "SharedKey", "eyJ", "J", "-"),
    );
    const base64Of = (secret: string, offset: number): string =>
      Buffer.from(`${"xy".slice(0, offset)}${secret}`, "utf8").toString(
        offset === 1 ? "base64url" : "base64",
      );
    const token = fc
      .tuple(
        fc.array(piece, { maxLength: 4 }),
        fc.option(fc.integer({ min: 0, max: 3 })),
        fc.array(piece, { maxLength: 4 }),
      )
      .map(([before, form, after]) => ({ before: before.join(""), form, after: after.join("") }));
    fc.assert(
      fc.property(fc.array(secretArbitrary, { maxLength: 3 }), token, (secrets, { before, form, after }) => {
        const secret = secrets[0];
        const middle =
          secret === undefined || form === null ? "" : form === 0 ? secret : base64Of(secret, form - 1);
        const text = `${before}${middle}${after}`;
        if (!/^[A-Za-z0-9-]*$/.test(text)) return;
        const prepared = prepareSecrets(secrets);
        assert.equal(holdsKnownValue(text, prepared), redact(text, prepared) !== text, JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it("redactValue() of any JSON value never throws and leaves no known secret", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), secretArbitrary, (value, secret) => {
        const withSecret = { value, echoed: `key ${secret}`, nested: [{ message: secret }] };
        const copy = JSON.stringify(redactValue(withSecret, [secret]));
        assert.ok(!copy.includes(JSON.stringify(secret).slice(1, -1)), copy);
        assert.ok(copy.includes(REDACTED));
      }),
      { numRuns: 500 },
    );
  });
});

/** Runs the finders loop over, and the prefixes they need, repeated to any length. */
const STRESS_UNITS = [
  "-eyJ",
  "eyJaaaaa.",
  "a.",
  " ://@",
  "://a:",
  "key=",
  "api-key ",
  "api-key:",
  "api-key=",
  "sig=a&",
  "bearer ",
  "Bearer aaaaaaaa",
  "SharedKey a",
  "AccountKey = ",
  "<AccountKey>",
  "<a ",
  "%3D",
  "%3",
  "\\u003d",
  '\\"',
  '"',
  "\\",
  "\n ",
  "A0+/",
  "0123456789abcdef",
  "x",
];

/**
 * The CPU time redact() takes on each of two texts, the least of five tries taken in turn: CPU time
 * rather than the clock, the least rather than one, and in turn so that a busy machine slows both
 * alike.
 */
function costs(small: string, large: string, secrets: readonly string[]): [number, number] {
  const least = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let i = 0; i < 5; i++) {
    [small, large].forEach((text, which) => {
      const start = process.cpuUsage();
      redact(text, secrets);
      const used = process.cpuUsage(start);
      least[which] = Math.min(least[which]!, used.user + used.system);
    });
  }
  return [Math.max(least[0]!, 1), least[1]!];
}

describe("property: redaction takes time linear in the text, whatever it holds", function () {
  this.timeout(300_000);

  it("ten times the text costs at most forty times the time (a quadratic step would cost a hundred)", () => {
    // The secret's halves are among the units, so the spellings search finds many candidates too.
    const secrets = ["0123456789abcdefghij", "c2lnbmF0dXJl+/="];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STRESS_UNITS), { minLength: 1, maxLength: 3 }), (units) => {
        const unit = units.join("");
        const small = unit.repeat(Math.ceil(200_000 / unit.length));
        const large = unit.repeat(Math.ceil(2_000_000 / unit.length));
        const [smallCost, largeCost] = costs(small, large, secrets);
        const ratio = largeCost / smallCost;
        assert.ok(ratio <= 40, `${JSON.stringify(unit)}: 10x the text cost ${ratio.toFixed(1)}x`);
      }),
      { numRuns: 30 },
    );
  });
});
