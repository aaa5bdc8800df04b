import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cgoNotes, cgoOf, detectCgo } from "../src/detect/cgo.js";
import { importGraph } from "../src/detect/import-graph.js";
import type { GraphPackage, ImportGraph } from "../src/detect/import-graph.js";
import { loadRepo, readRepoFacts } from "../src/detect/repo-files.js";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import { parseStages, stageByName } from "./generate-container-helpers.js";
import { PT_INTERP, readElf64 } from "./generate-container-elf.js";
import { runStage } from "./helpers/dockerfile-run.js";
import { makeContext, makeSpec } from "./helpers/spec.js";

/**
 * cgo from evidence, on a repo of three apps: notes imports a package with `import "C"` (the
 * shape of a cgo sqlite driver), rank one with C++ sources, export only pure Go. Then the
 * generated Dockerfile's build commands, run with the real go and gcc: cgo apps link glibc (and
 * libstdc++ for C++, hence distroless cc), the pure-Go app stays static.
 */

const ROOT = join(import.meta.dirname, "fixtures", "shapes", "cgo");
const MAINS = ["notes", "export", "rank"].map((n) => ({
  dir: `./cmd/${n}`,
  importPath: `example.com/notes/cmd/${n}`,
  module: "example.com/notes",
}));
const work = mkdtempSync(join(tmpdir(), "gopave-cgo-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = { ...process.env, GOFLAGS: "", GOMODCACHE: join(work, "modcache") };

describe("detectCgo", () => {
  it("finds cgo apps with the import chain, and C++ ones", { timeout: 60_000 }, async () => {
    const graph = await importGraph(loadRepo(ROOT), MAINS, env, 30_000);
    expect(graph.source).toBe("go list");
    const found = detectCgo(graph, MAINS, ROOT);
    expect(found.get("./cmd/notes")).toEqual({
      cxx: false,
      chain: ["example.com/notes/cmd/notes", "example.com/notes/internal/store"],
      why: 'example.com/notes/internal/store has import "C"',
      systemLibs: [],
    });
    expect(found.get("./cmd/rank")?.cxx).toBe(true);
    expect(found.has("./cmd/export")).toBe(false);
    expect(["notes", "export", "rank"].map((n) => cgoOf(found, `./cmd/${n}`))).toEqual([
      true,
      undefined,
      "c++",
    ]);
    expect(cgoNotes(found, [{ name: "notes", main: "./cmd/notes" }])).toEqual([
      'notes is built with cgo (CGO_ENABLED=1) on distroless base (glibc): example.com/notes/cmd/notes → example.com/notes/internal/store; example.com/notes/internal/store has import "C"',
    ]);
  });

  it("knows cgo-only modules whose source it cannot see", () => {
    // As parsed offline: third-party packages are leaves with unknown imports and cgo.
    const leaf = (importPath: string): GraphPackage => ({
      importPath,
      dir: undefined,
      cgo: false,
      imports: [],
    });
    const graph: ImportGraph = {
      source: "parsed",
      packages: new Map<string, GraphPackage>([
        [
          "example.com/app",
          {
            importPath: "example.com/app",
            dir: ".",
            cgo: false,
            imports: ["github.com/mattn/go-sqlite3", "github.com/lib/pq"],
          },
        ],
        ["github.com/mattn/go-sqlite3", leaf("github.com/mattn/go-sqlite3")],
        ["github.com/lib/pq", leaf("github.com/lib/pq")],
      ]),
    };
    const found = detectCgo(
      graph,
      [{ dir: ".", importPath: "example.com/app", module: "x" }],
      ROOT,
    );
    expect(found.get(".")?.chain).toEqual(["example.com/app", "github.com/mattn/go-sqlite3"]);
    expect(found.get(".")?.why).toMatch(/^github\.com\/mattn\/go-sqlite3 compiles SQLite's C/);
  });

  it("names C libraries the images lack, through wrappers such as gorm's sqlite driver", () => {
    const leaf = (importPath: string): GraphPackage => ({
      importPath,
      dir: undefined,
      cgo: false,
      imports: [],
    });
    const deps = ["gorm.io/driver/sqlite", "github.com/davidbyttow/govips/v2/vips"];
    const graph: ImportGraph = {
      source: "go list",
      packages: new Map<string, GraphPackage>([
        ["example.com/p", { importPath: "example.com/p", dir: ".", cgo: false, imports: deps }],
        ...deps.map((d): [string, GraphPackage] => [d, leaf(d)]),
      ]),
    };
    const need = detectCgo(graph, [{ dir: ".", importPath: "example.com/p", module: "x" }], ROOT);
    expect(need.get(".")?.chain).toEqual(["example.com/p", "gorm.io/driver/sqlite"]);
    expect(need.get(".")?.systemLibs).toEqual(["libvips"]);
    expect(cgoNotes(need, [{ name: "p", main: "." }])[0]).toMatch(
      /also links libvips, which neither the golang image nor distroless has/,
    );
  });
});

function neededLibs(binary: string): string[] {
  const out = execFileSync("readelf", ["-d", binary], { encoding: "utf8" });
  return [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] ?? "");
}

describe("cgo apps in the Dockerfile, built with the real go", () => {
  const spec = makeSpec({
    name: "notes",
    apps: [
      { name: "notes", main: "./cmd/notes", cgo: true },
      { name: "export", main: "./cmd/export" },
      { name: "rank", main: "./cmd/rank", cgo: "c++" },
    ],
  });
  const file = generateDockerfile(makeContext(spec, readRepoFacts(ROOT)))[0];
  const text = file?.format === "text" ? file.text : "";
  const parsed = parseStages(text);
  const host = execFileSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).trim();

  const build = (app: string) => {
    const root = join(work, app);
    runStage(
      {
        root,
        context: ROOT,
        baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, GOENV: "off", GOCACHE: host },
        buildArgs: { GOPROXY: "off" },
      },
      parsed,
      text,
      `build-${app}`,
      { extraEnv: { TARGETOS: "linux", TARGETARCH: "amd64" } },
    );
    return join(root, "out", app);
  };

  it("runs each app on the image its binary needs", () => {
    const images = ["notes", "export", "rank"].map((a) => stageByName(parsed, a).from.getImage());
    expect(images).toEqual([
      "gcr.io/distroless/base-debian13:nonroot",
      "gcr.io/distroless/static-debian13:nonroot",
      "gcr.io/distroless/cc-debian13:nonroot",
    ]);
  });

  it(
    "notes: CGO_ENABLED=1, linked to glibc only (distroless base has it)",
    { timeout: 120_000 },
    () => {
      const binary = build("notes");
      expect(readElf64(readFileSync(binary)).programHeaderTypes).toContain(PT_INTERP);
      expect(neededLibs(binary)).toEqual(["libc.so.6"]);
      expect(execFileSync("go", ["version", "-m", binary], { encoding: "utf8" })).toContain(
        "build\tCGO_ENABLED=1\n",
      );
    },
  );

  it(
    "rank: C++ needs libstdc++ (distroless cc has it, base does not)",
    { timeout: 120_000 },
    () => {
      expect(neededLibs(build("rank"))).toContain("libstdc++.so.6");
    },
  );

  it("export: pure Go stays static with CGO_ENABLED=0", { timeout: 120_000 }, () => {
    const binary = build("export");
    expect(readElf64(readFileSync(binary)).programHeaderTypes).not.toContain(PT_INTERP);
    expect(execFileSync("go", ["version", "-m", binary], { encoding: "utf8" })).toContain(
      "build\tCGO_ENABLED=0\n",
    );
  });
});
