import { fileURLToPath } from "node:url";

/** The directory of this module, to find the package's own files from (ESM build; see here-cjs.cts). */
// @ts-ignore -- tshy also compiles this file as CommonJS, where import.meta is an error, then puts here-cjs.cts in its place.
export const here = fileURLToPath(new URL(".", import.meta.url));
