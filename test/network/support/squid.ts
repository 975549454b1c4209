/**
 * squid as the forward proxy users meet: open, with basic auth checked by `basic_ncsa_auth` against an
 * htpasswd file made with `htpasswd`, or with CONNECT denied by an ACL, answering with its own error pages.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startProgram, tempDir, which, type Program } from "./processes.js";

/** What {@link startSquid} runs. */
export interface SquidOptions {
  /** Require basic auth from these users (name to password). Defaults to none: an open proxy. */
  users?: Record<string, string>;
  /** Deny every CONNECT with an ACL, as a policy that forbids tunnels does. Defaults to false. */
  denyConnect?: boolean;
}

/** A running squid. */
export interface Squid {
  program: Program;
  port: number;
  /** http://127.0.0.1:port, for HTTPS_PROXY. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts squid on a free loopback port, in the foreground (`-N`), with its files in a temp dir.
 *
 * @param options - auth and ACLs.
 */
export async function startSquid(options: SquidOptions = {}): Promise<Squid> {
  const dir = tempDir("squid");
  const port = await freePort();
  const rules: string[] = [];
  const users = Object.entries(options.users ?? {});
  if (users.length > 0) {
    const passwords = path.join(dir, "htpasswd");
    for (const [index, [user, password]] of users.entries()) {
      // -i reads the password from stdin, so it never shows in a process list.
      execFileSync("htpasswd", [index === 0 ? "-ci" : "-i", passwords, user], {
        input: password,
        stdio: ["pipe", "ignore", "pipe"],
      });
    }
    const helper = which("basic_ncsa_auth");
    if (!helper) throw new Error("squid's basic_ncsa_auth helper is not installed");
    rules.push(
      `auth_param basic program ${helper} ${passwords}`,
      "auth_param basic realm azure-sdk-doctor test proxy",
      "acl authenticated proxy_auth REQUIRED",
    );
  }
  rules.push("acl CONNECT method CONNECT");
  if (options.denyConnect) rules.push("http_access deny CONNECT");
  rules.push(
    users.length > 0 ? "http_access allow authenticated" : "http_access allow localhost",
    "http_access deny all",
  );
  const config = [
    `http_port 127.0.0.1:${port}`,
    "visible_hostname proxy.localhost",
    // Names resolve from /etc/hosts; anything else goes to a loopback port where no resolver listens.
    "dns_nameservers 127.0.0.1",
    `pid_filename ${dir}/squid.pid`,
    `cache_log ${dir}/cache.log`,
    "access_log none",
    "cache deny all",
    "shutdown_lifetime 0 seconds",
    `coredump_dir ${dir}`,
    ...rules,
  ].join("\n");
  writeFileSync(path.join(dir, "squid.conf"), config);
  // squid opens its log after dropping root for the proxy user.
  writeFileSync(path.join(dir, "cache.log"), "", { mode: 0o666 });
  const program = await startProgram({
    name: "squid",
    command: "squid",
    args: ["-N", "-f", path.join(dir, "squid.conf")],
    ports: [port],
    dir,
  });
  return { program, port, url: `http://127.0.0.1:${port}`, stop: () => program.stop() };
}
