/**
 * Real programs (nginx, squid, mitmproxy, ...) run by the network specs: each in its own process
 * group, on a loopback port, with its files in a temp dir; stopped by process group id, and checked
 * with `ps` to leave nothing behind.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** AZURE_SDK_DOCTOR_NETWORK_STRICT=1 (CI): a program the specs need and cannot find fails the run instead of skipping. */
export function strict(): boolean {
  return process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT === "1";
}

// Debian installs nginx and squid in sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/lib/squid"];

/**
 * The full path of a program, or undefined.
 *
 * @param name - the program, such as "nginx".
 */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * In a `before` hook: skips the describe block, with the reason, when a program is missing; with
 * AZURE_SDK_DOCTOR_NETWORK_STRICT=1, fails it instead.
 *
 * @param context - the hook's `this`.
 * @param names - the programs the block runs.
 */
export function requirePrograms(context: Pick<Mocha.Context, "skip">, ...names: string[]): void {
  const missing = names.filter((name) => !which(name));
  if (missing.length === 0) return;
  const reason = `not installed: ${missing.join(", ")} (apt-get install nginx squid mitmproxy tinyproxy prometheus apache2-utils)`;
  if (strict()) throw new Error(`${reason}; AZURE_SDK_DOCTOR_NETWORK_STRICT=1 makes this a failure`);
  console.warn(`      skipped: ${reason}`);
  context.skip();
}

/** A new private temp dir, readable by the unprivileged users servers drop to (squid: proxy). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `azsd-${prefix}-`));
  execFileSync("chmod", ["755", dir]);
  return dir;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * Distinct TCP ports on 127.0.0.1 that were free a moment ago: held open together while they are
 * picked, since a port just closed can be handed out again.
 *
 * @param count - how many.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ids of the live processes in a process group, read with `ps`.
 *
 * @param group - the process group id (the leader's pid).
 */
export function processGroup(group: number): number[] {
  const table = execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat="], { encoding: "utf8" });
  // A zombie has exited and only waits for its parent (or init) to read its status.
  return table
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, pgid, stat]) => pid && Number(pgid) === group && !stat?.startsWith("Z"))
    .map(([pid]) => Number(pid));
}

/** What {@link startProgram} runs. */
export interface ProgramOptions {
  /** A name for messages, such as "nginx". */
  name: string;
  /** The program, found with {@link which}. */
  command: string;
  args: string[];
  /** The loopback ports it must listen on before it counts as started. */
  ports: number[];
  /** Its working dir, which is removed when it stops. */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** How long it may take to listen. Defaults to 20 s. */
  startTimeoutMs?: number;
}

/** A program started by {@link startProgram}. */
export interface Program {
  /** The leader's pid, which is also its process group id. */
  pid: number;
  dir: string;
  /** What it printed so far, stdout and stderr together. */
  output(): string;
  /** Stops its whole process group (TERM, then KILL) and removes its dir. */
  stop(): Promise<void>;
}

const running = new Set<Program>();

// A run that dies (an uncaught error, mocha's exit) must not leave servers listening.
process.once("exit", () => {
  for (const program of running) {
    try {
      process.kill(-program.pid, "SIGKILL");
    } catch {
      // ESRCH: the group is already gone.
    }
  }
});

/**
 * Starts a program in its own process group and waits until it listens on every port.
 *
 * @param options - the program, its arguments, ports and dir.
 */
export async function startProgram(options: ProgramOptions): Promise<Program> {
  const command = which(options.command);
  if (!command) throw new Error(`${options.command} is not installed`);
  const child: ChildProcess = spawn(command, options.args, {
    cwd: options.dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  let exited: number | string | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = code ?? signal;
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} did not start`);

  const program: Program = {
    pid,
    dir: options.dir,
    output: () => text,
    async stop() {
      running.delete(program);
      await stopGroup(pid, exit, () => exited !== undefined);
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
  running.add(program);

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited !== undefined) {
      await program.stop();
      throw new Error(`${options.name} exited (${String(exited)}) before listening:\n${text}`);
    }
    const listening = await Promise.all(options.ports.map(accepts));
    if (listening.every(Boolean)) return program;
    if (Date.now() > deadline) {
      await program.stop();
      throw new Error(`${options.name} did not listen on ${options.ports.join(", ")} in time:\n${text}`);
    }
    await pause(50);
  }
}

async function stopGroup(group: number, exit: Promise<void>, hasExited: () => boolean): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-group, name);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 5_000;
  while (processGroup(group).length > 0 && Date.now() < deadline) await pause(25);
  if (processGroup(group).length > 0) signal("SIGKILL");
  const last = Date.now() + 5_000;
  while (processGroup(group).length > 0 && Date.now() < last) await pause(25);
  const left = processGroup(group);
  if (left.length > 0) throw new Error(`process group ${group} left behind: ${left.join(", ")}`);
  if (!hasExited()) await exit;
}

/** Stops every program still running; for a root `after` hook, so a failed spec leaves nothing behind. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((program) => program.stop()));
}
