/**
 * Every error code the package itself throws, in one place: like a Node.js error code, a code is a
 * contract (match on it), while the message may change.
 */

/** The policy refused to send a request that carries credentials over plain HTTP to another machine. */
export const INSECURE_REQUEST_REFUSED = "InsecureRequestRefused";

/** The policy's preflight failed for the request's origin, so the request was not sent. */
export const PREFLIGHT_FAILED = "PreflightFailed";
