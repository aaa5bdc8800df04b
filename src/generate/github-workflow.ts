import { driftCheck } from "./drift-check.js";
import { ciTagLabel, ciTagSets, tagsFlags } from "./app-build-flags.js";
import { moduleEnv } from "./module-env.js";
import { wasmLegs } from "./wasm-ci.js";
import type { GenerateContext, GeneratedFile, Generator, RepoFacts } from "./types.js";

/**
 * Package patterns that cover every module of the repo. In a go.work repo `./...` at the root
 * stops at nested modules, so each module gets its own `./dir/...` (workspace mode resolves them).
 */
export function packagePatterns(repo: RepoFacts): string[] {
  if (repo.modules.length === 0) return ["./..."];
  return repo.modules.map((m) => (m.dir === "." ? "./..." : `./${m.dir}/...`));
}

/** Files whose hash keys the module cache: every go.sum (go.mod files when there are none). */
export function dependencyFiles(repo: RepoFacts): string[] {
  const at = (dir: string, file: string) => (dir === "." ? file : `${dir}/${file}`);
  const sums = repo.modules.filter((m) => m.hasGoSum).map((m) => at(m.dir, "go.sum"));
  if (repo.workspace?.hasSum) sums.push("go.work.sum");
  if (sums.length > 0) return sums;
  const mods = repo.modules.map((m) => at(m.dir, "go.mod"));
  return mods.length > 0 ? mods : ["go.mod"];
}

/** The pinned golangci-lint, if any: without one there is no lint job to run. */
export function golangciLintVersion(ctx: GenerateContext): string | undefined {
  return ctx.tools.find((t) => t.name === "golangci-lint")?.version;
}

/**
 * setup-go's version input. go.mod is only named when it selects exactly go.version (its
 * toolchain line, or an exact go line without one); otherwise CI would test another Go than the
 * one the spec pins. go.work's lines are not among the repo facts, so workspaces name the version.
 */
function setupGoVersion(ctx: GenerateContext): Record<string, string> {
  const want = ctx.spec.go.version;
  const root = ctx.repo.modules.find((m) => m.dir === ".");
  if (root && !ctx.repo.workspace) {
    const selects =
      root.toolchain !== undefined ? root.toolchain === `go${want}` : root.goLine === want;
    if (selects) return { "go-version-file": "go.mod" };
  }
  return { "go-version": want };
}

export const generateGithubWorkflow: Generator = (ctx): GeneratedFile[] => {
  const { spec, repo } = ctx;
  if (spec.ci.provider !== "github") return [];
  // Functions, not shared objects: the YAML writer would turn repeated objects into aliases.
  // The workflow never pushes: no token needs to stay in .git/config.
  const checkout = () => ({ uses: "actions/checkout@v5", with: { "persist-credentials": false } });
  const setupGo = () => ({
    uses: "actions/setup-go@v6",
    with: {
      ...setupGoVersion(ctx),
      cache: true,
      // setup-go v6 keys the cache on go.mod by default; go.sum changes with every dependency.
      "cache-dependency-path": dependencyFiles(repo).join("\n"),
    },
  });
  const check = driftCheck(ctx);
  const drift = {
    "runs-on": "ubuntu-latest",
    steps: [
      checkout(),
      {
        uses: "actions/setup-node@v5",
        with: { "node-version": 22, ...(check.npmProject ? { cache: "npm" } : {}) },
      },
      { name: "Generated files match gopave.yaml", run: check.commands.join("\n") },
    ],
  };
  const wasm = wasmJobs(ctx, checkout, setupGo);
  const workflow = (path: string, name: string, jobs: Record<string, unknown>): GeneratedFile => ({
    path,
    format: "yaml",
    data: {
      name,
      on: { push: { branches: spec.ci.branches }, pull_request: {} },
      permissions: { contents: "read" },
      // Jobs that run the go command get the spec's module settings; the drift check alone does not.
      ...(name === "ci" || Object.keys(wasm).length > 0
        ? { env: Object.fromEntries(moduleEnv(spec)) }
        : {}),
      jobs,
    },
  });
  // The repo's own CI already tests: a second test workflow would run everything twice. It does
  // not know the spec's wasm targets, though, so their legs run beside the drift check.
  if (spec.keep.ci !== undefined)
    return [workflow(".github/workflows/gopave.yml", "gopave", { ...wasm, drift })];

  const patterns = packagePatterns(repo).join(" ");
  const sets = ciTagSets(spec);
  const jobs: Record<string, unknown> = {
    test: {
      "runs-on": "ubuntu-latest",
      steps: [
        checkout(),
        setupGo(),
        ...sets.flatMap((tags) => {
          const flags = tagsFlags(tags)
            .map((f) => `${f} `)
            .join("");
          const label = sets.length > 1 ? ` (${ciTagLabel(tags)})` : "";
          return [
            { name: `Vet${label}`, run: `go vet ${flags}${patterns}` },
            { name: `Test${label}`, run: `go test -race ${flags}${patterns}` },
            { name: `Build${label}`, run: `go build ${flags}${patterns}` },
          ];
        }),
      ],
    },
  };
  const lintVersion = golangciLintVersion(ctx);
  if (lintVersion !== undefined) {
    jobs["lint"] = {
      "runs-on": "ubuntu-latest",
      steps: [
        checkout(),
        setupGo(),
        {
          // v7+ of the action runs golangci-lint v2 only; a repo that keeps a v1 config pins v1,
          // which v6 runs.
          uses: `golangci/golangci-lint-action@${lintVersion.startsWith("v1.") ? "v6" : "v9"}`,
          with: {
            version: lintVersion,
            ...(repo.workspace ? { args: patterns } : {}),
          },
        },
      ],
    };
  }
  Object.assign(jobs, wasm);
  const images = imagesJob(ctx, checkout);
  if (images) jobs["images"] = images;
  jobs["drift"] = drift;
  return [workflow(".github/workflows/ci.yml", "ci", jobs)];
};

/**
 * One job per wasm target: vet, test under the target's runner (Node for js, wazero for wasip1,
 * through the toolchain's go_<goos>_wasm_exec), and build the programs as the Dockerfile does.
 */
function wasmJobs(
  ctx: GenerateContext,
  checkout: () => unknown,
  setupGo: () => unknown,
): Record<string, unknown> {
  const label = (t: string) => `${t}/wasm`;
  return Object.fromEntries(
    wasmLegs(ctx).map((leg) => [
      leg.job,
      {
        "runs-on": "ubuntu-latest",
        steps: [
          checkout(),
          setupGo(),
          ...(leg.target === "js"
            ? [{ uses: "actions/setup-node@v5", with: { "node-version": 22 } }]
            : []),
          // Without GOOS in its environment: the runtime runs on the runner, not in wasm.
          ...(leg.install ? [{ name: "Install wazero", run: leg.install }] : []),
          // Fresh objects: the YAML writer would turn a shared env into an anchor and aliases.
          { name: `Vet (${label(leg.target)})`, env: { ...leg.env }, run: leg.vet },
          {
            name: `Test (${label(leg.target)}, under ${leg.target === "js" ? "Node" : "wazero"})`,
            env: { ...leg.env },
            run: leg.test,
          },
          { name: `Build (${label(leg.target)})`, env: { ...leg.env }, run: leg.build.join("\n") },
        ],
      },
    ]),
  );
}

/**
 * Builds every app image for image.platforms (no push) so a Dockerfile that breaks on one
 * platform fails CI. Go cross-compiles from the build platform; only cgo stages run emulated,
 * which is when QEMU is needed. Skipped when the repo keeps its own Dockerfile.
 */
function imagesJob(ctx: GenerateContext, checkout: () => unknown): unknown {
  const { spec } = ctx;
  if (
    spec.apps.length === 0 ||
    spec.keep.dockerfile !== undefined ||
    spec.overrides["Dockerfile"]?.generate === false
  )
    return undefined;
  const platforms = spec.image.platforms.join(",");
  const targets = spec.apps.map((a) => a.name).join(" ");
  return {
    "runs-on": "ubuntu-latest",
    steps: [
      checkout(),
      ...(spec.apps.some((a) => a.cgo) ? [{ uses: "docker/setup-qemu-action@v3" }] : []),
      { uses: "docker/setup-buildx-action@v3" },
      {
        name: `Build images (${platforms})`,
        run: `for target in ${targets}; do\n  docker buildx build --platform ${platforms} --target "$target" .\ndone\n`,
      },
    ],
  };
}
