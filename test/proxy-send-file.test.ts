import { mkdtemp, readdir, readlink, rm, truncate, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendFile } from "../src/proxy/server/send-file.js";

let dir: string;
let server: Server;
let url: string;
/** What each sendFile call ended with, in order. */
const outcomes: { sent: number; error?: string }[] = [];
const SIZE = (5 << 20) + 12_345;
const content = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) content[i] = (i * 31 + (i >> 9)) & 0xff;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gopave-sendfile-"));
  await writeFile(join(dir, "file"), content);
  await writeFile(join(dir, "empty"), "");
  server = createServer((req, res) => {
    const name = req.url === "/empty" ? "empty" : req.url === "/short" ? "short" : "file";
    const size = name === "empty" ? 0 : SIZE;
    res.writeHead(200, { "content-length": size });
    let sent = 0;
    sendFile(res, join(dir, name), size, (n) => (sent += n)).then(
      () => outcomes.push({ sent }),
      (err: unknown) => {
        outcomes.push({ sent, error: (err as Error).message });
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ body: Buffer.concat(chunks), complete: res.complete }));
      res.on("error", () => resolve({ body: Buffer.concat(chunks), complete: false }));
    })
      .on("error", reject)
      .end();
  });
}

/** Descriptors this process holds open on the served files. */
async function openFiles(): Promise<number> {
  let n = 0;
  for (const fd of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (target.startsWith(dir)) n++;
  }
  return n;
}
const settled = async (n: number) => {
  for (let i = 0; i < 200 && outcomes.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return outcomes[n - 1];
};

describe("sendFile (stored zips streamed through two reused buffers)", () => {
  it("sends the whole file, however many chunks, and an empty one", async () => {
    const a = await get("/file");
    expect(a.complete).toBe(true);
    expect(a.body.equals(content)).toBe(true);
    expect(await settled(1)).toEqual({ sent: SIZE });
    const b = await get("/empty");
    expect(b.body.length).toBe(0);
    expect(await settled(2)).toEqual({ sent: 0 });
    expect(await openFiles()).toBe(0);
  });

  it("stops when the client goes away mid-body: no unhandled rejection, the file is closed", async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${url}/file`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    const out = await settled(3);
    expect(out?.error).toMatch(/client closed the connection|ECONNRESET|EPIPE/);
    expect(out?.sent).toBeLessThan(SIZE);
    expect(await openFiles()).toBe(0);
  });

  it("cuts the response short when the file is shorter than announced", async () => {
    await writeFile(join(dir, "short"), content);
    await truncate(join(dir, "short"), 100_000);
    const r = await get("/short");
    expect(r.complete).toBe(false);
    expect(r.body.equals(content.subarray(0, r.body.length))).toBe(true);
    expect((await settled(4))?.error).toMatch(/shorter than/);
  });
});
