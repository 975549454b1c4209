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
  // Azure Storage
  storage403:
    "https://learn.microsoft.com/troubleshoot/azure/azure-storage/blobs/authentication/storage-troubleshoot-403-errors",
  storageSasBestPractices:
    "https://learn.microsoft.com/azure/storage/common/storage-sas-overview#best-practices-when-using-sas",
  storageSharedKeyPrevent:
    "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent",
  storageDataRoles: "https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access",
  storageSasErrorCodes: "https://learn.microsoft.com/rest/api/storageservices/sas-error-codes",
  storageNetworkSecurity: "https://learn.microsoft.com/azure/storage/common/storage-network-security",
  storagePrivateEndpointDns:
    "https://learn.microsoft.com/azure/storage/common/storage-private-endpoints#dns-changes-for-private-endpoints",
  storageErrorCodes: "https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes",
  storageBlobErrorCodes: "https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes",
  storageAnonymousAccess: "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
  storageSecureTransfer: "https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer",
  // Azure Key Vault
  keyVaultRbac: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide",
  keyVaultAccessPolicy: "https://learn.microsoft.com/azure/key-vault/general/assign-access-policy",
  keyVaultNetwork: "https://learn.microsoft.com/azure/key-vault/general/network-security",
  keyVaultTrustedServices:
    "https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints#trusted-services",
  keyVaultErrors: "https://learn.microsoft.com/azure/key-vault/general/rest-error-codes",
  keyVaultSoftDelete: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
  keyVaultSecrets: "https://learn.microsoft.com/azure/key-vault/secrets/about-secrets",
  keyVaultThrottling: "https://learn.microsoft.com/azure/key-vault/general/overview-throttling",
  keyVaultTroubleshooting:
    "https://github.com/Azure/azure-sdk-for-js/blob/main/sdk/keyvault/TROUBLESHOOTING.md",
  keyVaultUri: "https://aka.ms/azsdk/blog/vault-uri",
  // Azure App Configuration
  appConfigHmac: "https://learn.microsoft.com/azure/azure-app-configuration/rest-api-authentication-hmac",
  appConfigDisableKeys:
    "https://learn.microsoft.com/azure/azure-app-configuration/howto-disable-access-key-authentication",
  appConfigEntraAuthentication:
    "https://learn.microsoft.com/azure/azure-app-configuration/rest-api-authentication-azure-ad",
  appConfigAuthorization:
    "https://learn.microsoft.com/azure/azure-app-configuration/rest-api-authorization-azure-ad",
  appConfigRbac: "https://learn.microsoft.com/azure/azure-app-configuration/concept-enable-rbac",
  appConfigNetwork: "https://aka.ms/appconfig/network-access-errors",
  appConfigAudience: "https://aka.ms/appconfig/client-token-audience",
  appConfigRequests:
    "https://learn.microsoft.com/azure/azure-app-configuration/howto-best-practices#reduce-requests-made-to-app-configuration",
  // Azure Resource Manager
  armCommonErrors:
    "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors",
  armRoleAssignments: "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-portal",
  armNotFound: "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found",
  armRegisterProvider:
    "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-register-resource-provider",
  armPolicy:
    "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-policy-requestdisallowedbypolicy",
  armThrottling:
    "https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling",
  // Microsoft Entra ID
  entraErrorCodes: "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
  entraConditionalAccess:
    "https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-conditional-access",
  entraWorkloadIdentityFederation:
    "https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
  entraCertificateCredentials: "https://learn.microsoft.com/entra/identity-platform/certificate-credentials",
  identityCredentialChains: "https://aka.ms/azsdk/js/identity/credential-chains",
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
