import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { catalog } from "../src/index.js";
import type { DiagnosisRule } from "../src/index.js";
import {
  END_MARKER,
  README_PATH,
  START_MARKER,
  guideSections,
  renderTroubleshootingGuide,
  renderTroubleshootingTable,
  withTroubleshootingTable,
} from "../scripts/docs.js";

/** Splits a Markdown table row into cells, honouring `\|` escapes. */
function cellsOf(row: string): string[] {
  return row
    .replace(/^\|\s?/, "")
    .replace(/\s?\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

describe("README troubleshooting guide", () => {
  it("is the table the catalog generates (run `npm run docs` after changing the catalog)", async () => {
    const readme = await readFile(README_PATH, "utf8");
    assert.equal(
      withTroubleshootingTable(readme),
      readme,
      "README.md's troubleshooting guide differs from src/catalog: run `npm run docs` and commit README.md",
    );
  });

  it("has one row per cause, in catalog order, each with five cells and a docs link", () => {
    const rows = renderTroubleshootingTable().split("\n").slice(2);
    assert.equal(rows.length, catalog.length);
    rows.forEach((row, index) => {
      const cells = cellsOf(row);
      assert.equal(cells.length, 5, row);
      assert.ok(cells[0]?.startsWith(`\`${catalog[index]?.cause}\``), row);
      assert.equal(cells[1], catalog[index]?.category);
      for (const url of catalog[index]?.docs ?? []) assert.ok(cells[4]?.includes(`](${url})`), url);
    });
  });

  it("groups the causes by service: every client's first, each cause once, in catalog order", () => {
    const sections = guideSections();
    assert.equal(sections[0]?.heading, "Every client");
    assert.ok(sections.some((section) => section.heading === "Azure AI Search"));
    const listed = sections.flatMap((section) => section.rules.map((rule) => rule.cause));
    assert.deepEqual([...listed].sort(), catalog.map((rule) => rule.cause).sort());
    for (const section of sections) {
      const order = section.rules.map((rule) => catalog.findIndex((entry) => entry.cause === rule.cause));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        section.heading,
      );
      for (const rule of section.rules) {
        assert.equal(rule.services === undefined, section.heading === "Every client", rule.cause);
      }
    }
    const guide = renderTroubleshootingGuide();
    for (const section of sections) assert.ok(guide.includes(`### ${section.heading}\n`), section.heading);
  });

  it("keeps a rule's pipes, newlines and angle brackets inside its own cell", () => {
    const rule: DiagnosisRule = {
      cause: "customPipes",
      category: "request",
      signal: "`a | b` or c | d",
      summary: "Line one\nline two <b>not html</b>.",
      remediation: ["Run `npx azure-sdk-doctor <endpoint>`.", "Then x | y."],
      docs: ["https://example.invalid/docs/page.html#part"],
      match: () => false,
    };
    const [, , row] = renderTroubleshootingTable([rule]).split("\n");
    assert.ok(row);
    assert.ok(!row.includes("\n"));
    const cells = cellsOf(row);
    assert.equal(cells.length, 5, row);
    assert.equal(cells[0], "`customPipes`<br>Line one<br>line two &lt;b&gt;not html&lt;/b&gt;.");
    assert.equal(cells[2], "`a \\| b` or c \\| d");
    assert.equal(cells[3], "1. Run `npx azure-sdk-doctor <endpoint>`.<br>2. Then x \\| y.");
    assert.equal(cells[4], "[docs/page#part](https://example.invalid/docs/page.html#part)");
  });

  it("replaces only the text between the markers, and refuses a README without them", () => {
    const readme = `# Title\n\nBefore.\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nAfter.\n`;
    const updated = withTroubleshootingTable(readme, "| new |");
    assert.ok(updated.startsWith("# Title\n\nBefore.\n\n"));
    assert.ok(updated.endsWith(`| new |\n<!-- prettier-ignore-end -->\n${END_MARKER}\n\nAfter.\n`));
    assert.ok(!updated.includes("old table"));
    assert.equal(withTroubleshootingTable(updated, "| new |"), updated);
    assert.throws(() => withTroubleshootingTable("# No markers\n"), /troubleshooting:start/);
  });
});
