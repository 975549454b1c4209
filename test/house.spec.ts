import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { backwardImports, importCircles, importGraph, stepOf } from "../scripts/imports.js";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

describe("the house: imports follow the flow of a failure", () => {
  const graph = importGraph(SRC);

  it("reads the whole of src/", () => {
    assert.ok(graph.size > 40, `${graph.size} files`);
    assert.ok((graph.get("policy/diagnosisPolicy.ts") ?? []).includes("diagnose.ts"));
  });

  it("has no import circle, type imports included", () => {
    assert.deepEqual(
      importCircles(graph).map((circle) => circle.join(" -> ")),
      [],
    );
  });

  it("places every file in one step of the flow, and no module imports from a later step", () => {
    assert.deepEqual(
      [...graph.keys()].filter((file) => stepOf(file) < 0),
      [],
    );
    assert.deepEqual(backwardImports(graph), []);
  });

  it("keeps types.ts a leaf", () => {
    assert.deepEqual(graph.get("types.ts"), []);
  });

  it("finds a circle and a backward import when there is one", () => {
    const broken = new Map([
      ["types.ts", ["diagnose.ts"]],
      ["diagnose.ts", ["catalog/index.ts"]],
      ["catalog/index.ts", ["types.ts"]],
    ]);
    assert.deepEqual(importCircles(broken), [["catalog/index.ts", "types.ts", "diagnose.ts"]]);
    assert.deepEqual(backwardImports(broken), ["types.ts -> diagnose.ts"]);
  });
});
