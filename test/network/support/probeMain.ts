/**
 * Runs {@link probe} in a process of its own and prints the result as JSON: the SDK reads HTTPS_PROXY
 * and NO_PROXY once per process, and Node reads NODE_EXTRA_CA_CERTS and its TLS flags only at start-up.
 * Usage: node --import tsx probeMain.ts '<a ProbeTarget, or a list of them, as JSON>'
 */
import { probe, type ProbeTarget } from "./probe.js";

const input = JSON.parse(process.argv[2] ?? "{}") as ProbeTarget | ProbeTarget[];
const results = [];
for (const target of Array.isArray(input) ? input : [input]) results.push(await probe(target));
const output = JSON.stringify(Array.isArray(input) ? results : results[0]);
// A hung call keeps its socket open: leave once the result is written.
process.stdout.write(output, () => process.exit(0));
