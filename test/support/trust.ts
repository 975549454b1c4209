import { createAuthority, type Authority } from "../../standin/certs.js";
import { trustInProcess } from "../../standin/servers.js";

/** A root certificate a describe block trusts while it runs, and the servers it closes afterwards. */
export interface TrustedRoot {
  /** The root: issue the servers' certificates from it. Made in the block's `before`. */
  readonly ca: Authority;
  /**
   * Closes this server after the block; returns it, for chaining.
   *
   * @param server - anything with a `close()`.
   */
  keep<T extends { close(): Promise<void> }>(server: T): T;
}

/**
 * Registers `before` and `after` hooks in the calling describe block: a new root trusted by this
 * process (TLS default CA certificates) from the first test to the last, and every kept server closed.
 *
 * @param name - the root's common name, to tell test roots apart in a failure.
 */
export function useTrustedRoot(name: string): TrustedRoot {
  let ca: Authority | undefined;
  let untrust: (() => void) | undefined;
  const servers: { close(): Promise<void> }[] = [];
  before(() => {
    ca = createAuthority(name);
    untrust = trustInProcess(ca.cert);
  });
  after(async () => {
    untrust?.();
    await Promise.all(servers.map((server) => server.close()));
  });
  return {
    get ca(): Authority {
      if (!ca) throw new Error("useTrustedRoot: the root exists from the block's before hook on");
      return ca;
    },
    keep(server) {
      servers.push(server);
      return server;
    },
  };
}
