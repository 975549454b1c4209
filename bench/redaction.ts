/**
 * What redact() costs: on plain and adversarial bodies of 64 KB, 1 MB and 10 MB read in full (ns
 * per character, and ms), on 10 MB with the default bound (what a caller pays), and per call on the
 * short texts diagnose() redacts (the bench corpus's messages and body excerpts). Times are CPU
 * time, the least of several runs, so that other work on the machine counts as little as it can.
 * Run with `node --expose-gc --import tsx bench/redaction.ts`.
 */
import { redact, type RedactOptions } from "../src/redaction/index.js";
import { buildCorpus } from "./corpus.js";

/** What the policy passes: the request's api-key and a SAS signature from its URL. */
const SECRETS = ["bench-admin-key-0123456789ABCDEFGHIJKLMNOPQRSTU", "c2lnbmF0dXJlYmFzZTY0c2ln+/=="];

const SIZES = [
  { label: "64 KB", length: 64 * 1024, runs: 40 },
  { label: "1 MB", length: 1024 * 1024, runs: 9 },
  { label: "10 MB", length: 10 * 1024 * 1024, runs: 3 },
];

/** Bodies by name: a unit repeated to the size. */
const BODIES: Record<string, { kind: "plain" | "adversarial"; unit: string }> = {
  "JSON error envelope": {
    kind: "plain",
    unit: '{"error":{"code":"OperationNotAllowed","message":"The request is not allowed in this state."}}\n',
  },
  "HTML proxy page": { kind: "plain", unit: "<p>The proxy refused the connection to the host.</p>\n" },
  "one letter": { kind: "plain", unit: "a" },
  "-eyJ (JWT starts)": { kind: "adversarial", unit: "-eyJ" },
  "a.a.a. ://@ (URL parts)": { kind: "adversarial", unit: "a.a.a. ://@" },
  "key=key= (separators)": { kind: "adversarial", unit: "key=" },
  "sig=a& (a secret every 6 characters)": { kind: "adversarial", unit: "sig=a&" },
  "Bearer tokens": { kind: "adversarial", unit: "Bearer aaaaaaaa " },
  "api-key and blanks": { kind: "adversarial", unit: "api-key        " },
  "base64 run": { kind: "adversarial", unit: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY+/" },
  "escaped separators": { kind: "adversarial", unit: "sig%3D\\u003d%3A" },
  "XML key elements": { kind: "adversarial", unit: "<AccountKey>" },
  "secret halves and breaks": { kind: "adversarial", unit: "bench-admin-key-01\n  c2lnbmF0dXJl%2B" },
};

const IN_FULL: RedactOptions = { maxLength: Number.POSITIVE_INFINITY };

/** The least CPU time, in ms, of `runs` calls. */
function leastMs(text: string, runs: number, options?: RedactOptions): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    redact(text, SECRETS, options);
    const used = process.cpuUsage(start);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

const pad = (text: string, width: number): string => text.padEnd(width);

const header = [...SIZES.map((size) => `${size.label} in full`), "10 MB, default bound"];
console.log(`${pad("body", 44)}${header.map((label) => pad(label, 24)).join("")}`);
for (const [name, { kind, unit }] of Object.entries(BODIES)) {
  const cells: string[] = [];
  for (const size of SIZES) {
    const text = unit.repeat(Math.ceil(size.length / unit.length)).slice(0, size.length);
    leastMs(text, 1, IN_FULL);
    const ms = leastMs(text, size.runs, IN_FULL);
    cells.push(pad(`${((ms * 1e6) / size.length).toFixed(1)} ns/ch ${ms.toFixed(2)} ms`, 24));
    if (size === SIZES.at(-1)) cells.push(`${leastMs(text, size.runs).toFixed(2)} ms`);
    (globalThis as { gc?: () => void }).gc?.();
  }
  console.log(`${pad(`${name} (${kind})`, 44)}${cells.join("")}`);
}

// The short texts: each corpus failure's message and the start of its body, as diagnose() bounds them.
const texts: string[] = [];
for (const entry of buildCorpus()) {
  const error = entry.error as { message?: unknown; response?: { bodyAsText?: unknown } } | null;
  if (typeof error?.message === "string") texts.push(error.message.slice(0, 4096));
  const body = error?.response?.bodyAsText;
  if (typeof body === "string" && body !== "") texts.push(body.slice(0, 1024));
}
const rounds = 2000;
let kept = 0;
for (let i = 0; i < 200; i++) for (const text of texts) kept += redact(text, SECRETS.slice(0, 1)).length;
let least = Number.POSITIVE_INFINITY;
for (let round = 0; round < 7; round++) {
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) for (const text of texts) kept += redact(text, SECRETS.slice(0, 1)).length;
  const used = process.cpuUsage(start);
  least = Math.min(least, ((used.user + used.system) * 1000) / (rounds * texts.length));
}
const mean = Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length);
console.log(
  `\nshort texts (${texts.length} from the bench corpus, ${mean} characters on average, one known secret): ${least.toFixed(0)} ns per call`,
);
if (kept === 0) console.log("(nothing kept)");
