/**
 * The demo's world, all on 127.0.0.1: the Search stand-in (and a second one that accepts API keys
 * only), the Storage, Key Vault, App Configuration, Resource Manager and Entra ID token endpoint
 * stand-ins, the faulty endpoints a user meets on the way to a service, and a local proxy that would
 * receive anything sent to a made-up public host name.
 */
import { createAuthority, selfSigned, when } from "../standin/certs.js";
import {
  closedPort,
  startConnectProxy,
  startHttpServer,
  startLegacyTlsServer,
  startTlsServer,
  type Handler,
  type TestServer,
} from "../standin/servers.js";
import { startAppConfiguration, type AppConfigurationStandIn } from "../standin/appConfiguration.js";
import { startKeyVault, type KeyVaultStandIn } from "../standin/keyVault.js";
import { startResourceManager, type ResourceManagerStandIn } from "../standin/resourceManager.js";
import { startSearchStandIn, type SearchStandIn } from "../standin/search.js";
import { startStorage, type StorageStandIn } from "../standin/storage.js";
import { startTokenEndpoint, type TokenEndpointStandIn } from "../standin/tokenErrors.js";

/** A made-up Search host; the demo's proxy stands between it and the network, and the policy refuses before that. */
export const MADE_UP_SERVICE = "contoso-doctor-demo.search.windows.net";

/** Everything the scenarios call, with one `close` for all of it. */
export interface DemoEnvironment {
  /** The healthy stand-in: admin and query keys, bearer tokens, failure scenarios by index name. */
  service: SearchStandIn;
  /** A stand-in whose API access control is "API keys" only: it answers bearer tokens with 401. */
  keysOnlyService: SearchStandIn;
  /** Endpoints that fail before any HTTP is exchanged, or answer as no Search service would. */
  faulty: {
    /** Speaks TLS 1.0 and 1.1 only, with a trusted certificate. */
    legacyTls: string;
    /** Presents a self-signed certificate. */
    selfSigned: string;
    /** Presents a whole chain under an unknown "Zscaler Root CA", as a TLS-inspecting proxy does. */
    inspectingProxy: string;
    /** Presents a trusted certificate that expired yesterday. */
    expired: string;
    /** Plain HTTP on the port an https:// URL points at. */
    plainHttpBehindHttps: string;
    /** An http:// endpoint that answers 502, as the service's front end does to plain HTTP. */
    httpEndpoint: string;
    /** An old appliance: a certificate signed with SHA-1 (served at OpenSSL security level 0). */
    sha1Signed: string;
    /** An old appliance offering only Camellia cipher suites, which Node.js does not offer. */
    legacyCiphers: string;
    /** A gateway that requires a client certificate (mutual TLS, TLS 1.3). */
    mutualTls: string;
  };
  /** A local HTTP proxy that records every request it receives and forwards none. */
  proxy: TestServer;
  /** A Blob Storage account: container names pick failures. */
  storage: StorageStandIn;
  /** A key vault: secret names pick failures. */
  keyVault: KeyVaultStandIn;
  /** An App Configuration store: keys pick failures. */
  appConfiguration: AppConfigurationStandIn;
  /** Resource Manager: resource group names pick failures. */
  resourceManager: ResourceManagerStandIn;
  /** Entra ID's token endpoint: client ids pick refusals. */
  entra: TokenEndpointStandIn;
  /** Forward proxies on the way: one that wants a user name and password, and a port nothing listens on. */
  proxies: {
    /** Asks for Basic credentials (407) and accepts only its own; tunnels to loopback only. */
    guarded: TestServer;
    /** The user name and password it accepts. */
    credentials: { username: string; password: string };
    /** A port where no proxy runs, as when HTTPS_PROXY names a stopped one. */
    closedPort: number;
  };
  close(): Promise<void>;
}

/** Starts every server the demo needs, on ports the system picks. */
export async function startDemoEnvironment(): Promise<DemoEnvironment> {
  const servers: { close(): Promise<void> }[] = [];
  const keep = async <T extends { close(): Promise<void> }>(start: Promise<T>): Promise<T> => {
    const server = await start;
    servers.push(server);
    return server;
  };
  const close = async (): Promise<void> => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  };
  try {
    const service = await keep(startSearchStandIn());
    const keysOnlyService = await keep(
      startSearchStandIn({ authority: service.authority, trust: false, apiKeyOnly: true }),
    );
    const https = async (start: Promise<TestServer>): Promise<string> =>
      `https://localhost:${(await keep(start)).port}`;

    const zscalerRoot = createAuthority("Zscaler Root CA", "Zscaler Inc.");
    const inspected = zscalerRoot.intermediate("Zscaler Intermediate Root CA").issue({});
    const faulty = {
      legacyTls: await https(startLegacyTlsServer(service.authority.issue({}))),
      selfSigned: await https(startTlsServer(selfSigned())),
      // The whole chain, root included, as inspecting proxies send it: SELF_SIGNED_CERT_IN_CHAIN.
      inspectingProxy: await https(
        startTlsServer({ cert: inspected.fullChain + zscalerRoot.cert, key: inspected.key }),
      ),
      expired: await https(
        startTlsServer(service.authority.issue({ notBefore: when.daysAgo(90), notAfter: when.daysAgo(1) })),
      ),
      plainHttpBehindHttps: await https(startHttpServer()),
      httpEndpoint: `http://127.0.0.1:${(await keep(startHttpServer(badGateway))).port}`,
      sha1Signed: await https(
        startTlsServer({ ...service.authority.issue({ digest: "sha1" }), ciphers: "DEFAULT:@SECLEVEL=0" }),
      ),
      legacyCiphers: await https(
        startTlsServer({
          ...service.authority.issue({}),
          maxVersion: "TLSv1.2",
          ciphers: "CAMELLIA:@SECLEVEL=0",
        }),
      ),
      mutualTls: await https(
        startTlsServer({ ...service.authority.issue({}), clientCa: service.authority.cert }),
      ),
    };
    const proxy = await keep(startHttpServer(badGateway));
    // The same root as the Search stand-in's, which this process already trusts.
    const trusted = { authority: service.authority, trust: false };
    const storage = await keep(startStorage(trusted));
    const keyVault = await keep(startKeyVault({ ...trusted, retryAfterSeconds: 0 }));
    const appConfiguration = await keep(startAppConfiguration(trusted));
    const resourceManager = await keep(startResourceManager({ ...trusted, retryAfterSeconds: 0 }));
    const entra = await keep(startTokenEndpoint(trusted));
    const credentials = { username: "demo", password: "demo-proxy-pa55-7e1c" };
    const guarded = await keep(
      startConnectProxy({
        requireAuthorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
      }),
    );
    const proxies = { guarded, credentials, closedPort: await closedPort() };
    return {
      service,
      keysOnlyService,
      faulty,
      proxy,
      proxies,
      storage,
      keyVault,
      appConfiguration,
      resourceManager,
      entra,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const badGateway: Handler = (_req, res) => {
  res.writeHead(502).end();
};
