/**
 * mitmproxy (`mitmdump`) as a TLS-inspecting proxy: a forward proxy that re-signs every site with its
 * own root, or a reverse proxy in front of one origin. Its root is made by mitmproxy itself at start-up,
 * in a temp confdir, as it is on a user's machine.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startProgram, tempDir, type Program } from "./processes.js";

/** What {@link startMitmproxy} runs. */
export interface MitmproxyOptions {
  /** `regular` (a forward proxy, the default) or `reverse:https://host:port`. */
  mode?: string;
  /** Roots mitmproxy trusts when it verifies the upstream (PEM). Defaults to its own bundle (certifi). */
  upstreamCa?: string;
}

/** A running mitmproxy. */
export interface Mitmproxy {
  program: Program;
  port: number;
  /** http://127.0.0.1:port as a forward proxy; https://localhost:port in reverse mode. */
  url: string;
  /** The root it signs its certificates with, PEM (CN=mitmproxy, O=mitmproxy). */
  ca: string;
  stop(): Promise<void>;
}

/**
 * Starts mitmdump on a free loopback port with a new confdir.
 *
 * @param options - the mode and the roots it trusts upstream.
 */
export async function startMitmproxy(options: MitmproxyOptions = {}): Promise<Mitmproxy> {
  const dir = tempDir("mitmproxy");
  const port = await freePort();
  const mode = options.mode ?? "regular";
  const args = ["--listen-host", "127.0.0.1", "--listen-port", String(port), "--mode", mode];
  args.push("--set", `confdir=${dir}`, "--set", "termlog_verbosity=warn", "--set", "flow_detail=0");
  if (options.upstreamCa) {
    const roots = path.join(dir, "upstream-roots.pem");
    writeFileSync(roots, options.upstreamCa);
    args.push("--set", `ssl_verify_upstream_trusted_ca=${roots}`);
  }
  const program = await startProgram({
    name: "mitmdump",
    command: "mitmdump",
    args,
    ports: [port],
    dir,
    // Its Python start-up is slow on a loaded machine.
    startTimeoutMs: 30_000,
  });
  const ca = readFileSync(path.join(dir, "mitmproxy-ca-cert.pem"), "utf8");
  const url = mode.startsWith("reverse:") ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  return { program, port, url, ca, stop: () => program.stop() };
}
