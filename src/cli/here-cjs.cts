/** The directory of this module, to find the package's own files from (CommonJS build of here.ts). */
export const here = __dirname;
