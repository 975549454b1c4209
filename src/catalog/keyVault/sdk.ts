import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { mentions } from "../match.js";

/** Errors the Key Vault clients make themselves, with no status. */
export const keyVaultSdkRules = forService("keyVault", [
  rule({
    cause: "keyVaultChallengeMismatch",
    category: "configuration",
    statuses: [null],
    signal: "Error `The challenge resource '...' does not match the requested domain`",
    summary:
      "The client refused to send a token: the vault's authentication challenge names another resource than the vault URL's domain, as happens with a mistyped or non-Key Vault URL, a proxy or gateway in front of the vault, or a local emulator.",
    remediation: [
      "Check the vault URL: it must be https://<vault>.vault.azure.net (or the sovereign cloud's domain), copied from the vault's Overview page.",
      "Only for a vault you reach through a host of your own (an emulator, a gateway you trust), set disableChallengeResourceVerification: true in the client options.",
    ],
    docs: [DOCS.keyVaultUri, DOCS.keyVaultTroubleshooting],
    match: (s) => s.status === undefined && mentions(s, "does not match the requested domain"),
  }),
  rule({
    cause: "keyVaultEmptyErrorResponse",
    category: "sdk",
    statuses: [null],
    signal: "TypeError `Cannot read properties of undefined (reading 'error')` from @azure/keyvault-*",
    summary:
      "The Key Vault client turned an error response with an empty body (a 502 or 503 from a gateway, say) into a TypeError, hiding the status.",
    remediation: [
      "With diagnosisPolicy() on the client, read the warning it logged for that response (AZURE_LOG_LEVEL=warning): it names the status and its cause.",
      "Set AZURE_LOG_LEVEL=info to see the status of each response in the SDK's own log.",
    ],
    docs: [DOCS.keyVaultTroubleshooting, DOCS.sdkLogging],
    confidence: "inferred",
    match: (s) => s.status === undefined && s.errorName === "TypeError" && mentions(s, "reading 'error'"),
  }),
]);
