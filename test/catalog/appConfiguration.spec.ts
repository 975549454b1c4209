import assert from "node:assert/strict";
import { RestError } from "@azure/core-rest-pipeline";
import { describeDomain, diagnosisOfCase, type Failure, type ResponseFailure } from "./tester.js";

/** An HMAC refusal: 401, an empty body, the reason in `WWW-Authenticate` only. */
const hmac401 = (description: string): ResponseFailure => ({
  service: "appConfiguration",
  status: 401,
  credential: "hmac",
  headers: {
    "www-authenticate": `HMAC-SHA256 error="invalid_token" error_description="${description}", Bearer`,
  },
});

/** A problem+json refusal, as the store sends its network and quota errors. */
const problem = (
  status: number,
  type: string,
  title: string,
  credential: ResponseFailure["credential"] = "bearer",
): ResponseFailure => ({
  service: "appConfiguration",
  status,
  credential,
  body: JSON.stringify({ type: `https://azconfig.io/errors/${type}`, title, status }),
  headers: { "content-type": "application/problem+json; charset=utf-8", "retry-after-ms": "10" },
});

/** The client's own error for a problem+json answer, after the pipeline: its deserializer keeps type and title. */
function clientProblem(status: number, type: string, title: string): Failure {
  const error = new RestError(`Unexpected status code: ${status}`, { statusCode: status });
  error.details = { type: `https://azconfig.io/errors/${type}`, title, status };
  return { thrown: error, service: "appConfiguration" };
}

const IP_REJECTED =
  "Access to this resource is governed by a network access policy. The client IP address fails to meet the criteria for access. See https://aka.ms/appconfig/network-access-errors for more information.";

describeDomain("Azure App Configuration", {
  causes: {
    appConfigSignatureInvalid: {
      fits: [hmac401("Invalid Signature"), hmac401("[Credential][SignedHeaders][Signature] is required")],
      doesNotFit: [hmac401("Invalid Credential")],
    },
    appConfigCredentialUnknown: {
      fits: [hmac401("Invalid Credential")],
      doesNotFit: [hmac401("Invalid Signature")],
    },
    appConfigClockSkew: {
      fits: [hmac401("The access token has expired"), hmac401("Invalid access token date")],
      doesNotFit: [{ ...hmac401("The access token has expired"), credential: "bearer" }],
    },
    appConfigTokenInvalid: {
      fits: [
        {
          service: "appConfiguration",
          status: 401,
          credential: "bearer",
          headers: {
            "www-authenticate":
              'HMAC-SHA256, Bearer error="invalid_token", error_description="Authorization token failed validation"',
          },
        },
        {
          service: "appConfiguration",
          status: 401,
          credential: "bearer",
          headers: {
            "www-authenticate":
              'Bearer error="invalid_token", error_description="The access token is from the wrong issuer"',
          },
        },
      ],
      doesNotFit: [hmac401("Invalid Signature")],
    },
    appConfigNetworkBlocked: {
      fits: [
        problem(403, "ip-address-rejected", IP_REJECTED),
        problem(403, "nsp-rejected", "Access to this resource is governed by a Network Security Perimeter."),
        clientProblem(403, "ip-address-rejected", IP_REJECTED),
      ],
      doesNotFit: [problem(403, "forbidden", "Forbidden")],
    },
    appConfigRoleMissing: {
      fits: [
        { service: "appConfiguration", status: 403, credential: "bearer" },
        // Outside the client's own empty-body policy, an empty body reads as "{}".
        { service: "appConfiguration", status: 403, credential: "bearer", body: "{}" },
      ],
      doesNotFit: [
        problem(403, "ip-address-rejected", IP_REJECTED),
        { service: "appConfiguration", status: 403, credential: "hmac", method: "GET" },
      ],
    },
    appConfigReadOnlyKey: {
      fits: [
        { service: "appConfiguration", status: 403, credential: "hmac", method: "PUT" },
        { service: "appConfiguration", status: 403, credential: "hmac", method: "DELETE", body: "{}" },
      ],
      doesNotFit: [
        { service: "appConfiguration", status: 403, credential: "hmac", method: "GET" },
        { service: "appConfiguration", status: 403, credential: "bearer", method: "PUT" },
      ],
    },
    appConfigThrottled: {
      fits: [
        problem(429, "too-many-requests", "Resource utilization has surpassed the assigned quota"),
        clientProblem(429, "too-many-requests", "Resource utilization has surpassed the assigned quota"),
      ],
      doesNotFit: [
        problem(403, "too-many-requests", "Resource utilization has surpassed the assigned quota"),
      ],
    },
    appConfigAudienceMissing: {
      fits: [
        {
          thrown: new RestError(
            "Unable to authenticate to Azure App Configuration. No authentication token audience was provided. Please set AppConfigurationClientOptions.audience to the appropriate audience for the target cloud.",
          ),
          service: "appConfiguration",
        },
        {
          thrown: new RestError(
            "Unable to authenticate to Azure App Configuration. An incorrect token audience was provided. Please set AppConfigurationClientOptions.audience to the appropriate audience for the target cloud.",
          ),
          service: "appConfiguration",
        },
      ],
      doesNotFit: [
        {
          thrown: new RestError("Unable to authenticate to Azure App Configuration.", { statusCode: 401 }),
          service: "appConfiguration",
        },
        { thrown: new RestError("Unable to authenticate to Azure App Configuration."), service: "storage" },
      ],
    },
  },
});

describe("catalog: Azure App Configuration details", () => {
  it("quotes the challenge's reason, and never the signature the request carried", () => {
    const diagnosis = diagnosisOfCase(hmac401("Invalid Signature"));
    assert.equal(diagnosis?.detail, 'App Configuration said: "Invalid Signature".');
    assert.equal(diagnosis?.evidence.credential, "hmac");
  });

  it("names the problem type of a network refusal and the wait of a throttled one", () => {
    assert.equal(
      diagnosisOfCase(problem(403, "nsp-rejected", "NSP"))?.detail,
      "App Configuration answered nsp-rejected.",
    );
    assert.equal(
      diagnosisOfCase(problem(429, "too-many-requests", "quota"))?.detail,
      "App Configuration asked to retry after 0.01 s.",
    );
  });

  it("tells whether the audience option was missing or wrong", () => {
    const missing = diagnosisOfCase({
      thrown: new RestError(
        "Unable to authenticate to Azure App Configuration. No authentication token audience was provided.",
      ),
      service: "appConfiguration",
    });
    assert.equal(missing?.detail, "The audience option is not set.");
  });
});
