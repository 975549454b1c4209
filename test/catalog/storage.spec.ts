import assert from "node:assert/strict";
import { RestError } from "@azure/core-rest-pipeline";
import { CASE_KEY, describeDomain, diagnosisOfCase, type Failure, type ResponseFailure } from "./tester.js";

/** Storage's XML error body, with its `x-ms-error-code` header, as Blob and Queue send it. */
function xml(status: number, code: string, message: string, detail?: string): ResponseFailure {
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:6b1f0c2e-401e-0046-7a3b-0f3c2a000000\nTime:2026-11-28T10:00:00.0000000Z</Message>${detail === undefined ? "" : `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`}</Error>`;
  return {
    service: "storage",
    status,
    body,
    headers: { "content-type": "application/xml", "x-ms-error-code": code },
    credential: "sharedKey",
  };
}

/** The same failure to a HEAD request (getProperties, exists): no body, the code in the header only. */
const head = (failure: ResponseFailure): ResponseFailure => ({ ...failure, method: "HEAD", body: "" });

/** Data Lake's JSON envelope for the same code. */
const json = (status: number, code: string, message: string): ResponseFailure => ({
  service: "storage",
  status,
  body: JSON.stringify({ error: { code, message: `${message}\nRequestId:6b1f\nTime:2026-11-28T10:00:00Z` } }),
  headers: { "content-type": "application/json;charset=utf-8", "x-ms-error-code": code },
  credential: "bearer",
});

/** The RestError a Storage client throws without the policy, after core-client set its details. */
function thrown(status: number, code: string, message: string, authenticationErrorDetail?: string): Failure {
  const error = new RestError(message, { code, statusCode: status });
  error.details = { errorCode: code, authenticationErrorDetail };
  return { thrown: error, service: "storage" };
}

const MAC = `The MAC signature found in the HTTP request '${CASE_KEY}' is not the same as any computed signature. Server used following string to sign: 'GET\n\n\n\nx-ms-date:Sat, 28 Nov 2026 10:00:00 GMT'.`;
const TIME_WINDOW =
  "Signature not valid in the specified time frame: Start [Mon, 01 Jan 2024 00:00:00 GMT] - Expiry [Tue, 02 Jan 2024 00:00:00 GMT] - Current [Sat, 28 Nov 2026 10:00:00 GMT]";
const AUTHENTICATION_FAILED =
  "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.";
const NOT_AUTHORIZED = "This request is not authorized to perform this operation";

/** The fits of a code: its XML, HEAD, Data Lake and thrown shapes. */
const shapes = (status: number, code: string, message: string): Failure[] => [
  xml(status, code, message),
  head(xml(status, code, message)),
  json(status, code, message),
  thrown(status, code, message),
];

describeDomain("Azure Storage", {
  causes: {
    storageSasExpired: {
      fits: [
        { ...xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, TIME_WINDOW), credential: "sas" },
        xml(
          403,
          "AuthenticationFailed",
          AUTHENTICATION_FAILED,
          "Signed expiry time [Mon, 01 Jan 2024 00:00:00 GMT] has to be after signed start time [Tue, 02 Jan 2024 00:00:00 GMT]",
        ),
        xml(
          403,
          "AuthenticationFailed",
          AUTHENTICATION_FAILED,
          "Request date header too old: 'Sat, 28 Nov 2026 09:00:00 GMT'",
        ),
        thrown(403, "AuthenticationFailed", AUTHENTICATION_FAILED, TIME_WINDOW),
      ],
      doesNotFit: [
        xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, MAC),
        { ...head(xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED)), credential: "sas" },
      ],
    },
    storageAuthenticationFailed: {
      fits: [
        xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, MAC),
        xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, "SAS field 'sv' is not well formed."),
        head(xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED)),
        thrown(403, "AuthenticationFailed", AUTHENTICATION_FAILED, MAC),
      ],
      doesNotFit: [
        xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, TIME_WINDOW),
        xml(401, "AuthenticationFailed", AUTHENTICATION_FAILED, MAC),
      ],
    },
    storageSharedKeyDisabled: {
      fits: shapes(
        403,
        "KeyBasedAuthenticationNotPermitted",
        "Key based authentication is not permitted on this storage account.",
      ),
      doesNotFit: [xml(403, "AuthorizationFailure", `${NOT_AUTHORIZED}.`)],
    },
    storagePermissionMismatch: {
      fits: [
        ...shapes(403, "AuthorizationPermissionMismatch", `${NOT_AUTHORIZED} using this permission.`),
        {
          ...xml(403, "AuthorizationPermissionMismatch", `${NOT_AUTHORIZED} using this permission.`),
          credential: "sas",
        },
      ],
      doesNotFit: [
        xml(403, "AuthorizationFailure", `${NOT_AUTHORIZED}.`),
        xml(409, "AuthorizationPermissionMismatch", `${NOT_AUTHORIZED} using this permission.`),
      ],
    },
    storageNetworkRuleBlocked: {
      fits: shapes(403, "AuthorizationFailure", `${NOT_AUTHORIZED}.`),
      doesNotFit: [xml(403, "AuthorizationPermissionMismatch", `${NOT_AUTHORIZED} using this permission.`)],
    },
    storageSourceIpMismatch: {
      fits: shapes(
        403,
        "AuthorizationSourceIPMismatch",
        `${NOT_AUTHORIZED} using this source IP 203.0.113.7.`,
      ),
      doesNotFit: [xml(403, "AuthorizationProtocolMismatch", `${NOT_AUTHORIZED} using this protocol.`)],
    },
    storageProtocolMismatch: {
      fits: shapes(403, "AuthorizationProtocolMismatch", `${NOT_AUTHORIZED} using this protocol.`),
      doesNotFit: [xml(403, "AuthorizationServiceMismatch", `${NOT_AUTHORIZED} using this service.`)],
    },
    storageServiceMismatch: {
      fits: [
        ...shapes(403, "AuthorizationServiceMismatch", `${NOT_AUTHORIZED} using this service.`),
        xml(403, "AuthorizationResourceTypeMismatch", `${NOT_AUTHORIZED} using this resource type.`),
      ],
      doesNotFit: [xml(403, "AuthorizationProtocolMismatch", `${NOT_AUTHORIZED} using this protocol.`)],
    },
    storageTokenInvalid: {
      fits: [
        {
          ...xml(
            401,
            "InvalidAuthenticationInfo",
            "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.",
            "Audience validation failed. Audience did not match.",
          ),
          credential: "bearer",
        },
        head(xml(401, "InvalidAuthenticationInfo", "Server failed to authenticate the request.")),
      ],
      doesNotFit: [xml(403, "InvalidAuthenticationInfo", "Server failed to authenticate the request.")],
    },
    storageCredentialMissing: {
      fits: shapes(401, "NoAuthenticationInformation", "Server failed to authenticate the request."),
      doesNotFit: [xml(401, "InvalidAuthenticationInfo", "Server failed to authenticate the request.")],
    },
    storagePublicAccessNotPermitted: {
      fits: shapes(
        409,
        "PublicAccessNotPermitted",
        "Public access is not permitted on this storage account.",
      ),
      doesNotFit: [xml(409, "ContainerAlreadyExists", "The specified container already exists.")],
    },
    storageAccountDisabled: {
      fits: shapes(403, "AccountIsDisabled", "The specified account is disabled."),
      doesNotFit: [
        xml(
          403,
          "InsufficientAccountPermissions",
          "The account being accessed does not have sufficient permissions to execute this operation.",
        ),
      ],
    },
    storageAccountReadOnly: {
      fits: shapes(
        403,
        "InsufficientAccountPermissions",
        "The account being accessed does not have sufficient permissions to execute this operation.",
      ),
      doesNotFit: [xml(403, "AccountIsDisabled", "The specified account is disabled.")],
    },
    storageHttpsRequired: {
      fits: shapes(400, "AccountRequiresHttps", "The account being accessed does not support http."),
      doesNotFit: [
        xml(
          400,
          "InvalidQueryParameterValue",
          "Value for one of the query parameters specified in the request URI is invalid.",
        ),
      ],
    },
    storageContainerNotFound: {
      fits: [
        ...shapes(404, "ContainerNotFound", "The specified container does not exist."),
        xml(404, "QueueNotFound", "The specified queue does not exist."),
        xml(404, "ShareNotFound", "The specified share does not exist."),
      ],
      doesNotFit: [xml(404, "BlobNotFound", "The specified blob does not exist.")],
    },
    storageBlobNotFound: {
      fits: [
        ...shapes(404, "BlobNotFound", "The specified blob does not exist."),
        json(404, "PathNotFound", "The specified path does not exist."),
      ],
      doesNotFit: [
        xml(404, "ContainerNotFound", "The specified container does not exist."),
        xml(404, "ResourceNotFound", "The specified resource does not exist."),
      ],
    },
    storageServerBusy: {
      fits: [
        ...shapes(
          503,
          "ServerBusy",
          "The server is currently unable to receive requests. Please retry your request.",
        ),
        xml(503, "ServerBusy", "Ingress is over the account limit."),
        xml(500, "OperationTimedOut", "Operation could not be completed within the specified time."),
      ],
      doesNotFit: [
        xml(500, "InternalError", "The server encountered an internal error. Please retry the request."),
      ],
    },
  },
});

describe("catalog: Azure Storage details", () => {
  it("quotes what Storage said of a SAS's time window, and never the signature of a MAC mismatch", () => {
    const window = diagnosisOfCase({
      ...xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, TIME_WINDOW),
      credential: "sas",
    });
    assert.equal(window?.detail, `Storage said: ${TIME_WINDOW}`);
    const mac = diagnosisOfCase(xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED, MAC));
    assert.equal(mac?.cause, "storageAuthenticationFailed");
    assert.match(
      mac?.detail ?? "",
      /^Storage said: The MAC signature found in the HTTP request 'REDACTED' is not the same/,
    );
    assert.doesNotMatch(JSON.stringify(mac), new RegExp(CASE_KEY));
  });

  it("calls a HEAD AuthenticationFailed likely, with the SAS's time window as the alternative", () => {
    const diagnosis = diagnosisOfCase({
      ...head(xml(403, "AuthenticationFailed", AUTHENTICATION_FAILED)),
      credential: "sas",
    });
    assert.equal(diagnosis?.cause, "storageAuthenticationFailed");
    assert.equal(diagnosis?.confidence, "inferred");
    assert.deepEqual(diagnosis?.alternatives, ["storageSasExpired"]);
    assert.equal(diagnosis?.evidence.credential, "sas");
  });

  it("reads the credential a Storage request carried: a shared key, a SAS, a token", () => {
    const failure = xml(403, "AuthorizationPermissionMismatch", `${NOT_AUTHORIZED} using this permission.`);
    assert.equal(diagnosisOfCase(failure)?.evidence.credential, "sharedKey");
    const sas = diagnosisOfCase({ ...failure, credential: "sas" });
    assert.equal(sas?.evidence.credential, "sas");
    assert.equal(sas?.detail, "The request carried a SAS: its sp field lacks the permission.");
    assert.equal(diagnosisOfCase({ ...failure, credential: "bearer" })?.evidence.credential, "bearer");
  });
});
