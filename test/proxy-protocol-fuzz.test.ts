import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkModulePath } from "../src/gomod/module-escape.js";
import { createProxy } from "../src/proxy/index.js";
import type { Proxy } from "../src/proxy/index.js";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import { createUpstreamTarget } from "../src/proxy/targets/upstream.js";
import type { Storage } from "../src/proxy/types.js";
import { FakeVerifier } from "./helpers/proxy-fakes.js";
import { MemoryStorage } from "./helpers/proxy-memory-storage.js";
import { rawRequest, rawSocket } from "./helpers/proxy-server.js";
import { mulberry32 } from "./helpers/seeded-random.js";

/**
 * Random and adversarial request paths through the real server and a real file:// upstream
 * target: nothing may produce a 5xx, a 400 must never reach storage, and no file outside the
 * storage root may be created, changed or removed.
 */
const SEED = Number(process.env.GOPAVE_FUZZ_SEED ?? 20240601);
const RANDOM_PATHS = 1200;

const PIECES = [
  "/",
  "/",
  "/",
  ".",
  "..",
  "%2e",
  "%2E%2e",
  "%2f",
  "%2F",
  "%5c",
  "%00",
  "%0a",
  "%ff",
  "%c3%a9",
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
  "%2B",
  "-",
  "~1",
  "example.com",
  "github.com",
  "m",
  "A",
  "z9",
  "con",
  "gopkg.in",
  "yaml.v3",
  "sumdb",
  "/sumdb/",
  "sum.golang.org",
  "lookup",
  "tile",
  "x001",
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
];

const CORPUS = [
  "/../../../etc/passwd",
  "/..%2f..%2f..%2fetc%2fpasswd/@v/list",
  "/example.com/m/@v/..%2f..%2f..%2fsecret%2fsecret.txt.info",
  "/example.com/m/@v/%2e%2e%2f%2e%2e%2fsecret.info",
  "/%2e%2e/secret/@v/list",
  "/example.com/m/@v/v1.0.0.zip%00.info",
  "/example.com/m%00/@v/list",
  "/example.com/m/@v/list%00",
  "/sumdb/../example.com/m/@v/list",
  "/sumdb/sum.golang.org/../../secret",
  "/example.com/m/@v/" + "v1.0.0".repeat(800) + ".info",
  "/" + "a/".repeat(1500) + "@v/list",
  "/example.com/!!m/@v/list",
  "/example.com/m/@v/v1.0.0%2f..%2f..%2fx.zip",
  "/example.com/m/@v/V1.0.0.info",
  "/example.com/m/@v/!v1.0.0.info",
  "/example.com/m/@v/v1.0.0.info/",
  "/example.com/m/@v/v1.0.0.info?../../x",
  "/example.com/m/@v/v1.0.0.mod",
  "/example.com/m/@v/v1.0.0.zip",
  "/example.com/m/@v/list",
  "/example.com/m/@latest",
  "/example.com/@v/list",
  "//example.com/m/@v/list",
  "/\\..\\..\\secret/@v/list",
];

function randomPath(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 12);
  let s = rand() < 0.9 ? "/" : "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)] as string;
  return s;
}

/** name → size:mtime of every file and directory under `dir`. */
function snapshot(dir: string, skip: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (skip.some((s) => full === s || full.startsWith(`${s}/`))) continue;
      const st = statSync(full);
      out.set(relative(dir, full), `${e.isDirectory() ? "d" : st.size}:${st.mtimeMs}`);
      if (e.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

let sandbox: string;
beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), "gopave-fuzz-"));
  mkdirSync(join(sandbox, "secret"));
  writeFileSync(join(sandbox, "secret", "secret.txt"), "do not serve me");
  const v = join(sandbox, "upstream", "example.com", "m", "@v");
  mkdirSync(v, { recursive: true });
  writeFileSync(join(v, "list"), "v1.0.0\n");
  writeFileSync(join(v, "v1.0.0.info"), '{"Version":"v1.0.0"}');
  writeFileSync(join(v, "v1.0.0.mod"), "module example.com/m\n");
  writeFileSync(join(v, "v1.0.0.zip"), "PK-not-really");
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe.each(["memory", "fs"] as const)("path fuzzing (%s storage)", (kind) => {
  let proxy: Proxy;
  let url: string;
  let storage: Storage;
  let memory: MemoryStorage | undefined;
  let root: string;

  beforeAll(async () => {
    root = join(sandbox, `storage-${kind}`);
    mkdirSync(root);
    memory = kind === "memory" ? new MemoryStorage(root) : undefined;
    storage = memory ?? (await createFsStorage(root));
    const target = createUpstreamTarget({ list: pathToFileURL(join(sandbox, "upstream")).href });
    proxy = createProxy(
      { routes: [{ pattern: "*", name: "default", target, verify: true }] },
      { storage, verifier: new FakeVerifier(), logStream: { write: () => undefined } },
    );
    url = await proxy.listen(0, "127.0.0.1");
  });
  afterAll(async () => {
    await proxy.close();
    await storage.close();
  });

  it(`answers ${RANDOM_PATHS} random and ${CORPUS.length} adversarial paths without 5xx or stray writes (seed ${SEED})`, async () => {
    const before = snapshot(sandbox, [root]);
    const rand = mulberry32(SEED);
    const paths = [...CORPUS, ...Array.from({ length: RANDOM_PATHS }, () => randomPath(rand))];
    const statuses = new Map<number, number>();
    for (const path of paths) {
      if (memory) memory.calls = [];
      let status: number;
      try {
        status = (await rawRequest(url, path, rand() < 0.1 ? "HEAD" : "GET")).status;
      } catch (err) {
        // Node's client refuses some request targets itself; they never reach the server.
        expect((err as NodeJS.ErrnoException).code, path).toBe("ERR_UNESCAPED_CHARACTERS");
        continue;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, path).toBeLessThan(500);
      if (status === 400 && memory) expect(memory.calls, path).toEqual([]);
    }
    for (const line of ["GET /example.com/m\u0000/@v/list HTTP/1.1", "GET /a b/@v/list HTTP/1.1"]) {
      const answer = await rawSocket(url, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect(snapshot(sandbox, [root])).toEqual(before);
    // Only the one real module ever got stored, under its validated path.
    if (memory) {
      for (const key of memory.files.keys()) {
        expect(checkModulePath(key.slice(0, key.indexOf("@")))).toBeUndefined();
        expect(key.startsWith("example.com/m@v1.0.0.")).toBe(true);
      }
    } else {
      const files = [...snapshot(root).keys()].filter((k) => !k.startsWith(".gopave"));
      for (const f of files) expect(f.startsWith("example.com")).toBe(true);
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(statuses.get(200)).toBeGreaterThan(0);
  });
});
