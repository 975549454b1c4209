import { fileURLToPath } from "node:url";

/** The directory of this module, to find the package's own files from (ESM build; see here-cjs.cts). */
// tshy also compiles this file as CommonJS, where import.meta is an error, then puts here-cjs.cts in its place.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore
export const here = fileURLToPath(new URL(".", import.meta.url));
