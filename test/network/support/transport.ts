/**
 * The one door from the network specs to the project's loopback test support (certificates, servers,
 * the Search stand-in), so that its move to standin/ changes one file here.
 */
export {
  createAuthority,
  selfSigned,
  when,
  type Authority,
  type Leaf,
  type Pem,
} from "../../support/certs.js";
export { closedPort, trustInProcess } from "../../support/servers.js";
export { startStandIn, type StandIn } from "../../support/standIn.js";
