import { fileURLToPath } from "node:url";

/** The directory of this module, to find the package's own files from (ESM build; see here-cjs.cts). */
export const here = fileURLToPath(new URL(".", import.meta.url));
