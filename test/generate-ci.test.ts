import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateDevboxWorkflow } from "../src/generate/devbox/devbox-ci.js";
import { generateGithubWorkflow } from "../src/generate/github-workflow.js";
import { generateGitlabCi } from "../src/generate/gitlab-ci.js";
import { generateGolangci } from "../src/generate/golangci.js";
import { MARKER } from "../src/generate/marker.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext, GeneratedFile, RepoFacts } from "../src/generate/types.js";
import { expectGolden } from "./helpers/golden.js";
import { schemaErrors } from "./helpers/schemas.js";
import {
  exampleSpec,
  makeContext,
  makeSpec,
  SINGLE_MODULE_REPO,
  WASM_PROGRAMS,
  workspaceRepo,
} from "./helpers/spec.js";

const ACTIONLINT = "/root/go/bin/actionlint";
const CI = [generateGithubWorkflow, generateGitlabCi, generateGolangci, generateDevboxWorkflow];

const WORKSPACE_REPO = workspaceRepo({ goLine: "1.26.8", toolchain: undefined });

const CASES = {
  example: makeContext(exampleSpec()),
  library: makeContext(makeSpec({ ci: { provider: "github", branches: ["main", "release/**"] } })),
  "no-services": makeContext(
    makeSpec({
      apps: [{ name: "api", main: "./cmd/api", port: 8080 }],
      go: { version: "1.26.8", toolchain: "auto" },
      lint: { linters: ["revive", "errcheck", "bodyclose"], formatters: ["goimports", "gofumpt"] },
    }),
  ),
  workspace: makeContext(exampleSpec(), WORKSPACE_REPO),
  gitlab: makeContext(exampleSpec({ ci: { provider: "gitlab", branches: ["main", "release/*"] } })),
  "gitlab-workspace": makeContext(
    exampleSpec({ ci: { provider: "gitlab", branches: ["main"] }, tools: { gopls: "v0.23.0" } }),
    WORKSPACE_REPO,
  ),
  // Two tag sets: CI vets, tests and builds each (not their union); ldflags do not matter here.
  tags: makeContext(
    exampleSpec({
      apps: [
        { name: "api", main: "./cmd/api", port: 8080, tags: ["sqlite_fts5", "netgo"] },
        { name: "worker", main: "./cmd/worker", ldflags: "-X main.version=1.4.0" },
      ],
    }),
  ),
  "gitlab-tags": makeContext(
    exampleSpec({
      ci: { provider: "gitlab", branches: ["main"] },
      apps: [{ name: "api", main: "./cmd/api", port: 8080, tags: ["netgo"] }],
    }),
  ),
  wasm: makeContext(makeSpec({ wasm: WASM_PROGRAMS })),
  "gitlab-wasm": makeContext(
    makeSpec({ ci: { provider: "gitlab", branches: ["main"] }, wasm: WASM_PROGRAMS }),
  ),
  // The dev box module: a workflow of its own on path filters; GitLab: a job with changes rules.
  devbox: makeContext(exampleSpec({ devbox: { provider: "hcloud", size: "cpx31" } })),
  "gitlab-devbox": makeContext(
    exampleSpec({
      ci: { provider: "gitlab", branches: ["main"] },
      devbox: { provider: "openstack", size: "m1.large", terraform: "1.10.5" },
    }),
  ),
  // The repo's own CI runs the Go tests; it knows nothing of the wasm targets.
  "wasm-kept-ci": makeContext(
    exampleSpec({ keep: { ci: [".github/workflows/test.yml"] }, wasm: WASM_PROGRAMS }),
  ),
} satisfies Record<string, GenerateContext>;

function text(file: GeneratedFile): string {
  const r = renderFile(file, undefined);
  if (!r) throw new Error(`${file.path} not rendered`);
  return r.content;
}

function yamlOf(files: GeneratedFile[], path: string): Record<string, unknown> {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} not generated; got ${files.map((f) => f.path).join(", ")}`);
  return parseYaml(text(file)) as Record<string, unknown>;
}

const scratch = mkdtempSync(join(tmpdir(), "gopave-ci-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function actionlint(name: string, content: string): string {
  if (!existsSync(ACTIONLINT))
    throw new Error(
      `${ACTIONLINT} is missing: go install github.com/rhysd/actionlint/cmd/actionlint`,
    );
  const dir = join(scratch, name, ".github", "workflows");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "ci.yml");
  writeFileSync(file, content);
  // Its shellcheck integration checks the run: scripts too.
  const r = spawnSync(ACTIONLINT, ["-no-color", file], {
    encoding: "utf8",
    cwd: join(scratch, name),
  });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? "" : `\nexit ${r.status}`);
}

describe.each(Object.entries(CASES))("CI files: %s", (name, ctx) => {
  const files = CI.flatMap((g) => g(ctx));

  it("match the golden files", () => {
    for (const f of files) expectGolden(`ci/${name}/${f.path}`, text(f));
  });

  it("are deterministic and carry the marker first", () => {
    expect(CI.flatMap((g) => g(ctx)).map(text)).toEqual(files.map(text));
    for (const f of files) expect(text(f).split("\n")[0]).toBe(`# ${MARKER}`);
  });

  it("only the configured provider's pipeline is generated", () => {
    const paths = files.map((f) => f.path);
    // With a kept CI gopave's own workflow is gopave.yml (the drift check, and any wasm legs).
    const workflow = ctx.spec.keep.ci ? ".github/workflows/gopave.yml" : ".github/workflows/ci.yml";
    expect(paths.includes(workflow)).toBe(ctx.spec.ci.provider === "github");
    expect(paths.includes(".gitlab-ci.yml")).toBe(ctx.spec.ci.provider === "gitlab");
  });

  it(".golangci.yml validates against golangci-lint's schema", () => {
    expect(schemaErrors("golangci", yamlOf(files, ".golangci.yml"))).toEqual([]);
  });

  if (ctx.spec.ci.provider === "github") {
    it("the workflows validate against the schema and pass actionlint", () => {
      const workflows = files.filter((f) => f.path.startsWith(".github/workflows/"));
      expect(workflows.length).toBeGreaterThan(0);
      for (const file of workflows) {
        expect(schemaErrors("github-workflow", parseYaml(text(file))), file.path).toEqual([]);
        expect(actionlint(name, text(file)), file.path).toBe("");
      }
    });
  }
});

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { steps: Step[] };

const ROOT_MODULE = SINGLE_MODULE_REPO.modules[0] ?? raise("SINGLE_MODULE_REPO has no module");

function raise(message: string): never {
  throw new Error(message);
}

function job(wf: { jobs: Record<string, Job> }, name: string): Job {
  return wf.jobs[name] ?? raise(`no job ${name}`);
}

function workflow(ctx: GenerateContext): {
  env: Record<string, string>;
  jobs: Record<string, Job>;
} {
  return yamlOf(generateGithubWorkflow(ctx), ".github/workflows/ci.yml") as never;
}

describe("GitHub workflow", () => {
  it("sets the spec's Go environment and pins the actions", () => {
    const wf = workflow(CASES["example"]);
    expect(wf.env).toEqual({
      GOTOOLCHAIN: "local",
      GOPRIVATE: "git.internal.example.com",
      GOFLAGS: "-mod=readonly",
    });
    expect(Object.keys(wf.jobs)).toEqual(["test", "lint", "images", "drift"]);
    const uses = Object.values(wf.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect([...new Set(uses)].sort()).toEqual([
      "actions/checkout@v5",
      "actions/setup-go@v6",
      "actions/setup-node@v5",
      "docker/setup-buildx-action@v3",
      "golangci/golangci-lint-action@v9",
    ]);
    const images = job(wf, "images")
      .steps.map((s) => s.run ?? "")
      .join("");
    expect(images).toContain(
      'docker buildx build --platform linux/amd64,linux/arm64 --target "$target" .',
    );
    expect(images).toContain("for target in api worker;");
    const lint = job(wf, "lint").steps.find((s) => s.uses?.startsWith("golangci/"));
    expect(lint?.with).toEqual({ version: "v2.13.1" });
    const drift = job(wf, "drift")
      .steps.map((s) => s.run)
      .filter(Boolean);
    expect(drift).toEqual(["npx --yes gopave@0.1.0 sync --check"]);
  });

  it("reads go.mod only when its toolchain line selects go.version", () => {
    const setupGo = (ctx: GenerateContext) =>
      job(workflow(ctx), "test").steps.find((s) => s.uses === "actions/setup-go@v6")?.with;
    expect(setupGo(CASES["example"])).toEqual({
      "go-version-file": "go.mod",
      cache: true,
      "cache-dependency-path": "go.sum",
    });
    const older: RepoFacts = {
      modules: [{ ...ROOT_MODULE, toolchain: "go1.26.7" }],
      workspace: undefined,
    };
    expect(setupGo(makeContext(exampleSpec(), older))?.["go-version"]).toBe("1.26.8");
    const exactGoLine: RepoFacts = {
      modules: [{ ...ROOT_MODULE, goLine: "1.26.8", toolchain: undefined }],
      workspace: undefined,
    };
    expect(setupGo(makeContext(exampleSpec(), exactGoLine))?.["go-version-file"]).toBe("go.mod");
    // go.work's own lines are not known: the version is named.
    expect(setupGo(CASES["workspace"])).toEqual({
      "go-version": "1.26.8",
      cache: true,
      "cache-dependency-path": "go.sum\nlibs/platform/go.sum\ngo.work.sum",
    });
  });

  it("covers every workspace module", () => {
    const wf = workflow(CASES["workspace"]);
    const runs = job(wf, "test").steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual([
      "go vet ./... ./libs/platform/... ./tools/migrate/...",
      "go test -race ./... ./libs/platform/... ./tools/migrate/...",
      "go build ./... ./libs/platform/... ./tools/migrate/...",
    ]);
    const lint = job(wf, "lint").steps.find((s) => s.uses?.startsWith("golangci/"));
    expect(lint?.with?.["args"]).toBe("./... ./libs/platform/... ./tools/migrate/...");
  });

  it("has no lint job without a pinned golangci-lint", () => {
    const wf = workflow(makeContext(exampleSpec({ tools: { gopls: "v0.23.0" } })));
    expect(Object.keys(wf.jobs)).toEqual(["test", "images", "drift"]);
  });

  it("builds no images for a library or a repo that keeps its own Dockerfile", () => {
    expect(Object.keys(workflow(makeContext(makeSpec())).jobs)).not.toContain("images");
    const kept = exampleSpec({ overrides: { Dockerfile: { generate: false } } });
    expect(Object.keys(workflow(makeContext(kept)).jobs)).not.toContain("images");
  });
});

interface GitlabJob {
  stage: string;
  script: string[];
  image?: string;
}
type GitlabCi = Record<string, unknown> & {
  stages: string[];
  cache: { key: { files: string[] } };
  workflow: { rules: unknown[] };
};

function gitlab(ctx: GenerateContext): GitlabCi {
  return yamlOf(generateGitlabCi(ctx), ".gitlab-ci.yml") as GitlabCi;
}

const glJob = (gl: GitlabCi, name: string) => gl[name] as GitlabJob;

describe("GitLab CI", () => {
  const gl = gitlab(CASES["gitlab"]);

  it("runs in the builder image with the spec's Go environment", () => {
    expect(gl["image"]).toBe("golang:1.26.8");
    expect(gl["variables"]).toEqual({
      GOTOOLCHAIN: "local",
      GOPRIVATE: "git.internal.example.com",
      GOFLAGS: "-mod=readonly",
      GOPATH: "$CI_PROJECT_DIR/.go",
      GOMODCACHE: "$CI_PROJECT_DIR/.go/pkg/mod",
      GOCACHE: "$CI_PROJECT_DIR/.go/cache",
    });
    expect(gl["cache"]).toEqual({
      key: { files: ["go.sum"] },
      paths: [".go/pkg/mod", ".go/cache"],
    });
  });

  it("has lint, test, build and drift stages, each job in a declared stage", () => {
    expect(gl["stages"]).toEqual(["lint", "test", "build", "drift"]);
    const jobs = Object.entries(gl).filter(
      ([, v]) => typeof v === "object" && v !== null && "script" in v,
    );
    expect(jobs.map(([k]) => k)).toEqual(["lint", "test", "build", "drift"]);
    for (const [, j] of jobs) expect(gl.stages).toContain((j as GitlabJob).stage);
    expect(glJob(gl, "lint").script).toEqual([
      "go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.13.1 run ./...",
    ]);
    expect(glJob(gl, "test").script).toEqual(["go vet ./...", "go test -race ./..."]);
    expect(glJob(gl, "drift")).toMatchObject({
      image: "node:22",
      script: ["npx --yes gopave@0.1.0 sync --check"],
    });
  });

  it("runs for merge requests and the spec's branches", () => {
    expect(gl.workflow.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
      { if: '$CI_COMMIT_BRANCH == "main"' },
      { if: "$CI_COMMIT_BRANCH =~ /^release\\/[^\\/]*$/" },
    ]);
  });

  it("keys the cache on at most two files and skips lint without a pinned golangci-lint", () => {
    const ws = gitlab(CASES["gitlab-workspace"]);
    expect(ws.cache.key.files).toEqual(["go.sum", "libs/platform/go.sum"]);
    expect(ws["stages"]).toEqual(["test", "build", "drift"]);
    expect(ws["lint"]).toBeUndefined();
    expect(glJob(ws, "build").script).toEqual([
      "go build ./... ./libs/platform/... ./tools/migrate/...",
    ]);
  });
});

describe("schema helper", () => {
  it("rejects documents the schemas forbid", () => {
    expect(schemaErrors("golangci", { version: "2", linters: { default: "most" } })).not.toEqual(
      [],
    );
    expect(schemaErrors("github-workflow", { on: "push", jobs: { t: { steps: [] } } })).not.toEqual(
      [],
    );
    expect(
      schemaErrors("compose", {
        services: { dev: { depends_on: { db: { condition: "healthy" } } } },
      }),
    ).not.toEqual([]);
    expect(
      schemaErrors("devcontainer", {
        name: "x",
        build: { dockerfile: "D" },
        mounts: [{ type: "volume" }],
      }),
    ).not.toEqual([]);
  });
});

describe(".golangci.yml", () => {
  it("is config version 2 for the spec's Go, linters and formatters sorted", () => {
    const cfg = yamlOf(generateGolangci(CASES["no-services"]), ".golangci.yml");
    expect(cfg).toEqual({
      version: "2",
      run: { go: "1.26" },
      linters: { default: "standard", enable: ["bodyclose", "errcheck", "revive"] },
      formatters: { enable: ["gofumpt", "goimports"] },
    });
  });

  it("leaves out empty lists", () => {
    const cfg = yamlOf(
      generateGolangci(makeContext(makeSpec({ lint: { linters: [], formatters: [] } }))),
      ".golangci.yml",
    );
    expect(cfg).toEqual({ version: "2", run: { go: "1.26" }, linters: { default: "standard" } });
  });
});

describe("wasm legs", () => {
  type EnvStep = Step & { name?: string; env?: Record<string, string> };

  it("test each target under its runner, with the toolchain's go_<goos>_wasm_exec on PATH", () => {
    const wf = workflow(CASES["wasm"]);
    expect(Object.keys(wf.jobs)).toEqual(["test", "lint", "wasm-js", "wasm-wasip1", "drift"]);
    const js = job(wf, "wasm-js").steps as EnvStep[];
    expect(js.find((s) => s.uses === "actions/setup-node@v5")?.with).toEqual({
      "node-version": 22,
    });
    const jsTest = js.find((s) => s.name?.startsWith("Test"));
    expect(jsTest?.env).toEqual({ GOOS: "js", GOARCH: "wasm" });
    expect(jsTest?.run).toBe(
      'PATH="$(go env GOROOT)/lib/wasm:$PATH" go test ./... ./calc/... ./cmd/calc-web',
    );
    const wasi = job(wf, "wasm-wasip1").steps as EnvStep[];
    const names = wasi.map((s) => s.name ?? s.uses);
    // wazero is installed for the runner's own platform, before any step sets GOOS.
    expect(names.indexOf("Install wazero")).toBeLessThan(names.indexOf("Vet (wasip1/wasm)"));
    expect(wasi.find((s) => s.name === "Install wazero")).toEqual({
      name: "Install wazero",
      run: "go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0",
    });
    const wasiTest = wasi.find((s) => s.name?.startsWith("Test"));
    expect(wasiTest?.env).toEqual({ GOOS: "wasip1", GOARCH: "wasm", GOWASIRUNTIME: "wazero" });
    expect(wasiTest?.run).toBe(
      'PATH="$(go env GOROOT)/lib/wasm:$(go env GOPATH)/bin:$PATH" go test ./...',
    );
    // The same setup-go as the test job: CI001 and the drift check see the spec's Go in each.
    expect(wasi.find((s) => s.uses === "actions/setup-go@v6")).toEqual(
      job(wf, "test").steps.find((s) => s.uses === "actions/setup-go@v6"),
    );
  });

  it("builds what the Dockerfile exports, wasm_exec.js copied once", () => {
    const build = (job(workflow(CASES["wasm"]), "wasm-js").steps as EnvStep[]).find(
      (s) => s.name === "Build (js/wasm)",
    );
    expect(build?.run?.split("\n")).toEqual([
      "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o dist/wasm/js/calc.wasm ./cmd/calc",
      'cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" dist/wasm/js/',
      "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o dist/wasm/js/calc-web.wasm ./cmd/calc-web",
    ]);
  });

  it("reads the support files from misc/wasm before Go 1.24", () => {
    const ctx = makeContext(
      makeSpec({
        go: { version: "1.23.12" },
        wasm: [{ name: "calc", main: "./cmd/calc", targets: ["js"] }],
      }),
    );
    const runs = job(workflow(ctx), "wasm-js")
      .steps.map((s) => s.run ?? "")
      .join("\n");
    expect(runs).toContain('PATH="$(go env GOROOT)/misc/wasm:$PATH" go test ./...');
    expect(runs).toContain('cp "$(go env GOROOT)/misc/wasm/wasm_exec.js" dist/wasm/js/');
    expect(runs).not.toContain("lib/wasm");
  });

  it("on GitLab: Node from Debian for js, wazero installed before GOOS is exported", () => {
    const gl = gitlab(CASES["gitlab-wasm"]);
    const js = glJob(gl, "wasm-js");
    expect(js.stage).toBe("test");
    expect(js.script.slice(0, 2)).toEqual([
      "apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs",
      "export GOOS=js GOARCH=wasm",
    ]);
    const wasi = glJob(gl, "wasm-wasip1");
    expect(wasi.script.slice(0, 2)).toEqual([
      "go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0",
      "export GOOS=wasip1 GOARCH=wasm GOWASIRUNTIME=wazero",
    ]);
    expect(gl["wasm-wasip1"]).toMatchObject({ artifacts: { paths: ["dist/wasm/wasip1/"] } });
  });

  it("with a kept CI, the legs run in gopave.yml with the module settings", () => {
    const files = generateGithubWorkflow(CASES["wasm-kept-ci"]);
    expect(files.map((f) => f.path)).toEqual([".github/workflows/gopave.yml"]);
    const wf = yamlOf(files, ".github/workflows/gopave.yml") as {
      env: Record<string, string>;
      jobs: Record<string, Job>;
    };
    expect(Object.keys(wf.jobs)).toEqual(["wasm-js", "wasm-wasip1", "drift"]);
    expect(wf.env["GOFLAGS"]).toBe("-mod=readonly");
    // Without wasm programs the drift check needs no Go settings.
    const plain = yamlOf(
      generateGithubWorkflow(
        makeContext(exampleSpec({ keep: { ci: [".github/workflows/t.yml"] } })),
      ),
      ".github/workflows/gopave.yml",
    );
    expect(plain["env"]).toBeUndefined();
  });
});

describe("GitLab wasm scripts", () => {
  it("pass shellcheck as the one shell a job's script runs in", () => {
    const gl = gitlab(CASES["gitlab-wasm"]);
    for (const job of ["wasm-js", "wasm-wasip1"]) {
      const r = spawnSync("shellcheck", ["--shell=bash", "-"], {
        input: glJob(gl, job).script.join("\n"),
        encoding: "utf8",
      });
      expect(r.status, r.stdout).toBe(0);
    }
  });
});
