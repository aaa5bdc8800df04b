import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copyRepo, gopave } from "./helpers/cli.js";
import { requireTools, startEngine } from "./helpers/engines.js";
import type { Engine } from "./helpers/engines.js";
import { ensureStandIns, localGoroot } from "./helpers/standins.js";

/**
 * Proof that a wasm program's export stage works as its comment in the generated Dockerfile says:
 * `build --target <name>-wasm --output type=local,dest=…` writes only the program's .wasm files
 * (and, for js, the wasm_exec.js of the same toolchain) to the host, built by buildah on the
 * golang stand-in from test/fixtures/wasm-calc synced by gopave, and they run: js under Node with
 * that toolchain's glue, wasip1 under wazero at the spec's pin (on PATH from .ci/run).
 */

let work: string;
let repo: string;
let engine: Engine;
let goroot: string;

const GOPATH_BIN = join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(), "bin");

beforeAll(async () => {
  requireTools("buildah", "debootstrap", "go", "node");
  work = mkdtempSync(join(tmpdir(), "gopave-engines-wasm-"));
  repo = copyRepo("fixture", "wasm-calc");
  const sync = await gopave(repo, ["sync"]);
  expect(sync.code, sync.stderr).toBe(0);
  // The golang stand-in carries this machine's Go: the fixture pins it (localGoroot says if not).
  const go = (parse(readFileSync(join(repo, "gopave.yaml"), "utf8")) as { go: { version: string } })
    .go.version;
  goroot = localGoroot(go);
  const golang = `docker.io/library/golang:${go}`;
  engine = startEngine({ imageStores: [ensureStandIns({ golang: go })], images: [golang] });
}, 1_800_000);

afterAll(() => {
  engine?.close();
  if (repo) rmSync(repo, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** `build --target <target> --output type=local,dest=<out>`, as the Dockerfile's comment says. */
function exportStage(target: string, out: string): Promise<string> {
  return engine.buildahAsync(
    [
      "bud",
      "--layers",
      "--isolation=chroot",
      "--pull=never",
      "--build-arg",
      "BUILDPLATFORM=linux/amd64",
      "--target",
      target,
      "--output",
      `type=local,dest=${out}`,
      ".",
    ],
    repo,
  );
}

const magic = (file: string) => readFileSync(file).subarray(0, 4).toString("hex");

describe("the wasm export stage, built with buildah", () => {
  it("writes exactly the program's files for each of its targets, and they run", async () => {
    const out = join(work, "calc");
    await exportStage("calc-wasm", out);
    expect(files(out)).toEqual(["js/calc.wasm", "js/wasm_exec.js", "wasip1/calc.wasm"]);
    expect(magic(join(out, "js/calc.wasm"))).toBe("0061736d");
    expect(magic(join(out, "wasip1/calc.wasm"))).toBe("0061736d");
    expect(readFileSync(join(out, "js/wasm_exec.js"), "utf8")).toBe(
      readFileSync(join(goroot, "lib/wasm/wasm_exec.js"), "utf8"),
    );
    const js = execFileSync(
      "node",
      [join(goroot, "lib/wasm/wasm_exec_node.js"), join(out, "js/calc.wasm"), "6", "7", "*"],
      { encoding: "utf8" },
    );
    expect(js.trim()).toBe("42");
    const wasi = execFileSync("wazero", ["run", join(out, "wasip1/calc.wasm"), "3", "4", "+"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${GOPATH_BIN}:${process.env.PATH ?? ""}` },
    });
    expect(wasi.trim()).toBe("7");
  }, 1_200_000);

  it("a js-only program's export has no wasip1 build", async () => {
    const out = join(work, "calc-web");
    await exportStage("calc-web-wasm", out);
    expect(files(out)).toEqual(["js/calc-web.wasm", "js/wasm_exec.js"]);
  }, 1_200_000);
});
