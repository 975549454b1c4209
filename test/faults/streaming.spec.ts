import assert from "node:assert/strict";
import type http from "node:http";
import {
  createDefaultHttpClient,
  createPipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { createAuthority } from "../../standin/certs.js";
import { searchClient } from "../support/clients.js";
import { startTlsServer, trustInProcess, type TestServer } from "../../standin/servers.js";

const CHUNK = "x".repeat(64 * 1024);

describe("faults: streamed responses are not read by the policy", function () {
  this.timeout(60_000);
  let server: TestServer;
  let untrust: () => void;
  /** Ends the body of the response that is being held, so a test decides when the body arrives. */
  const held: (() => void)[] = [];

  before(async () => {
    const ca = createAuthority("Streaming Test Root");
    untrust = trustInProcess(ca.cert);
    server = await startTlsServer({
      ...ca.issue({ hosts: ["localhost", "127.0.0.1"] }),
      handler: (req: http.IncomingMessage, res: http.ServerResponse) => {
        req.resume();
        const status = Number(/status=(\d+)/.exec(req.url ?? "")?.[1] ?? 200);
        res.writeHead(status, { "content-type": "application/octet-stream", "request-id": "r-stream" });
        res.write(CHUNK);
        // The rest of the body waits for the test: a policy that read the body would never return.
        held.push(() => {
          for (let i = 0; i < 15; i++) res.write(CHUNK);
          res.end();
        });
      },
    });
  });
  after(async () => {
    for (const release of held.splice(0)) release();
    untrust();
    await server.close();
  });

  async function readAll(response: PipelineResponse): Promise<number> {
    let length = 0;
    for await (const chunk of response.readableStreamBody!) length += (chunk as Buffer).length;
    return length;
  }

  const cases: { status: number; codes: Set<number> }[] = [
    { status: 200, codes: new Set([200]) },
    { status: 503, codes: new Set([200, 503]) },
    { status: 404, codes: new Set([Number.POSITIVE_INFINITY]) },
  ];
  for (const { status, codes } of cases) {
    it(`${status} with streamResponseStatusCodes ${[...codes].join(",")}: returned before its body, unread and whole`, async () => {
      const client = searchClient({ endpoint: `https://localhost:${server.port}` });
      const request = createPipelineRequest({
        url: `https://localhost:${server.port}/indexes('hotels')/docs/$count?status=${status}`,
      });
      request.streamResponseStatusCodes = codes;
      const before = held.length;
      const response = await client.pipeline.sendRequest(createDefaultHttpClient(), request);
      assert.equal(held.length, before + 1, "the response came back while the server still holds its body");
      assert.equal(response.status, status, "an error status the caller asked to stream is not thrown");
      assert.equal(response.bodyAsText, undefined, "nothing was read into text");
      assert.ok(response.readableStreamBody, "the stream is the caller's");
      held.pop()!();
      assert.equal(await readAll(response), 16 * CHUNK.length, "every byte reaches the caller");
    });
  }

  it("an error status the caller did not ask to stream is still read and diagnosed", async () => {
    const client = searchClient({ endpoint: `https://localhost:${server.port}` });
    const request = createPipelineRequest({
      url: `https://localhost:${server.port}/indexes('hotels')/docs/$count?status=503`,
    });
    request.streamResponseStatusCodes = new Set([200]);
    const before = held.length;
    const pending = client.pipeline.sendRequest(createDefaultHttpClient(), request);
    while (held.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    held.pop()!();
    await assert.rejects(
      pending,
      (error: Error & { diagnosis?: { cause: string } }) => error.diagnosis?.cause === "throttled",
    );
  });
});
