/**
 * The version of this package, as the meter reports it. A constant, as the Azure SDK packages keep
 * theirs: reading package.json would cost a file read on first use and differs between the ESM and
 * CommonJS builds. test/telemetry/attributes.spec.ts holds it to package.json.
 */
export const PACKAGE_VERSION = "0.1.0";
