import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { join, relative, sep } from "node:path";

/**
 * A module proxy over a download-layout directory, written at the socket level so it can
 * misbehave in ways an HTTP library will not: an error status, no answer, a body that trickles,
 * a connection cut mid-body, a Content-Length larger or smaller than the body sent.
 */
export type Fault =
  "ok" | "status500" | "hang" | "slow" | "truncate" | "length-over" | "length-under";

export interface FaultUpstream {
  url: string;
  /** The fault for one protocol path ("/<escaped module>/@v/<v>.<ext>"); "ok" clears it. */
  fault(path: string, f: Fault): void;
  /** The fault for every path without one of its own. */
  faultAll(f: Fault): void;
  count(path: string): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  info: "application/json",
  mod: "text/plain; charset=utf-8",
  zip: "application/zip",
  list: "text/plain; charset=utf-8",
};

export async function startFaultUpstream(root: string): Promise<FaultUpstream> {
  const faults = new Map<string, Fault>();
  const counts = new Map<string, number>();
  let every: Fault = "ok";
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const head = (status: string, type: string, length: number) =>
    `HTTP/1.1 ${status}\r\ncontent-type: ${type}\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`;

  const answer = async (s: Socket, path: string): Promise<void> => {
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const fault = faults.get(path) ?? every;
    const file = join(root, ...path.split("/").slice(1));
    const rel = relative(root, file);
    const ext = /\.(info|mod|zip)$/.exec(path)?.[1] ?? (path.endsWith("/@v/list") ? "list" : "");
    const st = await stat(file).catch(() => undefined);
    if (rel.startsWith(`..${sep}`) || !st?.isFile() || TYPES[ext] === undefined) {
      const text = `not found: ${path}\n`;
      s.end(head("404 Not Found", "text/plain", Buffer.byteLength(text)) + text);
      return;
    }
    const body = await readFile(file);
    const type = TYPES[ext] as string;
    switch (fault) {
      case "ok":
        s.write(head("200 OK", type, body.length));
        s.end(body);
        return;
      case "status500": {
        const text = "the test upstream exploded\n";
        s.end(head("500 Internal Server Error", "text/plain", text.length) + text);
        return;
      }
      case "hang":
        return;
      case "slow": {
        s.write(head("200 OK", type, body.length));
        let at = 0;
        const t = setInterval(() => {
          if (s.destroyed || at >= body.length) {
            clearInterval(t);
            timers.delete(t);
            return;
          }
          s.write(body.subarray(at, at + 1));
          at++;
        }, 200);
        timers.add(t);
        return;
      }
      case "truncate":
        s.write(head("200 OK", type, body.length));
        s.write(body.subarray(0, Math.floor(body.length / 2)), () => s.destroy());
        return;
      case "length-over":
        s.write(head("200 OK", type, body.length + 1000));
        s.end(body);
        return;
      case "length-under":
        s.write(head("200 OK", type, Math.floor(body.length / 2)));
        s.end(body);
        return;
    }
  };

  const server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (!buf.includes("\r\n\r\n")) return;
      const target = /^GET (\S+) HTTP\/1\.[01]\r\n/.exec(buf)?.[1];
      buf = "";
      if (target === undefined) {
        s.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(target.split("?")[0] ?? "/");
      } catch {
        path = "/";
      }
      answer(s, path).catch(() => s.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fault: (path, f) => void (f === "ok" ? faults.delete(path) : faults.set(path, f)),
    faultAll: (f) => void (every = f),
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
