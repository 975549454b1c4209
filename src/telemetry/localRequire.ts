import { createRequire } from "node:module";

/**
 * Node's require, resolving from this module (ESM build; see localRequire-cjs.cts). It loads an
 * optional package on first need, synchronously, from either build; a package's CommonJS and ESM
 * copies of `@opentelemetry/api` share one global registration, so either copy reaches the app's SDK.
 */
// @ts-ignore -- tshy also compiles this file as CommonJS, where import.meta is an error, then puts localRequire-cjs.cts in its place.
export const localRequire: NodeJS.Require = createRequire(import.meta.url);
