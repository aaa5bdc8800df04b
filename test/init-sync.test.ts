import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARKER } from "../src/generate/marker.js";
import { copyRepo, gopave, REPO_ROOT, snapshot } from "./helpers/cli.js";

const read = (dir: string, p: string) => readFileSync(join(dir, p), "utf8");

interface Manifest {
  files: Record<string, { sha256: string; section?: boolean }>;
}
const manifestOf = (dir: string) => JSON.parse(read(dir, ".gopave/manifest.json")) as Manifest;

describe("gopave init + sync on the bundled example", () => {
  it("generates every file, consistently, and a second sync writes nothing", async () => {
    const dir = copyRepo("example", "orders");
    const init = await gopave(dir, ["init", "--yes"]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      "apps     api (./cmd/api, :8080, /healthz), worker (./cmd/worker)",
    );
    // Each service with the import chain that brings in its driver.
    expect(init.stdout).toContain(
      "  services postgres (cmd/api → internal/store → github.com/jackc/pgx/v5)\n" +
        "           redis (cmd/api → internal/queue → github.com/redis/go-redis/v9)\n",
    );

    const manifest = manifestOf(dir);
    const expected = [
      ".devcontainer/Dockerfile",
      ".devcontainer/compose.yaml",
      ".devcontainer/devcontainer.json",
      ".dockerignore",
      ".env.example",
      ".github/workflows/ci.yml",
      ".gitignore",
      ".golangci.yml",
      ".gopave/gopave.schema.json",
      ".vscode/extensions.json",
      ".vscode/launch.json",
      ".vscode/settings.json",
      ".vscode/tasks.json",
      "Dockerfile",
      "Tiltfile",
      "compose.yaml",
      "scripts/setup-go-env.sh",
    ];
    expect(Object.keys(manifest.files).sort()).toEqual(expected);
    for (const p of expected) {
      const text = read(dir, p);
      if (p === ".gitignore") expect(text).toContain(".env\n");
      else expect(text.split("\n").slice(0, 2).join("\n")).toContain(MARKER);
    }
    expect(read(dir, "gopave.yaml")).toMatch(
      /^# yaml-language-server: \$schema=\.gopave\/gopave\.schema\.json/,
    );

    const before = snapshot(dir);
    const again = await gopave(dir, ["sync"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing written");
    expect(snapshot(dir)).toEqual(before);

    const check = await gopave(dir, ["sync", "--check"]);
    expect(check.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it("follows spec edits, and --check reports drift as a diff without writing", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const spec = read(dir, "gopave.yaml").replace(
      /\n {2}# [^\n]*\n {2}redis:\n(?: {4}.*\n)*/,
      "\n",
    );
    expect(spec).not.toContain("redis");
    writeFileSync(join(dir, "gopave.yaml"), spec);

    const before = snapshot(dir);
    const check = await gopave(dir, ["sync", "--check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("--- a/compose.yaml\n+++ b/compose.yaml");
    expect(check.stdout).toMatch(/^- {2}redis:$/m);
    expect(check.stderr).toContain("drift:");
    expect(snapshot(dir)).toEqual(before);

    const sync = await gopave(dir, ["sync"]);
    expect(sync.code).toBe(0);
    expect(read(dir, "compose.yaml")).not.toContain("redis");
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
  });

  it("never overwrites a generated file a person edited, unless --force", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const edited = `${read(dir, ".golangci.yml")}# my local tweak\n`;
    writeFileSync(join(dir, ".golangci.yml"), edited);
    writeFileSync(
      join(dir, "gopave.yaml"),
      read(dir, "gopave.yaml").replace("- gosec", "- errorlint"),
    );

    const sync = await gopave(dir, ["sync"]);
    expect(sync.code).toBe(1);
    expect(sync.stdout).toContain("+++ b/.golangci.yml");
    expect(sync.stdout).toContain("-# my local tweak");
    expect(sync.stderr).toContain("edited by hand");
    expect(read(dir, ".golangci.yml")).toBe(edited);

    const forced = await gopave(dir, ["sync", "--force"]);
    expect(forced.code).toBe(0);
    expect(read(dir, ".golangci.yml")).toContain("errorlint");
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
  });

  it("removes files it no longer generates and applies overrides", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    writeFileSync(
      join(dir, "gopave.yaml"),
      `${read(dir, "gopave.yaml").replace("kind: vscode", "kind: none")}
overrides:
  compose.yaml:
    merge:
      services:
        api:
          environment:
            LOG_LEVEL: debug
  .golangci.yml:
    generate: false
`,
    );
    const sync = await gopave(dir, ["sync"]);
    expect(sync.code).toBe(0);
    expect(existsSync(join(dir, ".vscode/launch.json"))).toBe(false);
    expect(existsSync(join(dir, ".golangci.yml"))).toBe(false);
    expect(read(dir, "compose.yaml")).toContain("LOG_LEVEL: debug");
    expect(Object.keys(manifestOf(dir).files)).not.toContain(".golangci.yml");
  });

  it("rejects a bad spec with file:line:col, exit 2, and writes nothing", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    writeFileSync(
      join(dir, "gopave.yaml"),
      read(dir, "gopave.yaml").replace("runtime: distroless", "runtime: distrolles"),
    );
    const before = snapshot(dir);
    const sync = await gopave(dir, ["sync"]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(
      /gopave\.yaml:\d+:\d+: image\.runtime: "distrolles" is not allowed \(did you mean "distroless"\?\)/,
    );
    expect(snapshot(dir)).toEqual(before);

    const fixed = read(dir, "gopave.yaml").replace("runtime: distrolles", "runtime: distroless");
    writeFileSync(join(dir, "gopave.yaml"), `${fixed}overrides:\n  Dockerfil:\n    append: "x"\n`);
    const unknown = await gopave(dir, ["sync"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /overrides: gopave does not generate "Dockerfil" \(did you mean "Dockerfile"\?\)/,
    );
  });

  it("refuses to init twice, and sync without a spec, with exit 2", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["sync"])).code).toBe(2);
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const twice = await gopave(dir, ["init", "--yes"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("gopave.yaml already exists");
  });

  it("runs through the real entry point", () => {
    const out = execFileSync(process.execPath, [join(REPO_ROOT, "bin", "gopave.js"), "--version"], {
      encoding: "utf8",
    });
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    expect(out.trim()).toBe(pkg.version);
  });
});

describe("gopave init on fixture repos", () => {
  it("keeps hand-written files, records them in the spec, and --force replaces them", async () => {
    const dir = copyRepo("fixture", "handwritten");
    const handwritten = ["Dockerfile", "compose.yaml", ".vscode/settings.json"].map(
      (p) => [p, read(dir, p)] as const,
    );
    const init = await gopave(dir, ["init", "--yes"]);
    expect(init.code).toBe(0);
    const spec = read(dir, "gopave.yaml");
    for (const [p, text] of handwritten) {
      expect(read(dir, p)).toBe(text);
      expect(init.stdout).toMatch(new RegExp(`kept\\s+${p.replace(".", "\\.")}  \\(`));
    }
    // Files a tool reads for a purpose are kept by purpose; others by path.
    expect(spec).toContain("keep:\n  compose: compose.yaml\n  dockerfile: Dockerfile\n");
    expect(spec).toContain("  .vscode/settings.json:\n    generate: false\n");
    expect(Object.keys(manifestOf(dir).files)).not.toContain("Dockerfile");
    // The spec now says these files are the repo's own, so the drift check passes.
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
    const forced = await gopave(dir, ["init", "--yes", "--force"]);
    expect(forced.code).toBe(0);
    expect(read(dir, "Dockerfile")).toContain(MARKER);
    expect(read(dir, "gopave.yaml")).not.toContain("overrides");
    expect(read(dir, "gopave.yaml")).not.toContain("keep:");
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(0);
  });

  it("sync refuses to overwrite a hand-written file the spec does not disown", async () => {
    const dir = copyRepo("fixture", "single");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const mine = "FROM scratch\n";
    writeFileSync(join(dir, ".golangci.yml"), mine);
    writeFileSync(
      join(dir, ".gopave/manifest.json"),
      read(dir, ".gopave/manifest.json").replace(/\s*"\.golangci\.yml": \{[^}]*\},?/, ""),
    );
    const sync = await gopave(dir, ["sync"]);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/hand-written\s+\.golangci\.yml/);
    expect(sync.stderr).toContain("generate: false");
    expect(read(dir, ".golangci.yml")).toBe(mine);
  });

  it("a library gets no app image stages and no compose file", async () => {
    const dir = copyRepo("fixture", "library");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const spec = read(dir, "gopave.yaml");
    expect(spec).toContain("apps: []");
    expect(existsSync(join(dir, "compose.yaml"))).toBe(false);
    expect(existsSync(join(dir, "Dockerfile"))).toBe(false);
    expect(read(dir, ".devcontainer/Dockerfile")).toContain("AS dev");
  });

  it("several binaries become several apps and image targets", async () => {
    const dir = copyRepo("fixture", "multi");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const spec = read(dir, "gopave.yaml");
    for (const app of ["api", "worker", "migrate"]) expect(spec).toContain(`name: ${app}`);
    for (const app of ["api", "worker", "migrate"])
      expect(read(dir, "Dockerfile")).toContain(` AS ${app}\n`);
  });

  it("a go.work repo covers every module", async () => {
    const dir = copyRepo("fixture", "workspace");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    expect(read(dir, "gopave.yaml")).toContain("main: ./svc/cmd/server");
    const dockerfile = read(dir, "Dockerfile");
    expect(dockerfile).toContain("go.work");
    expect(dockerfile).toContain("svc/go.mod");
    expect(dockerfile).toContain("lib/go.mod");
  });

  it("mysql and redis drivers become services", async () => {
    const dir = copyRepo("fixture", "mysql-redis");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    const compose = read(dir, "compose.yaml");
    expect(compose).toMatch(/image: "mysql:\d/);
    expect(compose).toMatch(/image: "redis:\d/);
    expect(compose).toContain("mysqladmin ping");
  });

  it("works with dependencies not downloaded and no network, proposing private globs", async () => {
    const dir = copyRepo("fixture", "private-deps");
    const modcache = copyRepo("fixture", "single"); // any empty-ish dir would do; a fresh temp dir
    const init = await gopave(dir, ["init", "--yes", "--offline"], {
      GOPROXY: "off",
      GOFLAGS: "-mod=mod",
      GOMODCACHE: join(modcache, "empty-modcache"),
    });
    expect(init.code).toBe(0);
    const spec = read(dir, "gopave.yaml");
    expect(spec).toMatch(/private:\n\s+- git\.internal\.example\.com/);
    // The variable the app reads, found in its sources (no module cache needed).
    expect(spec).toMatch(/postgres:\n {4}env:\n {6}DATABASE_URL: url\n/);
    expect(read(dir, "Dockerfile")).toContain("--mount=type=secret,id=netrc");
  });
});
