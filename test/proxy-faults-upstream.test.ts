import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe } from "./helpers/proxy-faults-cli.js";
import type { ServeProcess } from "./helpers/proxy-faults-cli.js";
import { makeFaultModules, quietGoDirs } from "./helpers/proxy-faults-modules.js";
import type { FaultModule, FaultModules } from "./helpers/proxy-faults-modules.js";
import { startFaultUpstream } from "./helpers/proxy-faults-upstream.js";
import type { Fault, FaultUpstream } from "./helpers/proxy-faults-upstream.js";
import { isolatedGoEnv, runGo } from "./helpers/proxy-e2e-go.js";
import type { GoRun } from "./helpers/proxy-e2e-go.js";

/**
 * A misbehaving upstream, seen by the real go command through gopave (built CLI): for each
 * fault and each of .info, .mod and .zip, go fails with an error that says what happened; a
 * healthy upstream afterwards serves the same files correctly (nothing bad was cached), and
 * what was cached before keeps being served while the upstream is broken.
 */
const FAULTS = ["status500", "hang", "slow", "truncate", "length-over", "length-under"] as const;
const FILES = ["info", "mod", "zip"] as const;
type File = (typeof FILES)[number];

/**
 * What the go command must print for each fault: gopave's status (go prints it with the
 * response body) and gopave's own words for it. A Content-Length shorter than the body is an
 * answer the upstream's HTTP framing cannot tell from a complete one: the verification catches
 * it (invalid .info, or bytes that do not match go.sum).
 */
const TIMEOUT = [
  /504 Gateway Timeout/,
  /gateway timeout: .*: timed out \(no complete answer within \d+ ms\)/,
];
const CUT = [
  /502 Bad Gateway/,
  /bad gateway: .*: the connection closed before the whole answer arrived \(ECONNRESET\)/,
];
const EXPECTED: Record<(typeof FAULTS)[number], Record<File, RegExp[]>> = {
  status500: all([
    /502 Bad Gateway/,
    /bad gateway: .*: upstream answered 500: the test upstream exploded/,
  ]),
  hang: all(TIMEOUT),
  slow: all(TIMEOUT),
  truncate: all(CUT),
  "length-over": all(CUT),
  "length-under": {
    info: [/502 Bad Gateway/, /bad gateway: upstream returned an \.info answer that is not JSON/],
    mod: [
      /403 Forbidden/,
      /checksum mismatch: downloaded h1:\S+, go\.sum has h1:/,
      /gopave refused the upstream's go\.mod: it does not match go\.sum \(not cached\)/,
    ],
    zip: [
      /403 Forbidden/,
      /gopave refused the upstream's zip: it is not a valid module zip \(not cached\)/,
    ],
  },
};

function all(res: RegExp[]): Record<File, RegExp[]> {
  return { info: res, mod: res, zip: res };
}

let work: string;
let mods: FaultModules;
let upstream: FaultUpstream;
let serve: ServeProcess;
const goHomes: string[] = [];

const moduleName = (fault: string, file: string) => `example.test/faults/${fault}-${file}`;
const CACHED = "example.test/faults/cached";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gopave-faults-upstream-"));
  const specs = [
    { path: CACHED, version: "v1.0.0", blobBytes: 64 * 1024 },
    ...FAULTS.flatMap((fault) =>
      FILES.map((file) => ({
        path: moduleName(fault, file),
        version: "v1.0.0",
        blobBytes: 64 * 1024,
      })),
    ),
  ];
  mods = await makeFaultModules(join(work, "upstream"), specs);
  upstream = await startFaultUpstream(mods.root);
  const dir = join(work, "serve");
  mkdirSync(dir);
  serve = await startServe({
    dir,
    storage: join(work, "storage"),
    upstream: upstream.url,
    trustedSums: [mods.goSum],
    extraConfig: "timeouts:\n  metadata: 1s\n  download: 2s\n",
  });
}, 120_000);

afterAll(async () => {
  await serve?.kill("SIGTERM");
  await upstream?.close();
  for (const h of goHomes) rmSync(h, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
  if (mods) rmSync(join(mods.goSum, ".."), { recursive: true, force: true });
});

const mod = (path: string) => mods.modules.find((m) => m.path === path) as FaultModule;
const pathOf = (m: FaultModule, ext: string) =>
  [...m.files.keys()].find((p) => p.endsWith(`.${ext}`)) as string;

/** `go mod download -json m@v` in a fresh client module whose go.sum lists m, fresh caches. */
async function goDownload(m: FaultModule): Promise<GoRun> {
  const dirs = await quietGoDirs("gopave-faults-go");
  goHomes.push(dirs.home);
  const client = join(dirs.home, "client");
  mkdirSync(client);
  writeFileSync(join(client, "go.mod"), "module example.test/client\n\ngo 1.21\n");
  const sums = readFileSync(mods.goSum, "utf8")
    .split("\n")
    .filter((l) => l.startsWith(`${m.path} `));
  writeFileSync(join(client, "go.sum"), `${sums.join("\n")}\n`);
  return runGo(["mod", "download", "-json", `${m.path}@${m.version}`], {
    cwd: client,
    env: isolatedGoEnv(dirs, { GOPROXY: serve.url }),
    timeoutMs: 30_000,
  });
}

async function expectServed(m: FaultModule): Promise<void> {
  for (const ext of FILES) {
    const p = pathOf(m, ext);
    const r = await fetch(`${serve.url}${p}`);
    expect(r.status, `${p}: ${await r.clone().text()}`).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(m.files.get(p) as Buffer), p).toBe(true);
  }
}

describe("upstream faults through gopave, seen by the go command", () => {
  it("serves a module cached before the upstream broke, whatever the upstream does", async () => {
    const cached = mod(CACHED);
    const first = await goDownload(cached);
    expect(first.code, first.stderr).toBe(0);
    for (const f of ["status500", "hang", "truncate"] as Fault[]) {
      upstream.faultAll(f);
      const again = await goDownload(cached);
      expect(again.code, `${f}: ${again.stderr}`).toBe(0);
    }
    upstream.faultAll("ok");
  }, 60_000);

  for (const fault of FAULTS) {
    it(`${fault}: go names the failure, nothing is cached, a healthy upstream then serves the files`, async () => {
      for (const file of FILES) {
        const m = mod(moduleName(fault, file));
        const p = pathOf(m, file);
        upstream.fault(p, fault);
        const run = await goDownload(m);
        expect(run.code, `${fault} on .${file}: go succeeded:\n${run.stdout}`).not.toBe(0);
        const said = `${run.stdout}\n${run.stderr}`;
        expect(said, `${fault} on .${file}`).toContain(`${serve.url}${p}`);
        for (const re of EXPECTED[fault][file]) expect(said, `${fault} on .${file}`).toMatch(re);
        expect(upstream.count(p), `${fault} on .${file} reached the upstream`).toBeGreaterThan(0);
        upstream.fault(p, "ok");
        await expectServed(m);
        const good = await goDownload(m);
        expect(good.code, `${fault} on .${file}, then healthy: ${good.stderr}`).toBe(0);
      }
    }, 60_000);
  }
});
