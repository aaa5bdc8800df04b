/**
 * The explainer against what the real go command prints, provoked offline: no network, a
 * throwaway GOPATH/HOME, and a local HTTP server standing in for a proxy and a checksum
 * database. Skipped when no `go` is on PATH.
 */

import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainGoError, formatExplanations } from "../src/doctor/explain/index.js";

const HAVE_GO = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
const MOD = "git.corp.example/platform/auth";

/** Runs go asynchronously: the fake proxy lives in this process and must keep answering. */
function go(
  dir: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "go",
      args,
      { cwd: dir, env: { ...baseEnv, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

let root = "";
let baseEnv: Record<string, string> = {};
let server: Server | undefined;
let port = 0;

function writeModule(dir: string, goLine: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "go.mod"),
    `module example.com/app\n\ngo ${goLine}\n\nrequire ${MOD} v1.4.2\n`,
  );
  writeFileSync(join(dir, "main.go"), `package main\n\nimport _ "${MOD}"\n\nfunc main() {}\n`);
  return dir;
}

describe("explainGoError on real go command output", () => {
  it("has the real go command (the suite needs it)", () => {
    expect(HAVE_GO).toBe(true);
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "gopave-explain-"));
    baseEnv = {
      PATH: process.env.PATH ?? "",
      HOME: join(root, "home"),
      XDG_CONFIG_HOME: join(root, "config"),
      GOENV: "off",
      GOPATH: join(root, "gopath"),
      GOMODCACHE: join(root, "gopath", "pkg", "mod"),
      GOCACHE: join(root, "cache"),
      GOFLAGS: "-modcacherw",
      GOTOOLCHAIN: "local",
      GOPRIVATE: "",
      GONOPROXY: "",
      GONOSUMDB: "",
      GOSUMDB: "off",
      GOPROXY: "off",
    };
    // A proxy that answers the status named by the first path element ("/404/...").
    server = createServer((req, res) => {
      const status = Number(/^\/(\d{3})\//.exec(req.url ?? "")?.[1] ?? 404);
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(status === 429 ? "rate limit exceeded\n" : `not found: ${req.url ?? ""}\n`);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("GOPROXY=off", async () => {
    const dir = writeModule(join(root, "off"), "1.22");
    const r = await go(dir, ["mod", "download"], { GOPROXY: "off" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("module lookup disabled by GOPROXY=off");
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual(["goproxy-off"]);
    expect(list[0]?.module).toBe(MOD);
  });

  it("GOPROXY=skip (not a keyword)", async () => {
    const dir = writeModule(join(root, "skip"), "1.22");
    const r = await go(dir, ["mod", "download"], { GOPROXY: "skip" });
    expect(r.output).toContain("invalid proxy URL missing scheme: skip");
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual(["invalid-goproxy"]);
    expect(list[0]?.title).toContain('"skip"');
  });

  it("go.mod needs a newer Go under GOTOOLCHAIN=local", async () => {
    const dir = writeModule(join(root, "toolchain"), "1.99");
    const r = await go(dir, ["build", "./..."], { GOTOOLCHAIN: "local" });
    expect(r.output).toMatch(/go\.mod requires go >= 1\.99 \(running go \S+; GOTOOLCHAIN=local\)/);
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual(["toolchain-refused"]);
    expect(list[0]?.title).toContain("GOTOOLCHAIN=local");
    expect(list[0]?.fix.join("\n")).toContain("GOTOOLCHAIN=go1.99+auto");
  });

  it("missing go.sum entries under -mod=readonly", async () => {
    const dir = writeModule(join(root, "gosum"), "1.22");
    const build = await go(dir, ["build", "./..."], {});
    expect(build.output).toContain("missing go.sum entry for module providing package");
    expect(explainGoError(build.output).map((e) => e.id)).toEqual(["missing-go-sum-entry"]);
    // With GOPROXY=off the go command also reports the lookup it could not make.
    const list = await go(dir, ["list", "-m", "all"], { GOFLAGS: "-mod=readonly" });
    expect(list.output).toContain(`${MOD}@v1.4.2: missing go.sum entry for go.mod file`);
    const e = explainGoError(list.output);
    expect(e.map((x) => x.id)).toEqual(["goproxy-off", "missing-go-sum-entry"]);
    expect(e[1]?.module).toBe(MOD);
    expect(e[1]?.fix.join("\n")).toContain(`go mod download ${MOD}`);
  });

  it.each([
    ["404", "proxy-not-found"],
    ["410", "proxy-not-found"],
    ["403", "proxy-forbidden"],
    ["429", "proxy-rate-limited"],
    ["503", "proxy-server-error"],
  ])("a proxy answering %s", async (status, id) => {
    const dir = writeModule(join(root, `proxy-${status}`), "1.22");
    const r = await go(dir, ["mod", "download"], { GOPROXY: `http://127.0.0.1:${port}/${status}` });
    expect(r.output).toContain(`:${port}/${status}/${MOD}/@v/v1.4.2.mod: ${status}`);
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual([id]);
    expect(list[0]?.module).toBe(MOD);
    expect(list[0]?.title).toContain(`127.0.0.1:${port}`);
  });

  it("credentials in an http:// GOPROXY: refused, and never echoed", async () => {
    const dir = writeModule(join(root, "insecure-creds"), "1.22");
    const r = await go(dir, ["mod", "download"], {
      GOPROXY: `http://ci-bot:s3cr3t@127.0.0.1:${port}/404`,
    });
    expect(r.output).toContain("refusing to pass credentials to insecure URL");
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual(["credentials-over-http"]);
    const printed = formatExplanations(list, (s) => s) + JSON.stringify(list);
    expect(printed).not.toMatch(/ci-bot|s3cr3t|xxxxx/);
    expect(printed).toContain("https://");
  });

  it("the checksum database answering 410 for a private module", async () => {
    // A file:// proxy with the module's .info and .mod is enough for the go.mod lookup.
    const proxyDir = join(root, "fileproxy", ...MOD.split("/"), "@v");
    mkdirSync(proxyDir, { recursive: true });
    writeFileSync(join(proxyDir, "list"), "v1.4.2\n");
    writeFileSync(
      join(proxyDir, "v1.4.2.info"),
      '{"Version":"v1.4.2","Time":"2024-05-01T10:00:00Z"}\n',
    );
    writeFileSync(join(proxyDir, "v1.4.2.mod"), `module ${MOD}\n\ngo 1.22\n`);
    const dir = writeModule(join(root, "sumdb"), "1.22");
    const r = await go(dir, ["mod", "download"], {
      GOPROXY: `file://${join(root, "fileproxy")}`,
      // The checksum database's real name and key, at a local URL: the lookup happens first.
      GOSUMDB: `sum.golang.org http://127.0.0.1:${port}/410`,
    });
    expect(r.output).toMatch(/verifying go\.mod: .*\/lookup\/.*: 410 Gone/);
    const list = explainGoError(r.output);
    expect(list.map((e) => e.id)).toEqual(["sumdb-not-found"]);
    expect(list[0]?.fix.join("\n")).toContain("GOPRIVATE=git.corp.example`");
  });

  it("nothing listening at the proxy", async () => {
    const dir = writeModule(join(root, "refused"), "1.22");
    const r = await go(dir, ["mod", "download"], { GOPROXY: "http://127.0.0.1:1" });
    expect(r.output).toContain("connection refused");
    expect(explainGoError(r.output).map((e) => e.id)).toEqual(["network-unreachable"]);
  });
});
