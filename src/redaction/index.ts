export {
  carriesCredentials,
  credentialsOf,
  proxyCredentials,
  type RequestCredentials,
} from "./credentials.js";
export { isSecretName, NameUse } from "./names.js";
export { REDACTED } from "./ranges.js";
export {
  holdsKnownValue,
  MAX_REDACTED_LENGTH,
  prepareSecrets,
  redact,
  WITHHELD,
  type PreparedSecrets,
  type RedactOptions,
} from "./redact.js";
export { CIRCULAR, redactValue, VALUE_WITHHELD, type RedactValueOptions } from "./value.js";
