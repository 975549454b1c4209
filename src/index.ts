export { catalog, type CauseId } from "./catalog/index.js";
export { diagnose, type DiagnoseOptions } from "./diagnose.js";
export {
  diagnosisPolicy,
  diagnosisPolicyName,
  type DiagnosisPolicyOptions,
} from "./policy/diagnosisPolicy.js";
export { addDiagnosisPolicy } from "./policy/attach.js";
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
export type {
  CredentialKind,
  Diagnosis,
  DiagnosisCategory,
  DiagnosisConfidence,
  DiagnosisEvidence,
  DiagnosisRule,
  FailureSignals,
  OperationKind,
  RuleMatch,
  ServiceId,
} from "./types.js";
export { recordDiagnosis, type DiagnosisSpan } from "./telemetry/record.js";
