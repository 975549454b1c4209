import { forService, rule } from "../define.js";
import { DOCS } from "../docs.js";
import { mentions } from "../match.js";

/** Errors the App Configuration client makes itself, with no status. */
export const appConfigurationSdkRules = forService("appConfiguration", [
  rule({
    cause: "appConfigAudienceMissing",
    category: "configuration",
    statuses: [null],
    signal:
      "RestError `Unable to authenticate to Azure App Configuration. No authentication token audience was provided` (AADSTS500011)",
    summary:
      "The token was asked for an audience the tenant does not know: outside the public cloud, the client needs its audience option set to that cloud's App Configuration audience.",
    remediation: [
      "Set audience in the client options: https://azconfig.azure.us in Azure Government, https://azconfig.azure.cn in Azure China (the public cloud's is https://azconfig.io).",
    ],
    docs: [DOCS.appConfigAudience],
    match: (s) =>
      s.status === undefined && mentions(s, "unable to authenticate to azure app configuration")
        ? {
            detail: mentions(s, "incorrect token audience")
              ? "The audience option is set, to a value the tenant does not know."
              : "The audience option is not set.",
          }
        : false,
  }),
]);
