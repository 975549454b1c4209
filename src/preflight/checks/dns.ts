import net from "node:net";

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Addresses no public route reaches: where a private endpoint (or a private DNS override) points. */
const PRIVATE = new net.BlockList();
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4");
PRIVATE.addSubnet("169.254.0.0", 16, "ipv4");
PRIVATE.addSubnet("fc00::", 7, "ipv6");
PRIVATE.addSubnet("fe80::", 10, "ipv6");

/** Where an address is. */
export type AddressKind = "loopback" | "private" | "public";

/**
 * Whether an address is this machine, a private network's, or public.
 *
 * @param address - an IPv4 or IPv6 address.
 */
export function addressKind(address: string): AddressKind {
  const family = net.isIPv6(address) ? "ipv6" : "ipv4";
  if (LOOPBACK.check(address, family)) return "loopback";
  return PRIVATE.check(address, family) ? "private" : "public";
}

/**
 * A sentence on what the addresses say about the route to the service.
 *
 * @param host - the name that was resolved.
 * @param addresses - its addresses.
 */
export function describeAddresses(host: string, addresses: readonly string[]): string {
  const kinds = new Set(addresses.map(addressKind));
  const list = addresses.slice(0, 4).join(", ") + (addresses.length > 4 ? ", ..." : "");
  const subject = net.isIP(host) ? `${host} is` : `${host} resolves to ${list}:`;
  if (kinds.size === 1 && kinds.has("loopback")) return `${subject} this machine (loopback).`;
  if (kinds.has("private") && !kinds.has("public")) {
    return `${subject} a private address, so a private endpoint (or a private DNS record) is in use.`;
  }
  if (kinds.has("private"))
    return `${subject} both private and public addresses; check which one the client uses.`;
  return `${subject} a public address: the service's public endpoint, subject to its IP firewall rules.`;
}
