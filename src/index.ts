export { catalog } from "./catalog/index.js";
export {
  diagnose,
  type DiagnoseOptions,
  type CauseId,
  type CredentialKind,
  type Diagnosis,
  type DiagnosisCategory,
  type DiagnosisConfidence,
  type DiagnosisEvidence,
  type DiagnosisRule,
  type FailureSignals,
  type OperationKind,
  type RuleMatch,
} from "./diagnosis.js";
export { diagnosisPolicy, diagnosisPolicyName, type DiagnosisPolicyOptions } from "./policy.js";
export { preflight } from "./preflight/preflight.js";
export type {
  PreflightCertificate,
  PreflightCheck,
  PreflightCheckId,
  PreflightOptions,
  PreflightReport,
  PreflightStatus,
  PreflightTls,
} from "./preflight/types.js";
export { recordDiagnosis, type DiagnosisSpan } from "./telemetry/record.js";
