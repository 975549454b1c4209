import { X509Certificate } from "node:crypto";
import type net from "node:net";
import { Duplex } from "node:stream";

/**
 * What a server sent in the clear during a handshake: read by the preflight's second handshake, which
 * must say what the server did even when the handshake fails (a client certificate asked for, a
 * certificate presented, an alert).
 */
export interface ServerFlight {
  /**
   * The handshake messages received in the clear, by type, in order: 2 ServerHello, 11 Certificate,
   * 12 ServerKeyExchange, 13 CertificateRequest, 14 ServerHelloDone.
   */
  messages: number[];
  /** The certificates of a clear Certificate message (TLS 1.2), leaf first. */
  certificates: X509Certificate[];
  /** The description of the first alert received in the clear (40 handshake_failure, 70 protocol_version). */
  alert?: number;
  /** Whether the server went on encrypted (TLS 1.3 after its ServerHello, or a ChangeCipherSpec). */
  encrypted: boolean;
}

/** A TLS handshake message type: the server asks for a client certificate. */
export const CERTIFICATE_REQUEST = 13;

/** The most bytes read before the tap stops looking: a server's first flight is a few KiB. */
const TAP_LIMIT = 64 * 1024;

/**
 * A stream between a connected socket and a TLS client that passes every byte on unchanged and reads
 * the server's records as they go by, until they are encrypted or the limit is reached.
 *
 * @param socket - the connected socket; the stream owns it from now on.
 * @returns the stream to give `tls.connect({ socket })`, and what it read.
 */
export function tapServerFlight(socket: net.Socket): { stream: Duplex; flight: ServerFlight } {
  const flight: ServerFlight = { messages: [], certificates: [], encrypted: false };
  let records = Buffer.alloc(0);
  let handshake = Buffer.alloc(0);
  let read = 0;
  let done = false;

  const readMessages = (): void => {
    while (handshake.length >= 4) {
      const type = handshake[0] as number;
      const length = handshake.readUIntBE(1, 3);
      if (handshake.length < 4 + length) return;
      const body = handshake.subarray(4, 4 + length);
      handshake = handshake.subarray(4 + length);
      flight.messages.push(type);
      if (type === 11) flight.certificates = certificatesOf(body);
    }
  };
  const observe = (chunk: Buffer): void => {
    if (done) return;
    read += chunk.length;
    if (read > TAP_LIMIT) {
      done = true;
      return;
    }
    records = Buffer.concat([records, chunk]);
    while (!done && records.length >= 5) {
      const type = records[0] as number;
      const length = records.readUInt16BE(3);
      if (records.length < 5 + length) return;
      const body = records.subarray(5, 5 + length);
      records = records.subarray(5 + length);
      if (type === 22) {
        handshake = Buffer.concat([handshake, body]);
        readMessages();
      } else if (type === 21) {
        if (flight.alert === undefined && body.length >= 2) flight.alert = body[1];
      } else {
        // ChangeCipherSpec or application data: what follows is encrypted; anything else is not TLS.
        flight.encrypted = type === 20 || type === 23;
        done = true;
      }
    }
  };

  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on("data", (chunk: Buffer) => {
    observe(chunk);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once("end", () => stream.push(null));
  socket.once("error", (error) => stream.destroy(error));
  socket.once("close", () => stream.destroy());
  return { stream, flight };
}

/** The certificates of a TLS 1.2 Certificate message: a 3-byte list length, then each as length and DER. */
function certificatesOf(body: Buffer): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  let at = 3;
  while (at + 3 <= body.length) {
    const length = body.readUIntBE(at, 3);
    at += 3;
    if (at + length > body.length) break;
    try {
      certificates.push(new X509Certificate(body.subarray(at, at + length)));
    } catch {
      break;
    }
    at += length;
  }
  return certificates;
}
