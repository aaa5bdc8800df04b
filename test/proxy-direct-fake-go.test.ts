import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageWriteError } from "../src/proxy/storage/write-error.js";
import { createDirectTarget } from "../src/proxy/targets/direct.js";

/**
 * The direct target's process handling, with a scripted `go`: environment, argument shapes,
 * -json parsing, error classification, timeouts (the whole process group dies) and the
 * concurrency bound. The real go command is exercised in proxy-direct.test.ts.
 */
const FAKE_GO = `const fs = require("node:fs");
const { spawn } = require("node:child_process");
const args = process.argv.slice(2);
const env = process.env;
const pick = ["GOPROXY", "GONOPROXY", "GOPRIVATE", "GONOSUMDB", "GOSUMDB", "GOFLAGS", "GOTOOLCHAIN",
  "GOPATH", "GOMODCACHE", "GOCACHE", "GOWORK", "GO111MODULE", "NETRC", "GOAUTH", "GOINSECURE", "GIT_TERMINAL_PROMPT"];
const seen = {};
for (const k of pick) seen[k] = env[k] ?? null;
fs.appendFileSync(env.FAKE_LOG, JSON.stringify({ event: "start", t: Date.now(), args, cwd: process.cwd(), env: seen }) + "\\n");
const done = (code) => {
  fs.appendFileSync(env.FAKE_LOG, JSON.stringify({ event: "end", t: Date.now() }) + "\\n");
  process.exit(code);
};
const mode = env.FAKE_MODE;
const spec = args[args.length - 1];
if (mode === "hang") {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  fs.writeFileSync(env.FAKE_PIDS, JSON.stringify([process.pid, child.pid]));
  setInterval(() => {}, 1000);
} else if (mode === "slow") {
  setTimeout(() => { process.stdout.write(JSON.stringify({ Path: "example.com/m", Versions: ["v1.0.0"] })); done(0); }, 150);
} else if (mode === "error") {
  process.stdout.write(JSON.stringify({ Path: "example.com/m", Version: "v1.0.0", Error: env.FAKE_ERROR }, null, "\\t") + "\\n");
  done(1);
} else if (mode === "stderr") {
  process.stderr.write("go: downloading example.com/m v1.0.0\\n" + env.FAKE_ERROR + "\\n");
  done(1);
} else if (args[0] === "mod" && args[1] === "download") {
  const dir = env.GOMODCACHE + "/cache/download/example.com/m/@v";
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(dir + "/v1.0.0.info", '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
  fs.writeFileSync(dir + "/v1.0.0.mod", "module example.com/m\\n");
  fs.writeFileSync(dir + "/v1.0.0.zip", "PK-fake-zip");
  // Two objects back to back, not an array; the other module first.
  process.stdout.write(JSON.stringify({ Path: "example.com/other", Version: "v0.1.0" }, null, "\\t") + "\\n");
  process.stdout.write(JSON.stringify({ Path: "example.com/m", Version: "v1.0.0", Info: dir + "/v1.0.0.info",
    GoMod: dir + "/v1.0.0.mod", Zip: dir + "/v1.0.0.zip", Origin: { URL: "https://u:p@example.com/{m}" } }, null, "\\t") + "\\n");
  done(0);
} else if (args[0] === "list") {
  if (spec.endsWith("@latest")) process.stdout.write(JSON.stringify({ Path: "example.com/m", Version: "v1.2.0", Time: "2024-02-01T00:00:00Z", Versions: ["v1.0.0"] }));
  else process.stdout.write(JSON.stringify({ Path: "example.com/m", Versions: ["v1.0.0", "v1.2.0"] }));
  done(0);
} else {
  done(2);
}
`;

interface LogLine {
  event: "start" | "end";
  t: number;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
}

let dir: string;
let goBinary: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gopave-direct-fake-"));
  goBinary = join(dir, "go");
  // A .cjs script behind a shell wrapper: an extensionless script would follow whatever
  // package.json "type" happens to sit above the temp directory.
  writeFileSync(join(dir, "fake-go.cjs"), FAKE_GO);
  writeFileSync(
    goBinary,
    `#!/bin/sh\nexec "${process.execPath}" "${join(dir, "fake-go.cjs")}" "$@"\n`,
  );
  chmodSync(goBinary, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh log file and base environment for one test. */
function setup(extra: NodeJS.ProcessEnv = {}) {
  const log = join(dir, `log-${++n}.jsonl`);
  writeFileSync(log, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    FAKE_LOG: log,
    FAKE_PIDS: join(dir, `pids-${n}.json`),
    GOPATH: "/user/go",
    GOMODCACHE: "/user/go/pkg/mod",
    GOFLAGS: "-mod=vendor",
    GOPROXY: "https://corp.example/proxy",
    NETRC: "/secrets/netrc",
    GOAUTH: "git /src",
    GOINSECURE: "*.corp.example",
    ...extra,
  };
  const lines = () =>
    readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as LogLine);
  return { env, lines, pids: env.FAKE_PIDS as string };
}

const signal = new AbortController().signal;

describe("direct target process handling", () => {
  it("runs go mod download in a private GOPATH with direct settings for a private route", async () => {
    const { env, lines } = setup();
    const target = createDirectTarget({ env, goBinary });
    try {
      const info = await target.info("example.com/m", "v1.0.0", signal);
      expect(info.ok && info.value.toString()).toContain('"Version":"v1.0.0"');
      const mod = await target.mod("example.com/m", "v1.0.0", signal);
      expect(mod.ok && mod.value.toString()).toBe("module example.com/m\n");
      const dest = join(dir, "copied.zip");
      const zip = await target.zip("example.com/m", "v1.0.0", dest, signal);
      expect(zip).toEqual({ ok: true, value: { size: 11 } });
      expect(readFileSync(dest, "utf8")).toBe("PK-fake-zip");

      const starts = lines().filter((l) => l.event === "start");
      expect(starts).toHaveLength(3);
      const first = starts[0] as LogLine;
      expect(first.args).toEqual(["mod", "download", "-json", "example.com/m@v1.0.0"]);
      expect(first.env).toMatchObject({
        GOPROXY: "direct",
        GONOPROXY: "",
        GOPRIVATE: "*",
        GONOSUMDB: "*",
        GOFLAGS: "-mod=mod -modcacherw",
        GOTOOLCHAIN: "local",
        GOWORK: "off",
        GO111MODULE: "on",
        GIT_TERMINAL_PROMPT: "0",
        // Credentials and VCS settings pass through.
        NETRC: "/secrets/netrc",
        GOAUTH: "git /src",
        GOINSECURE: "*.corp.example",
      });
      expect(first.env?.GOPATH).not.toBe("/user/go");
      expect(first.env?.GOMODCACHE).toBe(`${first.env?.GOPATH}/pkg/mod`);
      expect(first.cwd?.startsWith(join(first.env?.GOPATH as string, ".."))).toBe(true);
      // One private GOPATH per target, reused: cached downloads stay cached.
      expect(new Set(starts.map((s) => s.env?.GOPATH)).size).toBe(1);
      await target.close();
      expect(existsSync(first.env?.GOPATH as string)).toBe(false);
    } finally {
      await target.close();
    }
  });

  it("reports a full storage volume as the storage's failure, not the module's", async () => {
    // A one-page tmpfs, filled: the kernel's own ENOSPC. Needs root (mount), like the disk
    // fault tests.
    const mnt = join(dir, "full");
    mkdirSync(mnt);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", mnt]);
    const { env } = setup();
    const target = createDirectTarget({ env, goBinary });
    try {
      writeFileSync(join(mnt, "filler"), Buffer.alloc(4096));
      const dest = join(mnt, "zip.tmp");
      const err = await target.zip("example.com/m", "v1.0.0", dest, signal).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageWriteError);
      expect((err as StorageWriteError).full).toBe(true);
      expect((err as Error).message).toMatch(/ENOSPC/);
    } finally {
      await target.close();
      execFileSync("umount", [mnt]);
    }
  });

  it("keeps the checksum database on for a public route", async () => {
    const { env, lines } = setup({ GOSUMDB: "sum.golang.org" });
    const target = createDirectTarget({ env, goBinary, ssrfCheck: async () => {} });
    try {
      await target.info("example.com/m", "v1.0.0", signal);
      expect(lines()[0]?.env).toMatchObject({
        GONOSUMDB: "",
        GOPRIVATE: "",
        GOSUMDB: "sum.golang.org",
      });
    } finally {
      await target.close();
    }
  });

  it("answers list and @latest from go list -m -json", async () => {
    const { env, lines } = setup();
    const target = createDirectTarget({ env, goBinary });
    try {
      expect(await target.list("example.com/m", signal)).toEqual({
        ok: true,
        value: "v1.0.0\nv1.2.0\n",
      });
      const latest = await target.latest("example.com/m", signal);
      expect(latest.ok && JSON.parse(latest.value)).toEqual({
        Version: "v1.2.0",
        Time: "2024-02-01T00:00:00Z",
      });
      const starts = lines().filter((l) => l.event === "start");
      expect(starts.map((s) => s.args)).toEqual([
        ["list", "-m", "-json", "-versions", "example.com/m"],
        ["list", "-m", "-json", "example.com/m@latest"],
      ]);
    } finally {
      await target.close();
    }
  });

  it.each([
    ["example.com/m@v1.0.0: invalid version: unknown revision v1.0.0", true],
    ["example.com/m@v1.0.0: no matching versions for query", true],
    ["reading https://example.com/m?go-get=1: 404 Not Found", true],
    ["reading https://corp.example/m/@v/v1.0.0.info: 410 Gone", true],
    ["fatal: repository 'https://example.com/m/' not found", true],
    ["dial tcp 10.0.0.1:443: i/o timeout", false],
    ["fatal: could not read Username for 'https://example.com': terminal prompts disabled", false],
    ['exec: "git": executable file not found in $PATH', false],
    ["reading https://example.com/m: 500 Internal Server Error", false],
    ["verifying example.com/m@v1.0.0: checksum mismatch", false],
  ])("classifies %j (inline -json Error) as not-found: %s", async (message, isNotFound) => {
    const { env } = setup({ FAKE_MODE: "error", FAKE_ERROR: message });
    const target = createDirectTarget({ env, goBinary });
    try {
      const r = await target.info("example.com/m", "v1.0.0", signal);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.notFound).toBe(isNotFound);
        expect(r.status).toBe(isNotFound ? 404 : 502);
      }
    } finally {
      await target.close();
    }
  });

  it("classifies go list's stderr and redacts credentials in messages", async () => {
    const { env } = setup({
      FAKE_MODE: "stderr",
      FAKE_ERROR:
        "go: module example.com/m: git ls-remote https://bob:hunter2@example.com/m: exit status 128",
    });
    const target = createDirectTarget({ env, goBinary });
    try {
      const r = await target.list("example.com/m", signal);
      expect(r).toMatchObject({ ok: false, notFound: false, status: 502 });
      if (!r.ok) {
        expect(r.message).not.toContain("hunter2");
        expect(r.message).not.toContain("go: downloading");
        expect(r.message).toContain("https://***@example.com/m");
      }
    } finally {
      await target.close();
    }
  });

  it("kills go and its children on timeout and reports an error, not not-found", async () => {
    const { env, pids } = setup({ FAKE_MODE: "hang" });
    const target = createDirectTarget({ env, goBinary, timeoutMs: 700 });
    try {
      const start = Date.now();
      const r = await target.zip("example.com/m", "v1.0.0", join(dir, "never.zip"), signal);
      expect(r).toMatchObject({ ok: false, notFound: false, status: 504 });
      expect(Date.now() - start).toBeLessThan(5000);
      const [goPid, childPid] = JSON.parse(readFileSync(pids, "utf8")) as [number, number];
      await new Promise((res) => setTimeout(res, 200));
      for (const pid of [goPid, childPid]) expect(alive(pid)).toBe(false);
    } finally {
      await target.close();
    }
  });

  it("kills the process when the request is aborted", async () => {
    const { env, pids } = setup({ FAKE_MODE: "hang" });
    const target = createDirectTarget({ env, goBinary, timeoutMs: 30_000 });
    try {
      const ac = new AbortController();
      const pending = target.list("example.com/m", ac.signal);
      await waitFor(() => existsSync(pids));
      ac.abort();
      const r = await pending;
      expect(r).toMatchObject({ ok: false, notFound: false });
      const [goPid] = JSON.parse(readFileSync(pids, "utf8")) as [number];
      await new Promise((res) => setTimeout(res, 200));
      expect(alive(goPid)).toBe(false);
    } finally {
      await target.close();
    }
  });

  it("runs at most `concurrency` go commands at once", async () => {
    const { env, lines } = setup({ FAKE_MODE: "slow" });
    const target = createDirectTarget({ env, goBinary, concurrency: 2 });
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => target.list("example.com/m", signal)),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      let running = 0;
      let max = 0;
      const events = lines().sort((a, b) => a.t - b.t || (a.event === "end" ? -1 : 1));
      for (const e of events) {
        running += e.event === "start" ? 1 : -1;
        max = Math.max(max, running);
      }
      expect(events.filter((e) => e.event === "start")).toHaveLength(6);
      expect(max).toBeLessThanOrEqual(2);
      expect(max).toBe(2);
    } finally {
      await target.close();
    }
  });

  it("refuses a host the SSRF check rejects before go runs (403, not not-found)", async () => {
    const { env, lines } = setup();
    const checked: string[] = [];
    const target = createDirectTarget({
      env,
      goBinary,
      ssrfCheck: async (host) => {
        checked.push(host);
        if (host === "127.0.0.1" || host.startsWith("169.254."))
          throw new Error("loopback address");
      },
    });
    try {
      for (const module of ["127.0.0.1/x", "169.254.169.254/latest/meta-data"]) {
        const r = await target.info(module, "v1.0.0", signal);
        expect(r).toMatchObject({ ok: false, notFound: false, status: 403 });
        if (!r.ok) expect(r.message).toContain("loopback address");
      }
      expect(await target.list("127.0.0.1/x", signal)).toMatchObject({ status: 403 });
      expect(checked).toEqual(["127.0.0.1", "169.254.169.254", "127.0.0.1"]);
      expect(lines()).toEqual([]);
      // An allowed host runs go as usual.
      expect((await target.info("example.com/m", "v1.0.0", signal)).ok).toBe(true);
      expect(checked.at(-1)).toBe("example.com");
    } finally {
      await target.close();
    }
  });

  it("rejects arguments go must never see, without running it", async () => {
    const { env, lines } = setup();
    const target = createDirectTarget({ env, goBinary });
    try {
      expect(await target.info("example.com/m", "-x", signal)).toMatchObject({
        status: 400,
        notFound: false,
      });
      expect(await target.info("example.com/m", "/etc", signal)).toMatchObject({ status: 400 });
      expect(await target.list("-modfile=x", signal)).toMatchObject({ status: 400 });
      expect(await target.info("example.com/m", "latest", signal)).toMatchObject({
        notFound: true,
      });
      expect(await target.zip("example.com/m", "master", join(dir, "x.zip"), signal)).toMatchObject(
        {
          notFound: true,
        },
      );
      expect(lines()).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it("reports a missing go binary as an error", async () => {
    const { env } = setup();
    const target = createDirectTarget({ env, goBinary: join(dir, "absent-go") });
    try {
      const r = await target.list("example.com/m", signal);
      expect(r).toMatchObject({ ok: false, notFound: false, status: 503 });
    } finally {
      await target.close();
    }
  });
});

/** Running (a zombie waiting for a reaper that never comes, e.g. in a container, is dead). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
