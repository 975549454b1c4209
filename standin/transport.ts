/**
 * The one door to the loopback transport the stand-ins run on: certificates made at run time, HTTPS
 * servers, and the Search stand-in. Everything in standin/ imports them from here only, so that moving
 * the files they live in is a change of this module alone.
 */
export { createAuthority, type Authority } from "../test/support/certs.js";
export {
  startTlsServer,
  trustInProcess,
  type TestServer,
  type TlsTestServer,
} from "../test/support/servers.js";
export {
  startStandIn,
  type SearchAccess,
  type Scenario,
  type StandIn,
  type StandInOptions,
} from "../test/support/standIn.js";
