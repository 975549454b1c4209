/**
 * The one place the service stand-ins import certificates and servers from. The lead is moving
 * certs.ts and servers.ts into standin/ (issue 9); when that lands, only these two paths change.
 */
export { createAuthority, type Authority } from "../test/support/certs.js";
export { startTlsServer, trustInProcess, type TlsTestServer } from "../test/support/servers.js";
