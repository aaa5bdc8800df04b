import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Run } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { resolveTools } from "../src/spec/tools.js";
import { loadSpec } from "../src/spec/load.js";
import { commandAfterFlags, parseStages, stageByName } from "./generate-container-helpers.js";
import { copyRepo, gopave } from "./helpers/cli.js";

/**
 * Proof with the real runners: test/fixtures/wasm-calc (one program for js and wasip1, one for
 * browsers with syscall/js) is synced with gopave, and the generated CI legs' own `run` steps and
 * GitLab scripts are executed as written — go vet, go test through the toolchain's
 * go_js_wasm_exec (Node) and go_wasip1_wasm_exec (wazero), and the builds — then the artifacts run
 * under Node and wazero, and the Dockerfile's wasm build RUN gives the same files. A planted wrong
 * answer makes the same test steps fail, so passing means the tests ran. wazero must be installed
 * at its pin (.ci/run does): a missing runtime fails here, it is never skipped.
 */

const GOROOT = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const GO_VERSION = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
const GOPATH_BIN = join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(), "bin");
/** Where setup-go puts installed tools (GOPATH/bin), as on the runner. */
const PATH = `${GOPATH_BIN}:${process.env["PATH"] ?? ""}`;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

interface Ran {
  status: number | null;
  out: string;
}

/** As GitHub's ubuntu runners run a `run:` step: bash --noprofile --norc -eo pipefail. */
function bash(cwd: string, script: string, env: Record<string, string>): Ran {
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PATH, ...env },
    timeout: 600_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function wazeroPin(dir: string): string {
  const spec = loadSpec(readFileSync(join(dir, "gopave.yaml"), "utf8")).spec;
  const pin = resolveTools(spec).find((t) => t.name === "wazero")?.version;
  if (!pin) throw new Error("the fixture's spec pins no wazero");
  return pin;
}

/** Fails loudly (never skips) when a runner the legs need is missing or at another version. */
function requireRunners(pin: string): void {
  const node = spawnSync("node", ["--version"], { encoding: "utf8" });
  if (node.status !== 0) throw new Error("node is not on PATH: js/wasm tests run under Node");
  const wazero = spawnSync("wazero", ["version"], { encoding: "utf8", env: { PATH } });
  if (wazero.error || wazero.stdout.trim() !== pin) {
    throw new Error(
      `wazero ${pin} is not on PATH (found: ${wazero.error ? "none" : wazero.stdout.trim()}): ` +
        `run .ci/run, or GOTOOLCHAIN=local go install github.com/tetratelabs/wazero/cmd/wazero@${pin}`,
    );
  }
}

let repo: string;
let workflow: Workflow;

beforeAll(async () => {
  repo = copyRepo("fixture", "wasm-calc");
  const sync = await gopave(repo, ["sync"]);
  expect(sync.code, sync.stderr).toBe(0);
  workflow = parseYaml(readFileSync(join(repo, ".github/workflows/ci.yml"), "utf8")) as Workflow;
  requireRunners(wazeroPin(repo));
}, 60_000);

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

/** Runs every `run` step of a job in order, with the workflow's and the step's env. */
function runJob(name: string): Map<string, Ran> {
  const job = workflow.jobs[name];
  if (!job) throw new Error(`no job ${name}; jobs: ${Object.keys(workflow.jobs).join(", ")}`);
  const results = new Map<string, Ran>();
  for (const step of job.steps) {
    if (step.uses?.startsWith("actions/setup-go@")) {
      // The runner's Go is what the spec pins: this machine's Go is it, or the proof is void.
      expect(`go${String(step.with?.["go-version"])}`).toBe(GO_VERSION);
    }
    if (step.run === undefined) continue;
    const r = bash(repo, step.run, { ...workflow.env, ...step.env });
    results.set(step.name ?? step.run, r);
    if (r.status !== 0) throw new Error(`${name}: step "${step.name}" failed:\n${r.out}`);
  }
  return results;
}

function wasmMagic(file: string): string {
  return readFileSync(file).subarray(0, 4).toString("hex");
}

describe("generated wasm legs, run with the real runners", () => {
  it("js/wasm: vet, go test under Node via go_js_wasm_exec, build with wasm_exec.js", () => {
    const ran = runJob("wasm-js");
    const test = ran.get("Test (js/wasm, under Node)")?.out ?? "";
    // The syscall/js test calls into Node's JavaScript engine; calc and cmd/calc read files.
    expect(test).toMatch(/^ok\s+example\.com\/wasmcalc\/calc\s/m);
    expect(test).toMatch(/^ok\s+example\.com\/wasmcalc\/cmd\/calc\s/m);
    expect(test).toMatch(/^ok\s+example\.com\/wasmcalc\/cmd\/calc-web\s/m);
    // Run now, not a result go test kept (the copy's fresh path makes new test binaries).
    expect(test).not.toContain("(cached)");
    expect(wasmMagic(join(repo, "dist/wasm/js/calc.wasm"))).toBe("0061736d");
    expect(wasmMagic(join(repo, "dist/wasm/js/calc-web.wasm"))).toBe("0061736d");
    expect(readFileSync(join(repo, "dist/wasm/js/wasm_exec.js"), "utf8")).toBe(
      readFileSync(join(GOROOT, "lib/wasm/wasm_exec.js"), "utf8"),
    );
    // The artifact runs under Node with the glue it was built with.
    const out = execFileSync(
      "node",
      [
        join(GOROOT, "lib/wasm/wasm_exec_node.js"),
        join(repo, "dist/wasm/js/calc.wasm"),
        "6",
        "7",
        "*",
      ],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("42");
  }, 600_000);

  it("wasip1/wasm: wazero installed at its pin, go test under wazero via go_wasip1_wasm_exec, build", () => {
    const ran = runJob("wasm-wasip1");
    const test = ran.get("Test (wasip1/wasm, under wazero)")?.out ?? "";
    expect(test).toMatch(/^ok\s+example\.com\/wasmcalc\/calc\s/m);
    expect(test).toMatch(/^ok\s+example\.com\/wasmcalc\/cmd\/calc\s/m);
    expect(test).not.toContain("(cached)");
    // The js-only program is not a wasip1 package: ./... leaves it out.
    expect(test).not.toContain("calc-web");
    const wasm = join(repo, "dist/wasm/wasip1/calc.wasm");
    expect(wasmMagic(wasm)).toBe("0061736d");
    const out = execFileSync("wazero", ["run", wasm, "3", "4", "+"], {
      encoding: "utf8",
      env: { PATH },
    });
    expect(out.trim()).toBe("7");
  }, 600_000);

  it("the same test steps fail when a test fails, under both runners", () => {
    const cases = join(repo, "cmd/calc/testdata/cases.txt");
    const good = readFileSync(cases, "utf8");
    writeFileSync(cases, `${good}2 2 + = 5\n`);
    try {
      for (const name of ["wasm-js", "wasm-wasip1"]) {
        const step = workflow.jobs[name]?.steps.find((s) => s.name?.startsWith("Test ("));
        if (!step?.run) throw new Error(`${name} has no test step`);
        const r = bash(repo, step.run, { ...workflow.env, ...step.env });
        expect(r.status, r.out).not.toBe(0);
        expect(r.out).toMatch(/FAIL\s+example\.com\/wasmcalc\/cmd\/calc/);
        expect(r.out).toContain("2 2 + = 4, <nil>; want 5");
      }
    } finally {
      writeFileSync(cases, good);
    }
  }, 600_000);

  it("the Dockerfile's wasm build RUN gives the files its export stage ships", () => {
    const text = readFileSync(join(repo, "Dockerfile"), "utf8");
    const parsed = parseStages(text);
    const stage = stageByName(parsed, "build-calc-wasm");
    const run = stage.instructions.find((i): i is Run => i instanceof Run);
    if (!run) throw new Error("build-calc-wasm has no RUN");
    // Only -o redirected: /out is the image's, here a directory of the copy.
    const out = join(repo, "docker-out");
    const command = commandAfterFlags(text, run).replaceAll("/out/", `${out}/`);
    const env = Object.fromEntries(
      [...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    const r = spawnSync("sh", ["-c", command], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(readFileSync(join(out, "js/calc.wasm"))).toEqual(
      readFileSync(join(repo, "dist/wasm/js/calc.wasm")),
    );
    expect(readFileSync(join(out, "wasip1/calc.wasm"))).toEqual(
      readFileSync(join(repo, "dist/wasm/wasip1/calc.wasm")),
    );
    expect(existsSync(join(out, "js/wasm_exec.js"))).toBe(true);
    expect(stageByName(parsed, "calc-wasm").from.getImage()).toBe("scratch");
  }, 600_000);
});

describe("generated GitLab wasm jobs, run with the real runners", () => {
  it("run their scripts as written (Node is on PATH here instead of Debian's package)", async () => {
    const dir = copyRepo("fixture", "wasm-calc");
    try {
      const spec = readFileSync(join(dir, "gopave.yaml"), "utf8");
      writeFileSync(join(dir, "gopave.yaml"), `${spec}ci:\n  provider: gitlab\n`);
      const sync = await gopave(dir, ["sync"]);
      expect(sync.code, sync.stderr).toBe(0);
      const gl = parseYaml(readFileSync(join(dir, ".gitlab-ci.yml"), "utf8")) as Record<
        string,
        { script?: string[] }
      > & { variables: Record<string, string> };
      // GitLab's project-local GOPATH and caches, as the pipeline sets them.
      const vars: Record<string, string> = Object.fromEntries(
        Object.entries(gl.variables).map(([k, v]) => [k, v.replaceAll("$CI_PROJECT_DIR", dir)]),
      );
      // The caches only save time (builds are the same, downloads are checked against go.sum and
      // the checksum database): the host's are warm, and .ci/run already fetched wazero's module.
      for (const v of ["GOCACHE", "GOMODCACHE"])
        vars[v] = execFileSync("go", ["env", v], { encoding: "utf8" }).trim();
      for (const job of ["wasm-js", "wasm-wasip1"]) {
        const script = (gl[job]?.script ?? []).filter((l) => !l.startsWith("apt-get "));
        expect(script.length).toBeGreaterThan(3);
        // A GitLab job's script lines run in one shell and stop at the first failure.
        const r = bash(dir, script.join("\n"), { ...vars, PATH: process.env["PATH"] ?? "" });
        expect(r.status, r.out).toBe(0);
        expect(r.out).toMatch(/^ok\s+example\.com\/wasmcalc\/cmd\/calc\s/m);
      }
      // wazero was installed into the project-local GOPATH the job put on PATH.
      expect(existsSync(join(dir, ".go/bin/wazero"))).toBe(true);
      expect(wasmMagic(join(dir, "dist/wasm/wasip1/calc.wasm"))).toBe("0061736d");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
