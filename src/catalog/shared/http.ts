import { rule } from "../define.js";
import { DOCS } from "../docs.js";
import { anyOf, mentions } from "../match.js";

/** What the SDK says when it refuses to send a credential over plain HTTP. */
const INSECURE_TEXTS = anyOf("while allowinsecureconnection is false", "not permitted for non-tls protected");

/** Requests that went, or would have gone, over plain HTTP. */
export const httpRules = [
  rule({
    cause: "httpNotHttps",
    category: "configuration",
    statuses: [null, 502],
    signal: "`allowInsecureConnection is false`, `non-TLS protected (non-https) URLs`, 502 on http://",
    summary:
      "The endpoint is an http:// URL: Azure services accept only HTTPS, and sending a key or token over plain HTTP exposes it to anyone on the path.",
    remediation: [
      "Change the endpoint to the service's https:// URL from the Azure portal.",
      "Remove allowInsecureConnection from the client options; it exists for local test servers only.",
      "If a key was already sent over http://, regenerate it in the portal, since it may have been read on the way.",
    ],
    docs: [DOCS.nodeEnterpriseNetwork],
    match: (s) =>
      (s.status === undefined && mentions(s, INSECURE_TEXTS)) || (s.status === 502 && s.scheme === "http"),
  }),
];
