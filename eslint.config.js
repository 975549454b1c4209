// @ts-check
import { globSync } from "node:fs";
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** ESM modules with a tshy CommonJS polyfill beside them (`name-cjs.cts` for `name.ts`). */
const polyfilled = globSync("src/**/*-cjs.cts").map((file) => file.replace(/-cjs\.cts$/, ".ts"));

export default defineConfig(
  globalIgnores(["dist/", "node_modules/", ".tshy/", ".tshy-build/", "temp/", "bench/results/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
    },
    rules: {
      // The house style: type-only imports say so, which keeps the ESM and CommonJS builds free of cycles.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // A leading underscore marks a parameter a signature requires but the body does not use.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },
  {
    // tshy also compiles these as CommonJS before swapping in the polyfill, where ESM-only syntax such as
    // import.meta fails; @ts-expect-error cannot work as the ESM build has no error to expect.
    files: polyfilled,
    rules: {
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-ignore": "allow-with-description" }],
    },
  },
);
