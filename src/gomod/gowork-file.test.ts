import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GopaveError } from "../util/errors.js";
import { parseGoWork } from "./gowork-file.js";

execFileSync("go", ["version"]);

const scratch = mkdtempSync(join(tmpdir(), "gopave-gowork-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function goWorkEditJson(text: string): { ok: boolean; json: unknown; stderr: string } {
  writeFileSync(join(scratch, "go.work"), text);
  const r = spawnSync("go", ["work", "edit", "-json"], {
    cwd: scratch,
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "", GOWORK: join(scratch, "go.work") },
    encoding: "utf8",
  });
  const json: unknown =
    r.status === 0
      ? JSON.parse(r.stdout, (_k, v: unknown) => (v === null ? undefined : v))
      : undefined;
  return { ok: r.status === 0, json, stderr: r.stderr };
}

const WORK = `go 1.24.2

toolchain go1.26.8

godebug default=go1.21

// the services
use (
\t./svc/api // main one
\t"./lib"
\t../outside
)
use ./tools

replace example.com/a v1.0.0 => ./a
replace example.com/b => example.com/c v1.2.0
`;

describe("parseGoWork", () => {
  it("agrees with `go work edit -json`", () => {
    const go = goWorkEditJson(WORK);
    expect(go.ok, go.stderr).toBe(true);
    const w = parseGoWork(WORK, "go.work");
    const mv = (m: { path: string; version: string | undefined }) =>
      m.version === undefined ? { Path: m.path } : { Path: m.path, Version: m.version };
    // `go work edit -json` leaves out toolchain and godebug (go1.26), so those are checked below.
    expect(w.toolchain).toEqual({ name: "go1.26.8", line: 3 });
    expect(w.godebug).toEqual([{ key: "default", value: "go1.21", line: 5 }]);
    expect({
      Go: w.go?.version,
      Use: w.use.map((u) => ({ DiskPath: u.dir })),
      Replace: w.replaces.map((r) => ({ Old: mv(r.old), New: mv(r.new) })),
    }).toEqual(go.json);
  });

  it("keeps use lines and their positions in file order", () => {
    const w = parseGoWork(WORK, "go.work");
    expect(w.use).toEqual([
      { dir: "./svc/api", line: 9 },
      { dir: "./lib", line: 10 },
      { dir: "../outside", line: 11 },
      { dir: "./tools", line: 13 },
    ]);
    expect(w.go).toEqual({ version: "1.24.2", line: 1 });
  });

  it.each([
    ["go 1.24\nmodule example.com/x\n", 2, 1, /unknown directive: module/],
    ["go 1.24\nrequire (\n\texample.com/x v1.0.0\n)\n", 2, 1, /unknown block type: require/],
    ["use ./a ./b\n", 1, 1, /usage: use local\/dir/],
    ["go 1.24\ngo 1.25\n", 2, 1, /repeated go statement/],
  ])("rejects %j like the go command", (text, line, col, msg) => {
    expect(goWorkEditJson(text).ok).toBe(false);
    let err: unknown;
    try {
      parseGoWork(text, "go.work");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GopaveError);
    expect((err as GopaveError).message).toMatch(msg);
    expect((err as GopaveError).position).toEqual({ file: "go.work", line, col });
  });
});
