/**
 * The harness the network specs stand on: a missing program skips, or fails under
 * AZURE_SDK_DOCTOR_NETWORK_STRICT=1; a started program is stopped with its whole process group.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import net from "node:net";
import { startNginx } from "./support/nginx.js";
import { processGroup, requirePrograms } from "./support/processes.js";
import { createAuthority } from "../../standin/certs.js";

describe("the network harness", () => {
  describe("requirePrograms", () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT;
      else process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT = saved;
    });

    const SKIPPED = new Error("skipped");
    const context = {
      skip(): never {
        throw SKIPPED;
      },
    };

    it("skips the block, naming the missing program, when the switch is off", () => {
      delete process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT;
      assert.throws(() => requirePrograms(context, "sh", "no-such-program-3f9a"), SKIPPED);
      assert.doesNotThrow(() => requirePrograms(context, "sh"));
    });

    it("fails, naming the missing program, under AZURE_SDK_DOCTOR_NETWORK_STRICT=1", () => {
      process.env.AZURE_SDK_DOCTOR_NETWORK_STRICT = "1";
      assert.throws(
        () => requirePrograms(context, "sh", "no-such-program-3f9a"),
        /not installed: no-such-program-3f9a/,
      );
    });
  });

  it("stops nginx's master and workers by process group: no process, no listener, no temp dir left", async function () {
    requirePrograms(this, "nginx");
    const ca = createAuthority("Harness Test Root");
    const nginx = await startNginx({ sites: [{ name: "site", tls: ca.issue({}) }] });
    const port = Number(new URL(nginx.url("site")).port);
    assert.ok(processGroup(nginx.program.pid).length >= 2, "a master and a worker");
    await nginx.stop();
    assert.deepEqual(processGroup(nginx.program.pid), []);
    assert.equal(existsSync(nginx.program.dir), false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });
    assert.equal(refused, true, "nothing listens on its port");
  });
});
