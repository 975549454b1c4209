/**
 * Certificates and parameters node-forge cannot make, from the `openssl` command: a leaf signed with
 * SHA-1, a leaf with a 512-bit RSA key, Diffie-Hellman parameters of a chosen size; and `openssl s_server`
 * for a server that demands a client certificate in the handshake.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startProgram, tempDir, type Program } from "./processes.js";
import type { Authority, Pem } from "../../../standin/certs.js";

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** What {@link signLeaf} makes. */
export interface SignedLeafOptions {
  /** Where the work files go. */
  dir: string;
  /** A prefix for the work files. */
  name: string;
  /** The signing authority. */
  ca: Authority;
  /** DNS names; the first is also the common name. Defaults to localhost. */
  hosts?: string[];
  /** The digest the authority signs with. Defaults to sha256. */
  digest?: "sha1" | "sha256";
  /** The leaf's RSA key size. Defaults to 2048. */
  bits?: number;
}

/**
 * A leaf for localhost and 127.0.0.1 signed by `ca` with the given digest and key size, followed
 * by the authority's intermediates.
 *
 * @param options - the authority, digest and key size.
 */
export function signLeaf(options: SignedLeafOptions): Pem {
  const { dir, name, ca } = options;
  const hosts = options.hosts ?? ["localhost"];
  const file = (suffix: string): string => path.join(dir, `${name}.${suffix}`);
  writeFileSync(file("ca.pem"), ca.cert);
  writeFileSync(file("ca.key"), ca.key);
  writeFileSync(
    file("ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${[...hosts.map((h) => `DNS:${h}`), "IP:127.0.0.1"].join(",")}`,
    ].join("\n"),
  );
  openssl(dir, ["genrsa", "-out", file("key"), String(options.bits ?? 2048)]);
  openssl(dir, ["req", "-new", "-key", file("key"), "-subj", `/CN=${hosts[0]}`, "-out", file("csr")]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    file("csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "30",
    `-${options.digest ?? "sha256"}`,
    "-extfile",
    file("ext"),
    "-out",
    file("pem"),
  ]);
  return {
    cert: readFileSync(file("pem"), "utf8") + ca.chain.join(""),
    key: readFileSync(file("key"), "utf8"),
  };
}

/**
 * Diffie-Hellman parameters in PEM (DSA-style generation, which takes well under a second).
 *
 * @param dir - where the work file goes.
 * @param bits - the prime's size, such as 1024.
 */
export function dhParams(dir: string, bits: number): string {
  const out = path.join(dir, `dh${bits}.pem`);
  openssl(dir, ["dhparam", "-dsaparam", "-out", out, String(bits)]);
  return readFileSync(out, "utf8");
}

/** What {@link startOpensslServer} runs. */
export interface OpensslServerOptions {
  /** Its certificate (leaf then chain) and key. */
  tls: Pem;
  /** Require a client certificate that chains to these roots, and end the handshake without one. */
  clientCa: string;
  /** The one protocol it speaks. */
  protocol: "tls1_2" | "tls1_3";
}

/** A running `openssl s_server`. */
export interface OpensslServer {
  program: Program;
  /** https://localhost:port */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `openssl s_server -Verify 1`: a TLS server that refuses a client without a certificate in the
 * handshake itself (nginx asks but lets the request in, then answers 400), which on TLS 1.3 is the
 * `certificate required` alert.
 *
 * @param options - certificate, client roots and protocol.
 */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  const dir = tempDir("s_server");
  const port = await freePort();
  const file = (name: string, text: string): string => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };
  const program = await startProgram({
    name: "openssl s_server",
    command: "openssl",
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      `-${options.protocol}`,
      "-cert",
      file("server.pem", options.tls.cert),
      "-key",
      file("server.key", options.tls.key),
      "-Verify",
      "1",
      "-CAfile",
      file("clients.pem", options.clientCa),
      "-www",
      "-quiet",
    ],
    ports: [port],
    dir,
  });
  return { program, url: `https://localhost:${port}`, stop: () => program.stop() };
}
