import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { Check } from "../src/doctor/types.js";
import { gopave, snapshot } from "./helpers/cli.js";
import { fakeMachine } from "./helpers/fake-go.js";
import type { FakeMachine } from "./helpers/fake-go.js";

const SPEC = `version: 1
name: app
go:
  version: 1.26.8
  toolchain: local
modules:
  proxy: file://HOME/proxy
  sumdb: off
  private: [git.corp.example]
  flags: [-mod=readonly]
tools:
  gopls: v0.23.0
  gofumpt: v0.10.0
`;

function setup(): FakeMachine {
  const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=auto\n" });
  m.writeSpec(SPEC.replace("HOME", m.home));
  mkdirSync(join(m.home, "proxy"));
  mkdirSync(dirname(m.envFile), { recursive: true });
  // A stale GOFLAGS the user keeps; gopave adds its flag and keeps theirs.
  writeFileSync(m.envFile, "GOFLAGS=-trimpath\n");
  m.addBuild("golang.org/x/tools/gopls@v0.23.0", {
    bin: "gopls",
    go: "go1.26.8",
    path: "golang.org/x/tools/gopls",
    mod: "golang.org/x/tools/gopls",
    version: "v0.23.0",
  });
  m.addBuild("mvdan.cc/gofumpt@v0.10.0", {
    bin: "gofumpt",
    go: "go1.26.8",
    path: "mvdan.cc/gofumpt",
    mod: "mvdan.cc/gofumpt",
    version: "v0.10.0",
  });
  // An old gofumpt, to be replaced.
  m.placeBinary(m.gobin, {
    bin: "gofumpt",
    go: "go1.26.8",
    path: "mvdan.cc/gofumpt",
    mod: "mvdan.cc/gofumpt",
    version: "v0.9.0",
  });
  return m;
}

describe("doctor --fix", () => {
  it("writes differing settings with go env -w, installs tools, re-audits and says what changed", async () => {
    const m = setup();
    // The shell exports GOSUMDB: go env -w cannot win, so it is reported and left alone.
    const env = { ...m.env, GOSUMDB: "sum.example" };
    const repoBefore = snapshot(m.root);
    const r = await gopave(m.root, ["doctor", "--fix"], env);

    const commands = m.calls().map((c) => c.args.join(" "));
    const writes = commands.filter((c) => c.startsWith("env -w") || c.startsWith("env -u"));
    expect(writes).toEqual([
      `env -w GOPROXY=file://${m.home}/proxy`,
      "env -w GOPRIVATE=git.corp.example",
      "env -w GOFLAGS=-mod=readonly -trimpath",
      // Last, so a toolchain it selects would come through the new GOPROXY.
      "env -w GOTOOLCHAIN=local",
    ]);
    expect(
      m
        .calls()
        .filter((c) => c.args[1] === "-w")
        .every((c) => c.GOTOOLCHAIN === "local"),
    ).toBe(true);
    const installs = m.calls().filter((c) => c.args[0] === "install");
    expect(installs.map((c) => c.args.join(" "))).toEqual([
      "install mvdan.cc/gofumpt@v0.10.0",
      "install golang.org/x/tools/gopls@v0.23.0",
    ]);
    // Installs run with the user's own GOTOOLCHAIN (none exported here), outside the repo.
    expect(installs.every((c) => c.GOTOOLCHAIN === "" && c.cwd === "/")).toBe(true);

    expect(readFileSync(m.envFile, "utf8").split("\n").sort().join("\n")).toBe(
      `\nGOFLAGS=-mod=readonly -trimpath\nGOPRIVATE=git.corp.example\nGOPROXY=file://${m.home}/proxy\nGOTOOLCHAIN=local`,
    );
    expect(r.stdout).toContain("not changed GOSUMDB: your shell exports GOSUMDB");
    expect(r.stdout).toContain(`✓ go env -w GOPROXY=file://${m.home}/proxy`);
    expect(r.stdout).toContain("✓ go env -w 'GOFLAGS=-mod=readonly -trimpath'");
    expect(r.stdout).toMatch(
      / {2}gofumpt v0\.10\.0: go install mvdan\.cc\/gofumpt@v0\.10\.0 \.\.\.\n {4}✓ installed \(\d+\.\ds\)\n/,
    );
    expect(r.stdout).toContain("Changed:\n");
    expect(r.stdout).toContain("  GOPROXY: FAIL -> pass\n");
    expect(r.stdout).toContain("  gopls v0.23.0: FAIL -> pass\n");
    // GOSUMDB still differs, so the re-audit fails.
    expect(r.stdout).toMatch(/FAIL {2}GOSUMDB/);
    expect(r.code).toBe(1);
    // Nothing in the repo was touched.
    expect(snapshot(m.root)).toEqual(repoBefore);

    const again = await gopave(m.root, ["doctor", "--json"], { ...env, GOSUMDB: "" });
    const checks = (JSON.parse(again.stdout) as { checks: Check[] }).checks;
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(again.code).toBe(0);
  });

  it("prints one JSON document with fixes and changes, progress on stderr", async () => {
    const m = setup();
    const r = await gopave(m.root, ["doctor", "--fix", "--json"], m.env);
    const out = JSON.parse(r.stdout) as {
      checks: Check[];
      summary: { fail: number };
      fixes: { id: string; command: string; ok: boolean }[];
      changes: { id: string; before: string; after: string }[];
    };
    expect(out.summary.fail).toBe(0);
    expect(r.code).toBe(0);
    expect(out.fixes.map((f) => [f.id, f.command, f.ok])).toEqual([
      ["env.GOPROXY", `go env -w GOPROXY=file://${m.home}/proxy`, true],
      ["env.GOPRIVATE", "go env -w GOPRIVATE=git.corp.example", true],
      ["env.GOFLAGS", "go env -w 'GOFLAGS=-mod=readonly -trimpath'", true],
      ["env.GOTOOLCHAIN", "go env -w GOTOOLCHAIN=local", true],
      ["tool.gofumpt", "go install mvdan.cc/gofumpt@v0.10.0", true],
      ["tool.gopls", "go install golang.org/x/tools/gopls@v0.23.0", true],
    ]);
    expect(out.changes).toContainEqual({
      id: "tool.gofumpt",
      title: "gofumpt v0.10.0",
      before: "fail",
      after: "pass",
    });
    expect(r.stderr).toContain("installed");
  });

  it("reports a failed install and keeps going", async () => {
    const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=local\n" });
    m.writeSpec(
      "version: 1\nname: app\ngo:\n  version: 1.26.8\ntools:\n  dlv: v1.27.1\n  gopls: v0.23.0\n",
    );
    m.addBuild("golang.org/x/tools/gopls@v0.23.0", {
      bin: "gopls",
      go: "go1.26.8",
      path: "golang.org/x/tools/gopls",
      mod: "golang.org/x/tools/gopls",
      version: "v0.23.0",
    });
    const r = await gopave(m.root, ["doctor", "--fix"], {
      ...m.env,
      GOPROXY: "off",
      GOSUMDB: "off",
    });
    expect(r.stdout).toContain(
      "✗ go: github.com/go-delve/delve/cmd/dlv@v1.27.1: module lookup disabled by the fake go",
    );
    expect(r.stdout).toContain("  gopls v0.23.0: FAIL -> pass\n");
    expect(r.code).toBe(1);
  });

  it("does nothing when nothing can be fixed", async () => {
    const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=local\n" });
    m.writeSpec("version: 1\nname: app\ngo:\n  version: 1.26.8\ntools: {}\n");
    const r = await gopave(m.root, ["doctor", "--fix"], {
      ...m.env,
      GOPROXY: "off",
      GOSUMDB: "off",
    });
    expect(r.stdout).toContain("nothing gopave can fix here");
    expect(m.calls().map((c) => c.args[0] + " " + c.args[1])).toEqual(["env -json", "env -json"]);
    expect(r.code).toBe(0);
  });

  it("draws a spinner with the elapsed time only on a terminal", async () => {
    const m = setup();
    let out = "";
    const code = await main(["doctor", "--fix"], {
      cwd: m.root,
      env: { ...process.env, ...m.env, NO_COLOR: "1" },
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      isTTY: true,
    });
    expect(code).toBe(0);
    // The terminal's erase-line sequence, spelled out so the patterns stay readable.
    out = out.replaceAll("\u001b[K", "<EL>");
    expect(out).toMatch(
      /\r<EL>⠋ gopls v0\.23\.0: go install golang\.org\/x\/tools\/gopls@v0\.23\.0 \d+\.\ds/,
    );
    expect(out).toMatch(
      /\r<EL>✓ gopls v0\.23\.0: go install golang\.org\/x\/tools\/gopls@v0\.23\.0: installed \(\d+\.\ds\)\n/,
    );
  });
});
