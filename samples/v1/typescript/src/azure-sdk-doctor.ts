/**
 * Stands in for the published package inside this repository, so the samples run from source.
 * In your code, import from "azure-sdk-doctor" instead.
 */
export * from "../../../../src/index.js";
