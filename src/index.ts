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
