import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createUpstreamTarget } from "../src/proxy/targets/upstream.js";
import { FakeTarget } from "./helpers/proxy-fakes.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP upstream on 127.0.0.1 whose behaviour each test sets. */
class Upstream {
  handler: Handler = (_req, res) => res.writeHead(404).end("not found: nothing here\n");
  seen: { url: string; auth: string | undefined }[] = [];
  private server: Server;
  url = "";
  constructor() {
    this.server = createServer((req, res) => {
      this.seen.push({ url: req.url ?? "", auth: req.headers.authorization });
      this.handler(req, res);
    });
  }
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let a: Upstream;
let b: Upstream;
let tmp: string;
beforeAll(async () => {
  a = await new Upstream().start();
  b = await new Upstream().start();
  tmp = mkdtempSync(join(tmpdir(), "gopave-upstream-"));
});
afterAll(async () => {
  await a.stop();
  await b.stop();
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  for (const u of [a, b]) {
    u.seen = [];
    u.handler = (_req, res) => res.writeHead(404).end("not found: nothing here\n");
  }
});

const sig = () => AbortSignal.timeout(5000);
const ok =
  (body: string): Handler =>
  (_req, res) =>
    res.writeHead(200).end(body);
const status =
  (code: number, body = ""): Handler =>
  (_req, res) =>
    res.writeHead(code).end(body);

describe("upstream proxy list", () => {
  it("requests case-encoded paths and returns bodies", async () => {
    a.handler = ok("v1.0.0\n");
    const t = createUpstreamTarget({ list: a.url });
    expect(await t.list("github.com/BurntSushi/toml", sig())).toEqual({
      ok: true,
      value: "v1.0.0\n",
    });
    expect(a.seen[0]?.url).toBe("/github.com/!burnt!sushi/toml/@v/list");
    await t.info("example.com/m", "v1.0.0-RC", sig());
    expect(a.seen[1]?.url).toBe("/example.com/m/@v/v1.0.0-!r!c.info");
  });

  it("',' falls through on 404/410 only; '|' on any error", async () => {
    b.handler = ok("v2.0.0\n");
    a.handler = status(410, "gone\n");
    expect(
      await createUpstreamTarget({ list: `${a.url},${b.url}` }).list("example.com/m", sig()),
    ).toMatchObject({
      ok: true,
    });
    a.handler = status(500, "boom\n");
    const comma = await createUpstreamTarget({ list: `${a.url},${b.url}` }).list(
      "example.com/m",
      sig(),
    );
    expect(comma).toMatchObject({ ok: false, notFound: false, status: 500 });
    expect(b.seen).toHaveLength(1);
    const pipe = await createUpstreamTarget({ list: `${a.url}|${b.url}` }).list(
      "example.com/m",
      sig(),
    );
    expect(pipe).toMatchObject({ ok: true, value: "v2.0.0\n" });
  });

  it("reports a real failure over a later not-found, and not-found only when all say so", async () => {
    a.handler = status(502, "bad\n");
    b.handler = status(404, "not found: m\n");
    const r = await createUpstreamTarget({ list: `${a.url}|${b.url}` }).list(
      "example.com/m",
      sig(),
    );
    expect(r).toMatchObject({ ok: false, notFound: false, status: 502 });
    a.handler = status(404, "not found: a\n");
    const nf = await createUpstreamTarget({ list: `${a.url},${b.url}` }).list(
      "example.com/m",
      sig(),
    );
    expect(nf).toEqual({ ok: false, notFound: true, status: 404, message: "not found: m" });
  });

  it("says what was not found instead of relaying an upstream's HTML error page", async () => {
    a.handler = (_req, res) =>
      res
        .writeHead(404, { "content-type": "text/html" })
        .end("<html><head><title>404 Not Found</title></head><body>nginx</body></html>\n");
    const r = await createUpstreamTarget({ list: a.url }).info("example.com/m", "v1.0.0", sig());
    expect(r).toMatchObject({ ok: false, notFound: true, status: 404 });
    expect(r).toMatchObject({ message: "not found: example.com/m@v1.0.0" });
    a.handler = (_req, res) =>
      res.writeHead(410, { "content-type": "text/html" }).end("<p>gone</p>");
    const list = await createUpstreamTarget({ list: a.url }).list("example.com/m", sig());
    expect(list).toMatchObject({ ok: false, notFound: true, message: "not found: example.com/m" });
  });

  it("uses the direct target for `direct` entries and stops at `off`", async () => {
    const direct = new FakeTarget("direct").add("example.com/m", "v1.0.0");
    const t = createUpstreamTarget({ list: `${a.url},direct`, direct: () => direct });
    expect(await t.list("example.com/m", sig())).toMatchObject({ ok: true, value: "v1.0.0\n" });
    const off = await createUpstreamTarget({ list: `${a.url},off,${b.url}` }).list(
      "example.com/m",
      sig(),
    );
    expect(off).toMatchObject({ ok: false, notFound: false, status: 403 });
    expect(b.seen).toHaveLength(0);
  });

  it("maps a timeout to 504 and a refused connection to an error without status", async () => {
    a.handler = () => undefined; // never answers
    const r = await createUpstreamTarget({ list: a.url }).mod(
      "example.com/m",
      "v1.0.0",
      AbortSignal.timeout(100),
    );
    expect(r).toMatchObject({ ok: false, notFound: false, status: 504 });
    const dead = await createUpstreamTarget({ list: "http://127.0.0.1:1" }).mod(
      "example.com/m",
      "v1.0.0",
      sig(),
    );
    expect(dead).toMatchObject({ ok: false, notFound: false, status: undefined });
  });

  it("sends URL credentials as Basic auth to their origin only, and never echoes them", async () => {
    b.handler = ok("v9.0.0\n");
    a.handler = (_req, res) => res.writeHead(302, { location: `${b.url}/elsewhere` }).end();
    const creds = a.url.replace("http://", "http://alice:s3cret@");
    const t = createUpstreamTarget({ list: creds });
    expect(await t.list("example.com/m", sig())).toMatchObject({ ok: true, value: "v9.0.0\n" });
    expect(a.seen[0]?.auth).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
    expect(b.seen[0]?.auth).toBeUndefined();
    a.handler = status(500, "oops\n");
    const failed = await t.list("example.com/m", sig());
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.message).not.toContain("s3cret");
  });

  it("streams zips to the destination and refuses an oversized declared length", async () => {
    const body = Buffer.alloc(300_000, 9);
    a.handler = (_req, res) => res.writeHead(200, { "content-length": body.length }).end(body);
    const dest = join(tmp, "a.zip");
    const r = await createUpstreamTarget({ list: a.url }).zip(
      "example.com/m",
      "v1.0.0",
      dest,
      sig(),
    );
    expect(r).toEqual({ ok: true, value: { size: body.length } });
    expect(readFileSync(dest).equals(body)).toBe(true);
    a.handler = (_req, res) => {
      res.writeHead(200, { "content-length": 600 * 1024 * 1024 });
      res.end();
    };
    const big = await createUpstreamTarget({ list: a.url }).zip(
      "example.com/m",
      "v1.0.0",
      join(tmp, "b.zip"),
      sig(),
    );
    expect(big).toMatchObject({ ok: false, notFound: false, status: 502 });
  });
});
