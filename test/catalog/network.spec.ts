import { RESET_CODES, TIMEOUT_CODES } from "../../src/catalog/shared/network.js";
import { describeDomain, systemError } from "./tester.js";

describeDomain("network (every client)", {
  causes: {
    dnsNotFound: {
      fits: [
        { thrown: systemError("ENOTFOUND", "getaddrinfo ENOTFOUND contoso.search.windows.net") },
        { thrown: systemError("ENOTFOUND"), service: "storage" },
      ],
      doesNotFit: [
        { thrown: systemError("EAI_AGAIN", "getaddrinfo EAI_AGAIN contoso.search.windows.net") },
        { service: "search", status: 404, body: '{"error":{"code":"","message":"ENOTFOUND"}}' },
      ],
    },
    dnsTemporaryFailure: {
      fits: [{ thrown: systemError("EAI_AGAIN", "getaddrinfo EAI_AGAIN contoso.vault.azure.net") }],
      doesNotFit: [{ thrown: systemError("ENOTFOUND") }],
    },
    connectionRefused: {
      fits: [
        { thrown: systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443") },
        { thrown: systemError("ECONNREFUSED"), service: "appConfiguration" },
      ],
      doesNotFit: [
        { thrown: systemError("ECONNRESET", "read ECONNRESET") },
        { thrown: new Error("connect ECONNREFUSED 127.0.0.1:443 (no code)") },
      ],
    },
    connectionReset: {
      fits: [
        ...[...RESET_CODES].map((code) => ({ thrown: systemError(code) })),
        { thrown: new Error("socket hang up") },
        {
          thrown: new Error(
            "Client network socket disconnected before secure TLS connection was established",
          ),
        },
        { thrown: systemError("PARSE_ERROR", "Error reading response as text: aborted"), service: "search" },
      ],
      doesNotFit: [
        { thrown: systemError("PARSE_ERROR", "Unexpected token < in JSON") },
        { service: "search", status: 500, body: '{"error":{"code":"","message":"socket hang up"}}' },
      ],
    },
    connectTimeout: {
      fits: [
        ...[...TIMEOUT_CODES].map((code) => ({ thrown: systemError(code) })),
        { thrown: systemError("ETIMEDOUT", "connect ETIMEDOUT 20.42.0.1:443"), service: "keyVault" },
      ],
      doesNotFit: [
        { thrown: Object.assign(new Error("The operation was aborted."), { name: "AbortError" }) },
        { thrown: systemError("ECONNREFUSED") },
      ],
    },
  },
});
