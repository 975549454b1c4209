/** Documentation links the catalog points to, in one place so a moved page is one edit. */
export const DOCS = {
  // Azure AI Search
  httpStatusCodes: "https://learn.microsoft.com/rest/api/searchservice/http-status-codes",
  apiKeys: "https://learn.microsoft.com/azure/search/search-security-api-keys",
  enableRoles: "https://learn.microsoft.com/azure/search/search-security-enable-roles",
  roleAssignments: "https://learn.microsoft.com/azure/search/search-security-rbac",
  keyless: "https://learn.microsoft.com/azure/search/keyless-connections",
  ipFirewall: "https://learn.microsoft.com/azure/search/service-configure-firewall",
  privateEndpoints: "https://learn.microsoft.com/azure/search/service-create-private-endpoint",
  customerManagedKeys: "https://learn.microsoft.com/azure/search/search-security-manage-encryption-keys",
  securityOverview: "https://learn.microsoft.com/azure/search/search-security-overview",
  semanticRanker: "https://learn.microsoft.com/azure/search/semantic-how-to-enable-disable",
  limits: "https://learn.microsoft.com/azure/search/search-limits-quotas-capacity",
  throttling: "https://learn.microsoft.com/azure/search/search-performance-analysis",
  concurrency: "https://learn.microsoft.com/azure/search/search-howto-concurrency",
  apiVersions: "https://learn.microsoft.com/rest/api/searchservice/search-service-api-versions",
  searchDocumentsReadme: "https://learn.microsoft.com/javascript/api/overview/azure/search-documents-readme",
  // Every client
  privateEndpointDns: "https://learn.microsoft.com/azure/private-link/private-endpoint-dns",
  nodeTlsErrors: "https://nodejs.org/api/tls.html#x509-certificate-error-codes",
  nodeCli: "https://nodejs.org/api/cli.html",
  nodeEnterpriseNetwork: "https://nodejs.org/en/learn/http/enterprise-network-configuration",
  nodeSystemErrors: "https://nodejs.org/api/errors.html#common-system-errors",
  nodeTlsCiphers: "https://nodejs.org/api/tls.html#modifying-the-default-tls-cipher-suite",
  nodeTlsContextOptions: "https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions",
  identityTroubleshooting: "https://aka.ms/azsdk/js/identity/troubleshoot",
  sdkLogging: "https://learn.microsoft.com/javascript/api/overview/azure/logger-readme",
} as const;
