/**
 * What the policy adds to a failing call whose error body is large, plain or built to stress the
 * redaction: through the real clients on a loopback server. Storage (a core-client client) puts the
 * whole body in its error's message, which the policy then redacts; search-documents 13 leaves the
 * response to the policy, which reads a bounded excerpt and parses the body for `details`.
 *
 * Two figures per case, both CPU time of this process, medians of several calls: the policy's own
 * time (its sendRequest less the time spent in the rest of the pipeline, which it calls), and the
 * whole call with and without the policy, taken in turn. The whole call moves by tens of
 * milliseconds at 10 MB with the collector, so the policy's own time is what the goals are judged on.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AzureKeyCredential, SearchClient } from "@azure/search-documents";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { AnonymousCredential, BlobServiceClient } from "@azure/storage-blob";
import { diagnosisPolicy } from "../src/index.js";
import { median } from "./loopback.js";

/** One measure: a client, a body and its size. */
export interface DosRow {
  client: "storage-blob" | "search-documents";
  body: string;
  kind: "plain" | "adversarial";
  size: string;
  bytes: number;
  /** Median CPU ms per failing call without the policy. */
  withoutMs: number;
  /** Median CPU ms per failing call with it. */
  withMs: number;
  /** What the policy adds to the whole call: the difference of the medians. */
  addedMs: number;
  /** Median CPU ms the policy itself spent per call, apart from the pipeline it called. */
  ownMs: number;
}

/** The policy, timing its own CPU time apart from what `next` takes. */
function timedPolicy(own: number[]): PipelinePolicy {
  const policy = diagnosisPolicy({ telemetry: false });
  const cpu = (): number => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  return {
    name: policy.name,
    async sendRequest(request, next) {
      let inside = 0;
      const start = cpu();
      try {
        return await policy.sendRequest(request, async (sent) => {
          const entered = cpu();
          try {
            return await next(sent);
          } finally {
            inside += cpu() - entered;
          }
        });
      } finally {
        own.push(cpu() - start - inside);
      }
    },
  };
}

/** The sizes, in bytes: 1 MB is a million, so that Storage's message (the body and a line) is read whole. */
export const DOS_SIZES = [
  { size: "64 KB", bytes: 64 * 1024, calls: 15 },
  { size: "1 MB", bytes: 1_000_000, calls: 7 },
  { size: "10 MB", bytes: 10_000_000, calls: 5 },
];

/** Units repeated to the size: what services and proxies send, and runs built against each finder. */
const UNITS: { name: string; kind: "plain" | "adversarial"; unit: string }[] = [
  {
    name: "JSON envelopes",
    kind: "plain",
    unit: '{"error":{"code":"OperationNotAllowed","message":"Not now."}}\n',
  },
  { name: "HTML page", kind: "plain", unit: "<p>The proxy refused the connection to the host.</p>\n" },
  { name: "-eyJ (JWT starts)", kind: "adversarial", unit: "-eyJ" },
  { name: "a.a.a. ://@ (URL parts)", kind: "adversarial", unit: "a.a.a. ://@" },
  { name: "sig=a& (a secret every 6)", kind: "adversarial", unit: "sig=a&" },
  { name: "api-key and blanks", kind: "adversarial", unit: "api-key:        " },
  { name: "Bearer tokens", kind: "adversarial", unit: "Bearer aaaaaaaa " },
];

function bodyOf(unit: string, bytes: number, json: boolean): Buffer {
  const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  // For Search, the text as the message of its error envelope: JSON.parse and details read it all.
  return Buffer.from(json ? JSON.stringify({ error: { code: "BadRequest", message: text } }) : text);
}

/**
 * Measures every body at every size through both clients.
 *
 * @param scale - a fraction of the calls per measure, for a quick run.
 */
export async function measureDos(scale = 1): Promise<DosRow[]> {
  const bodies = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? "").split("/")[1] ?? "");
    req.resume();
    // Storage reads an XML content type as a body to parse: the parse fails, and its message holds the body.
    const xml = id.startsWith("storage");
    res.writeHead(400, {
      "content-type": xml ? "application/xml" : "application/json; charset=utf-8",
      [xml ? "x-ms-request-id" : "request-id"]: "00000000-0000-0000-0000-000000000400",
    });
    res.end(bodies.get(id) ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const rows: DosRow[] = [];
  try {
    for (const client of ["storage-blob", "search-documents"] as const) {
      for (const { name, kind, unit } of UNITS) {
        for (const { size, bytes, calls } of DOS_SIZES) {
          const id = `${client === "storage-blob" ? "storage" : "search"}-${rows.length}`;
          bodies.set(id, bodyOf(unit, bytes, client === "search-documents"));
          const own: number[] = [];
          const call = (withPolicy: boolean): (() => Promise<unknown>) => {
            const additionalPolicies = withPolicy
              ? [{ policy: timedPolicy(own), position: "perCall" as const }]
              : [];
            if (client === "storage-blob") {
              const service = new BlobServiceClient(`${base}/${id}`, new AnonymousCredential(), {
                retryOptions: { maxTries: 1 },
                ...{ additionalPolicies },
              });
              return () => service.getProperties();
            }
            const search = new SearchClient(
              `${base}/${id}`,
              "hotels",
              new AzureKeyCredential("dos-bench-key-0123456789"),
              {
                allowInsecureConnection: true,
                retryOptions: { maxRetries: 0 },
                additionalPolicies,
              },
            );
            return () => search.getDocumentsCount();
          };
          const variants = [call(false), call(true)];
          const times: [number[], number[]] = [[], []];
          const rounds = Math.max(2, Math.round(calls * scale));
          for (let round = -1; round < rounds; round++) {
            for (let j = 0; j < 2; j++) {
              const which = (round + j + 2) % 2;
              const start = process.cpuUsage();
              await variants[which]!().catch(() => undefined);
              const used = process.cpuUsage(start);
              // The first round warms both up and is not counted.
              if (round >= 0) times[which]!.push((used.user + used.system) / 1000);
            }
          }
          const withoutMs = median(times[0]);
          const withMs = median(times[1]);
          // The warm-up call is the first the policy timed: left out as above.
          const ownMs = median(own.slice(1));
          rows.push({
            client,
            body: name,
            kind,
            size,
            bytes,
            withoutMs,
            withMs,
            addedMs: withMs - withoutMs,
            ownMs,
          });
          bodies.delete(id);
          (globalThis as { gc?: () => void }).gc?.();
        }
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return rows;
}
