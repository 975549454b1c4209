/**
 * Writes the README's troubleshooting guide from the catalog, so the table and the text the library
 * prints come from one source. `npm run docs` updates README.md; test/docs.spec.ts fails when it is stale.
 *
 * The remediation of some causes depends on the running Node.js (which trust-store switches it has), so
 * generate with the Node.js the npm scripts use.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { catalog } from "../src/catalog/index.js";
import { SERVICES } from "../src/services.js";
import type { DiagnosisRule, ServiceId } from "../src/types.js";

/** Marks the start of the generated section in README.md. */
export const START_MARKER = "<!-- troubleshooting:start -->";
/** Marks the end of the generated section in README.md. */
export const END_MARKER = "<!-- troubleshooting:end -->";

/** The README this script maintains. */
export const README_PATH = fileURLToPath(new URL("../README.md", import.meta.url));

/**
 * Makes a text safe inside one table cell: pipes escaped, newlines as `<br>`, and angle brackets outside
 * code spans as entities so `https://<service>...` is not read as an HTML tag.
 *
 * @param text - the raw catalog text.
 */
export function cell(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

/**
 * A short link text for a documentation URL: its last path segment, with the one before it when the
 * last alone says little (`api/cli`, `identity/troubleshoot`).
 *
 * @param url - an https documentation link.
 */
export function linkLabel(url: string): string {
  const { pathname, hash } = new URL(url);
  const segments = pathname
    .split("/")
    .filter(Boolean)
    .map((segment) => segment.replace(/\.html?$/, ""));
  const last = segments.at(-1) ?? new URL(url).hostname;
  const label = last.length < 14 && segments.length > 1 ? `${segments.at(-2)}/${last}` : last;
  return `${label}${hash}`;
}

/**
 * The troubleshooting table: one row per rule, in the order the rules are tried.
 *
 * @param rules - the rules to document; the built-in catalog by default.
 */
export function renderTroubleshootingTable(rules: readonly DiagnosisRule[] = catalog): string {
  const rows = rules.map((rule) => {
    const what = rule.remediation.map((step, index) => `${index + 1}. ${step}`).join("\n");
    const docs = rule.docs.map((url) => `[${linkLabel(url)}](${url})`).join("\n");
    return [`\`${rule.cause}\`\n${rule.summary}`, rule.category, rule.signal, what, docs].map(cell);
  });
  const lines = [
    "| Cause | Category | Signal | What to do | Docs |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  return lines.join("\n");
}

/** One section of the guide: a heading, and the causes it holds in the order they are tried. */
export interface GuideSection {
  heading: string;
  rules: readonly DiagnosisRule[];
}

/**
 * The catalog grouped as the guide shows it: the causes every client can meet first, then one section
 * per service with the causes that speak for it alone; sections without a cause are left out.
 *
 * @param rules - the rules to group; the built-in catalog by default.
 */
export function guideSections(rules: readonly DiagnosisRule[] = catalog): GuideSection[] {
  const everyClient = rules.filter((rule) => !rule.services);
  const byService = (Object.keys(SERVICES) as ServiceId[]).map((id) => ({
    heading: SERVICES[id].name,
    rules: rules.filter((rule) => rule.services?.includes(id)),
  }));
  return [{ heading: "Every client", rules: everyClient }, ...byService].filter((s) => s.rules.length > 0);
}

/**
 * The troubleshooting guide: a table per section of {@link guideSections}.
 *
 * @param rules - the rules to document; the built-in catalog by default.
 */
export function renderTroubleshootingGuide(rules: readonly DiagnosisRule[] = catalog): string {
  return guideSections(rules)
    .map((section) => `### ${section.heading}\n\n${renderTroubleshootingTable(section.rules)}`)
    .join("\n\n");
}

/**
 * The README with its generated section replaced by the current guide. Throws when the markers are
 * missing or out of order, rather than appending a second copy somewhere.
 *
 * @param readme - the README's text.
 * @param table - the guide to put between the markers.
 */
export function withTroubleshootingTable(
  readme: string,
  table: string = renderTroubleshootingGuide(),
): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${START_MARKER} followed by ${END_MARKER}.`);
  }
  // Prettier would pad every cell to the widest one, so the generated text is kept out of its reach.
  const generated = [
    START_MARKER,
    "<!-- Generated from src/catalog by `npm run docs`; edit the catalog, not this table. -->",
    "<!-- prettier-ignore-start -->",
    table,
    "<!-- prettier-ignore-end -->",
    "",
  ].join("\n");
  return readme.slice(0, start) + generated + readme.slice(end);
}

async function main(): Promise<void> {
  const readme = await readFile(README_PATH, "utf8");
  const updated = withTroubleshootingTable(readme);
  if (updated === readme) {
    console.log("README.md troubleshooting guide is up to date.");
    return;
  }
  await writeFile(README_PATH, updated);
  console.log(`README.md troubleshooting guide updated: ${catalog.length} causes.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
