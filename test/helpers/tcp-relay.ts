import { connect, createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";

/**
 * A TCP relay on 127.0.0.1 in front of an HTTP server, that can slow the bytes down and counts
 * them, so a fault test can tell when a transfer is under way and land a SIGKILL in its middle.
 * It relays bytes, not requests: signed S3 requests stay valid (the signature covers the Host
 * header the client sent, which is the relay's address), and a client that dies leaves the
 * server with exactly the truncated request a real network would.
 */
export interface TcpRelay {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Bytes relayed from clients to the server so far. */
  sent(): number;
  /** Bytes relayed from the server to clients so far. */
  received(): number;
  close(): Promise<void>;
}

export async function startTcpRelay(
  target: string,
  opts: { bytesPerSecond?: number } = {},
): Promise<TcpRelay> {
  const to = new URL(target);
  let sent = 0;
  let received = 0;
  const sockets = new Set<Socket>();

  /** Copies a → b, at most bytesPerSecond when given (a pauses while b is being paced). */
  const pipe = (a: Socket, b: Socket, count: (n: number) => void) => {
    a.on("data", (chunk: Buffer) => {
      count(chunk.length);
      b.write(chunk);
      const rate = opts.bytesPerSecond;
      if (rate === undefined) return;
      a.pause();
      setTimeout(() => a.resume(), (chunk.length / rate) * 1000).unref();
    });
    // A peer that goes away (a killed process) ends the other side too, with what was sent.
    a.on("end", () => b.end());
    a.on("close", () => b.destroy());
    a.on("error", () => b.destroy());
  };

  const server = createServer((client) => {
    const upstream = connect(Number(to.port), to.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pipe(client, upstream, (n) => (sent += n));
    pipe(upstream, client, (n) => (received += n));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
