/**
 * nginx as the endpoint: one process serving a site per loopback port, each with the certificate,
 * protocols and ciphers of one failure (the badssl.com cases) or a healthy proxy to the Search stand-in.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePorts, startProgram, tempDir, type Program } from "./processes.js";
import type { Pem } from "../../../standin/certs.js";

/** One nginx server block. */
export interface NginxSite {
  /** Names the site, for {@link Nginx.url}. */
  name: string;
  /** Its certificate (leaf then chain) and key; absent for a plain-HTTP site. */
  tls?: Pem;
  /** `ssl_protocols`. Defaults to nginx's own (TLSv1.2 TLSv1.3 with this OpenSSL). */
  protocols?: string;
  /** `ssl_ciphers` (TLS 1.2 and below). */
  ciphers?: string;
  /** `ssl_dhparam`, PEM. */
  dhParams?: string;
  /** Roots a client certificate must chain to: turns on `ssl_verify_client on`. */
  clientCa?: string;
  /** An https:// or http:// origin to pass requests to; without it nginx answers its own 404. */
  proxyTo?: string;
}

/** What {@link startNginx} runs. */
export interface NginxOptions {
  sites: NginxSite[];
  /**
   * Runs nginx with an OpenSSL configuration at security level 0 and TLS 1.0 allowed, as an old
   * appliance's would be, so that it loads 512-bit keys and offers NULL ciphers and TLS 1.0.
   * Defaults to false: the distribution's OpenSSL defaults.
   */
  legacy?: boolean;
}

/** A running nginx. */
export interface Nginx {
  program: Program;
  /**
   * The https:// URL of a site on localhost (also for a plain-HTTP site, which is the failure).
   *
   * @param name - the site's name.
   */
  url(name: string): string;
  stop(): Promise<void>;
}

const LEGACY_OPENSSL = `openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
CipherString = DEFAULT:@SECLEVEL=0
MinProtocol = TLSv1
`;

/**
 * Starts nginx on a free loopback port per site, in a temp dir it removes on stop.
 *
 * @param options - the sites, and whether OpenSSL runs with legacy settings.
 */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const dir = tempDir("nginx");
  const file = (name: string, text: string): string => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };
  mkdirSync(path.join(dir, "temp"));
  const free = await freePorts(options.sites.length);
  const ports = new Map<string, number>();
  const blocks: string[] = [];
  for (const [index, site] of options.sites.entries()) {
    const port = free[index] as number;
    ports.set(site.name, port);
    const lines = [`listen 127.0.0.1:${port}${site.tls ? " ssl" : ""};`, "server_name localhost;"];
    if (site.tls) {
      lines.push(
        `ssl_certificate ${file(`${site.name}.crt`, site.tls.cert)};`,
        `ssl_certificate_key ${file(`${site.name}.key`, site.tls.key)};`,
      );
    }
    if (site.protocols) lines.push(`ssl_protocols ${site.protocols};`);
    if (site.ciphers) lines.push(`ssl_ciphers ${site.ciphers};`);
    if (site.dhParams) lines.push(`ssl_dhparam ${file(`${site.name}.dh`, site.dhParams)};`);
    if (site.clientCa) {
      lines.push(
        `ssl_client_certificate ${file(`${site.name}.clientca`, site.clientCa)};`,
        "ssl_verify_client on;",
      );
    }
    if (site.proxyTo) {
      lines.push(
        `location / { proxy_pass ${site.proxyTo}; proxy_set_header Host localhost; proxy_ssl_server_name on; }`,
      );
    }
    blocks.push(`  server {\n${lines.map((line) => `    ${line}`).join("\n")}\n  }`);
  }
  const temp = path.join(dir, "temp");
  const config = [
    "daemon off;",
    "master_process on;",
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    "error_log stderr warn;",
    // As root, nginx runs its workers as an unprivileged user; Debian has no group named nobody.
    ...(process.getuid?.() === 0 ? ["user nobody nogroup;"] : []),
    "events { worker_connections 64; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (kind) => `  ${kind}_temp_path ${temp}/${kind};`,
    ),
    ...blocks,
    "}",
  ].join("\n");
  const conf = file("nginx.conf", config);
  const env = options.legacy
    ? { ...process.env, OPENSSL_CONF: file("openssl.cnf", LEGACY_OPENSSL) }
    : process.env;
  const program = await startProgram({
    name: "nginx",
    command: "nginx",
    args: ["-p", dir, "-c", conf, "-e", "stderr"],
    ports: [...ports.values()],
    dir,
    env,
  });
  return {
    program,
    url(name) {
      const port = ports.get(name);
      if (port === undefined) throw new Error(`no nginx site named ${name}`);
      return `https://localhost:${port}`;
    },
    stop: () => program.stop(),
  };
}
