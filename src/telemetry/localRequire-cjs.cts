/** Node's require, resolving from this module (CommonJS build of localRequire.ts). */
export const localRequire: NodeJS.Require = require;
