/**
 * TLS-inspecting products, recognised by the names in the certificate chain they present: they
 * re-sign every site with a company root that carries the vendor's name.
 */
export const INSPECTION_PRODUCTS: readonly { product: string; pattern: RegExp }[] = [
  { product: "Zscaler", pattern: /zscaler/i },
  { product: "Netskope", pattern: /netskope/i },
  { product: "Palo Alto Networks", pattern: /palo\s*alto/i },
  { product: "Fortinet FortiGate", pattern: /fortinet|fortigate/i },
  { product: "Symantec / Blue Coat", pattern: /blue\s*coat|symantec\s+(?:web|ssl\s*visibility)/i },
  { product: "Cisco Umbrella", pattern: /cisco\s*umbrella|opendns/i },
  { product: "Check Point", pattern: /check\s*point/i },
  { product: "Sophos", pattern: /sophos/i },
  { product: "Forcepoint", pattern: /forcepoint|websense/i },
  { product: "mitmproxy", pattern: /mitmproxy/i },
];

/**
 * The TLS-inspecting product named in any of the given certificate names, if one is.
 *
 * @param names - issuer and subject names of the presented chain.
 */
export function inspectionProductOf(names: readonly string[]): string | undefined {
  for (const { product, pattern } of INSPECTION_PRODUCTS) {
    if (names.some((name) => pattern.test(name))) return product;
  }
  return undefined;
}
