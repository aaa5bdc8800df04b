import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalUpstream } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { startServe } from "./helpers/proxy-faults-cli.js";
import type { ServeProcess } from "./helpers/proxy-faults-cli.js";
import { makeFaultModules } from "./helpers/proxy-faults-modules.js";
import type { FaultModules } from "./helpers/proxy-faults-modules.js";
import { mulberry32 } from "./helpers/seeded-random.js";

/**
 * Hostile requests at the socket level against the built CLI: random paths (encoded dots, `..`,
 * NULs, unicode, very long, checksum-database paths) with random and hostile headers (huge
 * values, bad Range, junk validators, Transfer-Encoding oddities, smuggling attempts, bad line
 * endings). No answer may be a 5xx, the process must stay up and healthy, and nothing outside
 * its storage may change. test/proxy-protocol-fuzz.test.ts covers paths through Node's client.
 */
const SEED = Number(process.env.GOPAVE_FUZZ_SEED ?? 777);
const REQUESTS = 2000;
const PARALLEL = 24;

const PATH_PIECES = [
  "/",
  "/",
  "/",
  ".",
  "..",
  "%2e",
  "%2E%2e",
  "%2e%2e",
  "%2f",
  "%5c",
  "%00",
  "\u0000",
  "%0d%0a",
  "%ff",
  "%c0%ae",
  "é",
  "模块",
  "\u202e",
  "🦫",
  "%",
  "%25",
  "!",
  "!a",
  "!Z",
  "@v",
  "/@v/",
  "@latest",
  "/@latest",
  "list",
  ".info",
  ".mod",
  ".zip",
  "v1.0.0",
  "v2.0.0+incompatible",
  "v1.0.0-20240101000000-abcdefabcdef",
  "example.test",
  "fuzz",
  "m",
  "A",
  "con",
  "sumdb",
  "/sumdb/",
  "sum.golang.org",
  "/supported",
  "lookup",
  "tile",
  "/8/0/x001/234",
  "latest",
  "\\",
  "..%2f",
  ";",
  "?",
  "#",
  "&",
  "=",
  "'",
  '"',
  "<",
  ">",
  "{",
  "}",
  "|",
  "^",
  "`",
  " ",
  "\t",
  "/healthz",
  "/readyz",
  "/metrics",
  "//",
];

/** Header lines (without CRLF); some deliberately break HTTP's rules. */
function randomHeaders(rand: () => number, pick: <T>(xs: readonly T[]) => T): string[] {
  const junk = () =>
    Array.from({ length: 1 + Math.floor(rand() * 40) }, () =>
      String.fromCharCode(32 + Math.floor(rand() * 95)),
    ).join("");
  const pool: (() => string)[] = [
    () =>
      `Range: ${pick(["bytes=0-", "bytes=-1", "bytes=9-1", "bytes=a-b", "bytes=0-0,1-1,2-2", "lines=1-2", "bytes=99999999999999999999-", junk()])}`,
    () => `If-None-Match: ${pick(['"x"', "*", "W/", '"' + "a".repeat(500), junk()])}`,
    () => `If-Modified-Since: ${pick(["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", junk()])}`,
    () => `Accept-Encoding: ${pick(["gzip", "br;q=2", "*;q=-1", junk()])}`,
    () => `X-Huge: ${"h".repeat(pick([1000, 8000, 15000, 70000]))}`,
    () => `Cookie: ${"c=1; ".repeat(pick([10, 3000]))}`,
    () =>
      `Transfer-Encoding: ${pick(["chunked", "gzip, chunked", "chunked, identity", "x", " chunked"])}`,
    () => `Content-Length: ${pick(["0", "5", "-1", "1e3", "5, 6", "99999999999999999999"])}`,
    () => `Disable-Module-Fetch: ${pick(["true", "false", "TRUE", junk()])}`,
    () => `Authorization: Basic ${Buffer.from(junk()).toString("base64")}`,
    () => `Expect: ${pick(["100-continue", "x"])}`,
    () => `Upgrade: ${pick(["websocket", "h2c"])}`,
    () => `Connection: ${pick(["keep-alive", "upgrade", "close, close", junk()])}`,
    () => `Host: ${pick(["", "a", "127.0.0.1:1", "x".repeat(300)])}`,
    () => `X-Forwarded-For: ${junk()}`,
    () => `${pick(["Bad Name", "X-\u0001", ":authority", "X-Ünicode"])}: v`,
    () => ` folded-continuation-line`,
    () => `NoColonHere`,
  ];
  // Half the requests are well-formed HTTP, so the paths reach the proxy's own parsing.
  const n = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 3);
  return Array.from({ length: n }, () => pick(pool)());
}

let work: string;
let mods: FaultModules;
let upstream: LocalUpstream;
let serve: ServeProcess;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gopave-faults-fuzz-"));
  mkdirSync(join(work, "secret"));
  writeFileSync(join(work, "secret", "secret.txt"), "do not serve or change me");
  mods = await makeFaultModules(join(work, "upstream"), [
    { path: "example.test/fuzz/m", version: "v1.0.0", blobBytes: 4096 },
  ]);
  upstream = await startLocalUpstream(mods.root);
  mkdirSync(join(work, "serve"));
  serve = await startServe({
    dir: join(work, "serve"),
    storage: join(work, "storage"),
    upstream: upstream.url,
    trustedSums: [mods.goSum],
  });
}, 120_000);

afterAll(async () => {
  await serve?.kill("SIGTERM");
  await upstream?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (mods) rmSync(join(mods.goSum, ".."), { recursive: true, force: true });
});

/** name → size:mtime of everything under `dir` but `skip`. */
function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (full === skip) continue;
      const st = statSync(full);
      out.set(relative(dir, full), `${e.isDirectory() ? "d" : st.size}:${st.mtimeMs}`);
      if (e.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

/** Sends raw bytes; resolves with every status line answered before the server closed or 1 s passed. */
function rawExchange(url: string, text: string): Promise<string[]> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname);
    let out = "";
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(
        [...out.matchAll(/(?:^|\r\n)(HTTP\/1\.[01] \d{3}[^\r\n]*)/g)].map((m) => m[1] as string),
      );
    };
    const timer = setTimeout(done, 1000);
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("close", done);
    s.on("error", () => undefined);
    s.write(Buffer.from(text, "utf8"));
  });
}

describe("hostile paths and headers at the socket level (built CLI)", () => {
  it(`answers ${REQUESTS} random requests without a 5xx, stays up, writes only its storage (seed ${SEED})`, async () => {
    const rand = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const good = [...(mods.modules[0]?.files.keys() ?? [])];
    const requests = Array.from({ length: REQUESTS }, () => {
      let path: string;
      const r = rand();
      if (r < 0.15) path = pick(good);
      else if (r < 0.2) path = `/${"a/".repeat(Math.floor(rand() * 5000))}@v/list`;
      else {
        path = rand() < 0.9 ? "/" : "";
        for (let i = 1 + Math.floor(rand() * 12); i > 0; i--) path += pick(PATH_PIECES);
      }
      const method = pick([
        "GET",
        "GET",
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "OPTIONS",
        "TRACE",
        "G\u0000T",
        "get",
        "CONNECT",
      ]);
      const version = pick([
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.1",
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/9",
        "",
      ]);
      const eol = rand() < 0.95 ? "\r\n" : "\n";
      const headers = ["Host: 127.0.0.1", ...randomHeaders(rand, pick)];
      if (rand() < 0.7) headers.push("Connection: close");
      let text = `${method} ${path} ${version}${eol}${headers.join(eol)}${eol}${eol}`;
      if (rand() < 0.15)
        text += pick([
          "0\r\n\r\n",
          "zz\r\nxx\r\n",
          "5\r\nhello\r\n0\r\n\r\n",
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        ]);
      return text;
    });
    const before = snapshot(work, join(work, "storage"));
    const statuses = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const text = requests[next++] as string;
        for (const line of await rawExchange(serve.url, text)) {
          const code = line.split(" ")[1] as string;
          statuses.set(code, (statuses.get(code) ?? 0) + 1);
          expect(Number(code), `${line} for ${JSON.stringify(text.slice(0, 300))}`).toBeLessThan(
            500,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    expect(serve.child.exitCode, serve.stderr()).toBeNull();
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    // The request log agrees: no 5xx was logged, not even for answers the client never saw.
    const fives = serve
      .stdout()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { status?: number; path?: string })
      .filter((l) => (l.status ?? 0) >= 500);
    expect(fives).toEqual([]);
    expect(snapshot(work, join(work, "storage"))).toEqual(before);
    // Only validated module paths were stored.
    const stored = readdirSync(join(work, "storage"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(join(work, "storage"), join(e.parentPath, e.name)))
      .filter((f) => !f.startsWith(".gopave/"));
    for (const f of stored) expect(f.startsWith("example.test/fuzz/m/@v/"), f).toBe(true);
    expect(statuses.get("200") ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(30);
    expect(statuses.get("404") ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(20);
    expect(statuses.get("400") ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(100);
  }, 90_000);
});
