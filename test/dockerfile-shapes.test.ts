import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Run } from "dockerfile-ast";
import { afterAll, describe, expect, it } from "vitest";
import { readRepoFacts } from "../src/detect/index.js";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import type { RepoFacts } from "../src/generate/types.js";
import type { SpecInput } from "../src/spec/schema.js";
import { parseStages, stageByName } from "./generate-container-helpers.js";
import type { ParsedDockerfile } from "./generate-container-helpers.js";
import { PT_INTERP, readElf64 } from "./generate-container-elf.js";
import { runStage } from "./helpers/dockerfile-run.js";
import type { StageRunner } from "./helpers/dockerfile-run.js";
import { makeContext, makeSpec } from "./helpers/spec.js";

/**
 * Proof with the real go for module shapes the Dockerfile must build: the generated deps stage
 * (its COPY lines and `go mod download`, with GOPROXY=off so nothing can come from elsewhere)
 * succeeds on the module files alone, then each app's build command compiles from the source
 * stage. The fixtures need no third-party module.
 */

const SHAPES = join(import.meta.dirname, "fixtures", "shapes");
const work = mkdtempSync(join(tmpdir(), "gopave-shapes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const host = JSON.parse(
  execFileSync("go", ["env", "-json", "GOCACHE"], { encoding: "utf8" }),
) as Record<string, string>;

let n = 0;
function runner(context: string, named?: Record<string, string>): StageRunner {
  const root = join(work, `img${n++}`);
  return {
    root,
    context,
    ...(named ? { named } : {}),
    baseEnv: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GOENV: "off",
      GOCACHE: host.GOCACHE,
      // An empty module cache: everything must come from the copied files (or vendor/).
      GOMODCACHE: join(root, "go", "pkg", "mod"),
    },
    // As `docker build --build-arg GOPROXY=off`: a download of anything would fail.
    buildArgs: { GOPROXY: "off" },
  };
}

interface Shape {
  name: string;
  context: string;
  named?: Record<string, string>;
  apps: NonNullable<SpecInput["apps"]>;
}

function generate(shape: Shape, spec: Partial<SpecInput> = {}) {
  const repo = readRepoFacts(shape.context);
  const ctx = makeContext(makeSpec({ name: "shapes", apps: shape.apps, ...spec }), repo);
  const file = generateDockerfile(ctx)[0];
  if (file?.format !== "text") throw new Error("no Dockerfile");
  return { repo, text: file.text, parsed: parseStages(file.text) };
}

function lastRun(parsed: ParsedDockerfile, stage: string): boolean {
  return stageByName(parsed, stage).instructions.some((i) => i instanceof Run);
}

/** Runs the deps stage, then every app's build stage from the same image file system. */
function buildAll(shape: Shape): { repo: RepoFacts; text: string; r: StageRunner } {
  const { repo, text, parsed } = generate(shape);
  const r = runner(shape.context, shape.named);
  const deps = runStage(r, parsed, text, "deps");
  if (!repo.vendor) expect(deps.ran.join("\n")).toContain("go mod download");
  for (const app of shape.apps) {
    expect(lastRun(parsed, `build-${app.name}`)).toBe(true);
    const rb = { ...r, root: join(work, `img${n++}`) };
    runStage(rb, parsed, text, `build-${app.name}`, {
      extraEnv: { TARGETOS: "linux", TARGETARCH: "amd64" },
    });
    const binary = join(rb.root, "out", app.name);
    expect(readElf64(readFileSync(binary)).machine).toBeGreaterThan(0);
  }
  return { repo, text, r };
}

describe("local replacements: the deps stage copies their go.mod", () => {
  const local: Shape = {
    name: "replace-local",
    context: join(SHAPES, "replace-local"),
    apps: [{ name: "shop", main: "./cmd/shop" }],
  };

  it("replace => ./libs/money", { timeout: 120_000 }, () => {
    const { repo, text } = buildAll(local);
    expect(repo.replacements?.map((r) => r.dir)).toEqual(["libs/money"]);
    expect(text).toContain("COPY libs/money/go.mod libs/money/\n");
  });

  it("without that COPY, go mod download fails (the test would notice)", () => {
    const { text } = generate(local);
    const broken = text.replace("COPY libs/money/go.mod libs/money/\n", "");
    const parsed = parseStages(broken);
    expect(() => runStage(runner(local.context), parsed, broken, "deps")).toThrow(
      /go mod download/,
    );
  });

  it(
    "a replacement of a replacement, replaced by the main module too",
    { timeout: 120_000 },
    () => {
      const { repo, text } = buildAll({
        name: "replace-chain",
        context: join(SHAPES, "replace-chain"),
        apps: [{ name: "chain", main: "." }],
      });
      expect(repo.replacements?.map((r) => r.dir)).toEqual(["kit", "kit/log"]);
      expect(text).toContain("COPY kit/go.mod kit/\nCOPY kit/log/go.mod kit/log/\n");
    },
  );

  it("go.work members that replace, and go.work's own replace", { timeout: 120_000 }, () => {
    const { repo, text } = buildAll({
      name: "workspace-replace",
      context: join(SHAPES, "workspace-replace"),
      apps: [
        { name: "api", main: "./api" },
        { name: "worker", main: "./worker" },
      ],
    });
    expect(repo.replacements?.map((r) => [r.dir, r.replaces])).toEqual([
      ["libs/lib", "example.com/lib (api/go.mod:10)"],
      ["libs/util", "example.com/util (go.work:8)"],
    ]);
    expect(text).toContain("COPY go.work ./\nCOPY api/go.mod api/\nCOPY worker/go.mod worker/\n");
  });

  it(
    "a replacement outside the repo comes from a named build context",
    { timeout: 120_000 },
    () => {
      const context = join(SHAPES, "replace-outside", "repo");
      const { repo, text } = buildAll({
        name: "replace-outside",
        context,
        named: { "gomod-shared": join(SHAPES, "replace-outside", "shared") },
        apps: [{ name: "outside", main: "." }],
      });
      expect(repo.replacements).toEqual([
        {
          dir: "../shared",
          inRepo: false,
          hasGoMod: false,
          replaces: "example.com/shared (go.mod:8)",
        },
      ]);
      expect(text).toContain("#   docker build --build-context gomod-shared=../shared .\n");
      expect(text).toContain("COPY --from=gomod-shared go.mod /shared/\n");
      expect(text).toContain("COPY . .\nCOPY --from=gomod-shared . /shared/\n");
    },
  );
});

describe("vendor/: -mod=vendor, nothing downloaded", () => {
  const shape: Shape = {
    name: "vendored",
    context: join(SHAPES, "vendored"),
    apps: [{ name: "hello", main: "./cmd/hello" }],
  };

  it("builds from vendor/ with no deps download and no module cache", { timeout: 120_000 }, () => {
    const { repo, text } = buildAll(shape);
    expect(repo.vendor).toBe(true);
    expect(text).not.toContain("go mod download");
    expect(text).toContain(
      "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -mod=vendor -ldflags=-s -o /out/hello ./cmd/hello",
    );
    const parsed = parseStages(text);
    for (const stage of ["deps", "build-hello", "hello-debug"]) {
      const body = stageByName(parsed, stage).instructions.map((i) => i.getTextContent());
      expect(body.join("\n"), stage).not.toContain("target=/go/pkg/mod");
    }
    // Delve is not in vendor/: its install still downloads, into the module cache.
    const dlv = stageByName(parsed, "debug-base").instructions.map((i) => i.getTextContent());
    expect(dlv.join("\n")).toContain("--mount=type=cache,target=/go/pkg/mod");
  });

  it("-mod=vendor wins over the spec's GOFLAGS=-mod=mod", { timeout: 120_000 }, () => {
    const { text, parsed } = generate(shape, {
      modules: { private: [], flags: ["-mod=mod"] },
    });
    expect(text).toContain("ARG GOFLAGS=-mod=mod");
    // The replaced directory is gone: only vendor/ can provide the package.
    const r = runner(shape.context);
    runStage(r, parsed, text, "src");
    rmSync(join(r.root, "src", "greet"), { recursive: true });
    writeFileSync(join(r.root, "src", "go.sum"), "");
    runStage(r, parsed, text, "build-hello", {
      keepFiles: true,
      extraEnv: { TARGETOS: "linux", TARGETARCH: "amd64" },
    });
    expect(readElf64(readFileSync(join(r.root, "out", "hello"))).programHeaderTypes).not.toContain(
      PT_INTERP,
    );
  });
});
