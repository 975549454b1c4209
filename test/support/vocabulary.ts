/**
 * The public vocabulary as the README documents it, written out independently of src/ so that specs
 * catch a category or evidence field that appears without being documented.
 */
import type { DiagnosisCategory, DiagnosisEvidence } from "../../src/index.js";

export const DOCUMENTED_CATEGORIES: readonly DiagnosisCategory[] = [
  "authentication",
  "authorization",
  "tls",
  "network",
  "configuration",
  "encryptionKey",
  "quota",
  "throttling",
  "request",
  "service",
  "gateway",
  "sdk",
];

export const DOCUMENTED_EVIDENCE_KEYS: readonly (keyof DiagnosisEvidence)[] = [
  "status",
  "serviceCode",
  "nodeCode",
  "errorName",
  "requestId",
  "service",
  "method",
  "host",
  "operation",
  "credential",
];
