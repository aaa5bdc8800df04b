import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { gopave, REPO_ROOT } from "./helpers/cli.js";

/**
 * Shapes of real repos where init used to be wrong (bench/corpus/README.md lists where each was
 * seen), as small fixtures of our own: test/fixtures/shapes/<name>.
 */

interface Finding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

const read = (dir: string, p: string) => readFileSync(join(dir, p), "utf8");

/** A temp copy of a shape fixture, as a git checkout on `branch` (a clone's folder name). */
function shape(name: string, branch = "main", folder = name): string {
  const dir = join(mkdtempSync(join(tmpdir(), `gopave-shape-`)), folder);
  cpSync(join(REPO_ROOT, "test", "fixtures", "shapes", name), dir, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", branch, dir]);
  return dir;
}

async function findings(dir: string): Promise<Finding[]> {
  const r = await gopave(dir, ["check", "--format", "json"]);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
    (f) => f.severity !== "note",
  );
}

interface Spec {
  name: string;
  go: { version: string };
  apps: { name: string; main: string; port?: number; tags?: string[]; ldflags?: string }[];
  keep?: Record<string, unknown>;
  ci: { provider: string; branches: string[] };
  tools: Record<string, unknown>;
}

/** init --yes on a copy; the run must keep sync clean and add no error or warning to check. */
async function initShape(dir: string, args: string[] = []): Promise<{ out: string; spec: Spec }> {
  const before = await findings(dir);
  const init = await gopave(dir, ["init", "--yes", ...args]);
  expect(init.stderr).toBe("");
  expect(init.code).toBe(0);
  expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
  const after = await findings(dir);
  const old = (f: Finding) =>
    before.some(
      (b) =>
        b.rule === f.rule && b.file === f.file && (b.line === f.line || b.message === f.message),
    );
  expect(after.filter((f) => !old(f))).toEqual([]);
  return { out: init.stdout, spec: parse(read(dir, "gopave.yaml")) as Spec };
}

describe("init on real-repo shapes", () => {
  it("a package main with only //go:generate is not an app, and names never collide", async () => {
    const dir = shape("gen-main");
    const { out, spec } = await initShape(dir);
    expect(spec.apps).toEqual([{ name: "gen-main", main: "./cmd/gen-main" }]);
    expect(out).toMatch(/not apps: \. \(no func main in a file that builds/);
    expect(out).toMatch(/found no listen port for gen-main/);
  });

  it("keeps a repo's files under any name a tool reads, and writes no sibling", async () => {
    const dir = shape("kept-names", "master");
    const { out, spec } = await initShape(dir);
    expect(spec.keep).toEqual({
      compose: "docker-compose.yml",
      golangci: ".golangci.yaml",
      ci: [".github/workflows/ci.yaml"],
    });
    for (const sibling of ["compose.yaml", ".golangci.yml", ".github/workflows/ci.yml"]) {
      expect(existsSync(join(dir, sibling)), sibling).toBe(false);
    }
    // Only the drift check is added beside the repo's CI, on the branch git checked out.
    const drift = parse(read(dir, ".github/workflows/gopave.yml")) as {
      on: { push: { branches: string[] } };
      jobs: Record<string, unknown>;
    };
    expect(Object.keys(drift.jobs)).toEqual(["drift"]);
    expect(drift.on.push.branches).toEqual(["master"]);
    expect(spec.ci.branches).toEqual(["master"]);
    expect(spec.name).toBe("billing");
    expect(spec.apps).toEqual([{ name: "billing", main: ".", port: 8088 }]);
    expect(out).toMatch(/kept\s+docker-compose\.yml {2}\(keep\.compose\)/);
  });

  it("pins the release go.mod's go line names, which CI's go-version-file installs", async () => {
    const { spec, out } = await initShape(shape("go-line-release"));
    expect(spec.go.version).toBe("1.24.3");
    expect(out).toMatch(/Go\s+1\.24\.3 \(go\.mod go line\)/);
  });

  it("takes the apps the repo ships, with their tags and ldflags, and says why others are out", async () => {
    const dir = shape("shipped", "main", "shipyard");
    const { spec, out } = await initShape(dir);
    expect(spec.name).toBe("shipyard");
    expect(spec.apps.map((a) => [a.name, a.main, a.port])).toEqual([
      ["agent", "./cmd/agent", undefined],
      ["shipyard", "./cmd/server", 7070],
    ]);
    expect(read(dir, "gopave.yaml")).toMatch(
      /main: \.\/cmd\/server # built by \.goreleaser\.yaml:3/,
    );
    expect(read(dir, "gopave.yaml")).toMatch(/port: 7070 # default in cmd\/server\/main\.go:13/);
    expect(out).toContain("./cmd/docgen (a documentation generator)");
    expect(out).toContain("./cmd/replay (a test harness)");
    expect(out).toContain(
      "./cmd/reindex (not built by the repo's GoReleaser config, Dockerfiles or Makefiles)",
    );
    expect(out).toMatch(/what the repo builds/);
  });

  it("--apps chooses explicitly, by name or directory; an unknown one is a usage error", async () => {
    const dir = shape("shipped");
    const { spec } = await initShape(dir, ["--apps", "reindex,./cmd/server"]);
    expect(spec.apps.map((a) => a.main)).toEqual(["./cmd/reindex", "./cmd/server"]);
    const bad = await gopave(shape("shipped"), ["init", "--yes", "--apps", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--apps: no main package "nope"/);
    expect(bad.stderr).toMatch(/\.\/cmd\/agent/);
  });

  it("a kept golangci-lint v1 config gets golangci-lint v1 and the lint action that runs it", async () => {
    const dir = shape("golangci-v1");
    const { spec, out } = await initShape(dir);
    expect(spec.tools["golangci-lint"]).toEqual({
      package: "github.com/golangci/golangci-lint/cmd/golangci-lint",
      version: "v1.64.8",
    });
    expect(read(dir, ".github/workflows/ci.yml")).toContain("golangci/golangci-lint-action@v6");
    expect(out).toMatch(/golangci-lint v1 config/);
  });

  it("keeps the Dockerfile beside an app's main package instead of adding one at the root", async () => {
    const dir = shape("app-dockerfile");
    const { spec } = await initShape(dir);
    expect(spec.keep).toMatchObject({ dockerfile: "cmd/api/Dockerfile" });
    expect(spec.apps).toEqual([
      {
        name: "orders",
        main: "./cmd/api",
        port: 8443,
        dockerfile: "cmd/api/Dockerfile",
        target: "release",
      },
    ]);
    expect(existsSync(join(dir, "Dockerfile"))).toBe(false);
    expect(existsSync(join(dir, ".dockerignore"))).toBe(false);
    // compose builds the app with its own Dockerfile; the debug targets exist only in gopave's.
    const compose = parse(read(dir, "compose.yaml")) as {
      services: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(compose.services)).toEqual(["orders"]);
    expect(compose.services.orders?.build).toEqual({
      context: ".",
      dockerfile: "cmd/api/Dockerfile",
      target: "release",
    });
    expect(read(dir, ".vscode/launch.json")).not.toContain('"request": "attach"');
  });

  it("a module below the top of its git checkout gets no CI file there", async () => {
    const top = shape("go-line-release");
    const dir = join(top, "backend");
    mkdirSync(dir);
    cpSync(join(REPO_ROOT, "test", "fixtures", "shapes", "gen-main"), dir, { recursive: true });
    const { spec, out } = await initShape(dir);
    expect(spec.ci.provider).toBe("none");
    expect(existsSync(join(dir, ".github"))).toBe(false);
    expect(out).toMatch(/not at the top of its git checkout/);
  });
});

describe("init on a terminal", () => {
  it("lists every main package with the proposal and the reasons, and takes the user's pick", async () => {
    const { main } = await import("../src/cli/main.js");
    const dir = shape("shipped");
    let shown = "";
    let out = "";
    const code = await main(["init", "--offline"], {
      cwd: dir,
      env: { ...process.env, GOPAVE_OFFLINE: "1" },
      stdout: (t) => (out += t),
      stderr: (t) => (shown += t),
      isTTY: false,
      ask: async () => "2, reindex",
      confirm: async () => true,
    });
    expect(code).toBe(0);
    expect(shown).toMatch(/ 1\. \[x\] \.\/cmd\/agent\n/);
    expect(shown).toMatch(/ 2\. \[ \] \.\/cmd\/docgen {2}\(a documentation generator\)\n/);
    expect(out).toMatch(/apps\s+docgen \(\.\/cmd\/docgen\), reindex \(\.\/cmd\/reindex\) — chosen/);
    expect(parse(read(dir, "gopave.yaml")).apps.map((a: { main: string }) => a.main)).toEqual([
      "./cmd/docgen",
      "./cmd/reindex",
    ]);
  });
});

describe("init where the modules are below the folder", () => {
  it("says where they are and how to make them one workspace (exit 2, nothing written)", async () => {
    const dir = shape("gen-main", "main", "monorepo");
    execFileSync(
      "sh",
      ["-c", "mkdir -p services/a && mv go.mod generate.go cmd internal services/a/"],
      {
        cwd: dir,
      },
    );
    const r = await gopave(dir, ["init", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no go.mod or go.work in");
    expect(r.stderr).toContain("go work init ./services/a");
    expect(existsSync(join(dir, "gopave.yaml"))).toBe(false);
  });
});
