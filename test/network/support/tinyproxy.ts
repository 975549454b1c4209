/**
 * tinyproxy as a small forward proxy: open, with basic auth, or with CONNECT allowed to port 443 only.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startProgram, tempDir, type Program } from "./processes.js";

/** What {@link startTinyproxy} runs. */
export interface TinyproxyOptions {
  /** Require basic auth from this user. Defaults to none. */
  user?: { name: string; password: string };
  /** Allow CONNECT to port 443 only, so a tunnel to a test port is refused. Defaults to any port. */
  connectPort443Only?: boolean;
}

/** A running tinyproxy. */
export interface Tinyproxy {
  program: Program;
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts tinyproxy in the foreground on a free loopback port.
 *
 * @param options - auth and the CONNECT port rule.
 */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = tempDir("tinyproxy");
  const port = await freePort();
  const config = [
    ...(process.getuid?.() === 0 ? ["User nobody", "Group nogroup"] : []),
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    "MaxClients 20",
    "Allow 127.0.0.1",
    "LogLevel Info",
    `PidFile "${dir}/tinyproxy.pid"`,
    ...(options.user ? [`BasicAuth ${options.user.name} ${options.user.password}`] : []),
    ...(options.connectPort443Only ? ["ConnectPort 443"] : []),
  ].join("\n");
  writeFileSync(path.join(dir, "tinyproxy.conf"), config);
  const program = await startProgram({
    name: "tinyproxy",
    command: "tinyproxy",
    args: ["-d", "-c", path.join(dir, "tinyproxy.conf")],
    ports: [port],
    dir,
  });
  return { program, port, url: `http://127.0.0.1:${port}`, stop: () => program.stop() };
}
