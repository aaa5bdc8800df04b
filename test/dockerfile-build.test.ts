import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Run } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import type { RepoFacts } from "../src/generate/types.js";
import {
  argDefaults,
  commandAfterFlags,
  must,
  parseStages,
  stageByName,
  unquoteDockerfileValue,
} from "./generate-container-helpers.js";
import type { ParsedDockerfile } from "./generate-container-helpers.js";
import {
  EM_AARCH64,
  EM_X86_64,
  PT_DYNAMIC,
  PT_INTERP,
  readElf64,
} from "./generate-container-elf.js";
import { makeContext, makeSpec } from "./helpers/spec.js";

/**
 * Proof with the real go: the `go build` lines of the generated Dockerfile, run exactly as written
 * (only the BuildKit --mount flags dropped and -o redirected) on examples/orders, give static
 * binaries for both target architectures, and the debug build keeps its DWARF data.
 */

const EXAMPLE = join(import.meta.dirname, "..", "examples", "orders");
const REPO: RepoFacts = {
  modules: [
    {
      dir: ".",
      path: "example.com/orders",
      goLine: "1.25.0",
      toolchain: "go1.26.8",
      hasGoSum: existsSync(join(EXAMPLE, "go.sum")),
    },
  ],
  workspace: undefined,
};
const SPEC = makeSpec({
  name: "orders",
  apps: [
    { name: "api", main: "./cmd/api", port: 8080, health: "/healthz" },
    { name: "worker", main: "./cmd/worker" },
  ],
  services: { postgres: {}, redis: {} },
  modules: { private: [], flags: ["-mod=readonly"] },
});
const ARCHES = [
  { arch: "amd64", machine: EM_X86_64 },
  { arch: "arm64", machine: EM_AARCH64 },
] as const;

const NETWORK_SETTINGS = [
  "GOPROXY",
  "GOSUMDB",
  "GONOSUMDB",
  "GOPRIVATE",
  "GONOPROXY",
  "GOINSECURE",
];

let work: string;
let text: string;
let parsed: ParsedDockerfile;
let baseEnv: NodeJS.ProcessEnv;

/**
 * The environment a build stage sees: the deps stage's ARG defaults over a clean Go environment
 * (GOENV=off, as in a fresh image). Caches and the machine's route to modules are kept, so the
 * test runs offline-friendly wherever `go build` works.
 */
function goEnv(): NodeJS.ProcessEnv {
  const host = JSON.parse(
    execFileSync("go", ["env", "-json", "GOCACHE", "GOMODCACHE", ...NETWORK_SETTINGS], {
      encoding: "utf8",
    }),
  ) as Record<string, string>;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GOENV: "off" };
  for (const [k, v] of Object.entries(host)) if (v !== "") env[k] = v;
  for (const [k, v] of argDefaults(stageByName(parsed, "deps")))
    env[k] = unquoteDockerfileValue(v ?? "");
  return env;
}

/** The shell command of a stage's last RUN, with `-o /out/` pointed at `out`. */
function buildCommand(stage: string, out: string): string {
  const runs = stageByName(parsed, stage).instructions.filter((i): i is Run => i instanceof Run);
  const cmd = commandAfterFlags(text, must(runs.at(-1), `RUN in ${stage}`));
  expect(cmd).toMatch(/^CGO_ENABLED=\d .*go build /);
  const redirected = cmd.replace(" -o /out/", ` -o ${out}/`);
  expect(redirected).not.toBe(cmd);
  return redirected;
}

function sh(cmd: string, env: NodeJS.ProcessEnv): void {
  execFileSync("sh", ["-c", cmd], {
    cwd: join(work, "src"),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function buildSettings(binary: string): string {
  return execFileSync("go", ["version", "-m", binary], { encoding: "utf8", env: baseEnv });
}

beforeAll(() => {
  if (!existsSync(join(EXAMPLE, "go.mod")))
    throw new Error(`examples/orders is missing at ${EXAMPLE}`);
  const file = generateDockerfile(makeContext(SPEC, REPO))[0];
  if (file?.format !== "text") throw new Error("no Dockerfile");
  text = file.text;
  parsed = parseStages(text);
  work = mkdtempSync(join(tmpdir(), "gopave-dockerfile-build-"));
  cpSync(EXAMPLE, join(work, "src"), { recursive: true });
  baseEnv = goEnv();
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("Dockerfile build commands with the real go", () => {
  for (const app of SPEC.apps) {
    for (const { arch, machine } of ARCHES) {
      it(
        `build-${app.name} gives a static, stripped linux/${arch} binary`,
        { timeout: 300_000 },
        () => {
          const out = join(work, "out", arch);
          sh(buildCommand(`build-${app.name}`, out), {
            ...baseEnv,
            TARGETOS: "linux",
            TARGETARCH: arch,
          });
          const binary = join(out, app.name);
          const bytes = readFileSync(binary);
          const elf = readElf64(bytes);
          expect(elf.machine).toBe(machine);
          // No program interpreter: runs on distroless static and scratch, which have no libc.
          expect(elf.programHeaderTypes).not.toContain(PT_INTERP);
          expect(elf.programHeaderTypes).not.toContain(PT_DYNAMIC);
          // -ldflags=-s: no symbol table and no DWARF (go does not record ldflags with -trimpath).
          expect(elf.sectionNames.filter((n) => n === ".symtab" || /^\.z?debug_/.test(n))).toEqual(
            [],
          );
          // -trimpath: no path of the build machine is recorded.
          expect(bytes.includes(Buffer.from(work))).toBe(false);
          const settings = buildSettings(binary);
          for (const s of ["-trimpath=true", "CGO_ENABLED=0", `GOARCH=${arch}`, "GOOS=linux"]) {
            expect(settings).toContain(`build\t${s}\n`);
          }
          expect(settings).toContain(`path\texample.com/orders/cmd/${app.name}\n`);
        },
      );
    }
  }

  it("api-debug builds with optimisations off and DWARF kept", { timeout: 300_000 }, () => {
    const out = join(work, "out", "debug");
    sh(buildCommand("api-debug", out), baseEnv);
    const binary = join(out, "api");
    const elf = readElf64(readFileSync(binary));
    expect(elf.sectionNames).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\.z?debug_info$/)]),
    );
    // The shell must have passed "all=-N -l" as one flag.
    expect(buildSettings(binary)).toContain('build\t-gcflags="all=-N -l"\n');
  });

  it("Delve accepts the debug ENTRYPOINT's flags", { timeout: 60_000 }, async () => {
    const dlv = findDlv();
    if (!dlv)
      throw new Error("dlv is not installed: .ci/run installs it (go install …/cmd/dlv@v1.27.1)");
    const entry = stageByName(parsed, "api-debug").instructions.find(
      (i) => i.getKeyword() === "ENTRYPOINT",
    );
    const argv = JSON.parse(must(entry?.getArgumentsContent(), "ENTRYPOINT")) as string[];
    expect(argv[0]).toBe("dlv");
    const binary = join(work, "out", "debug", "api");
    if (!existsSync(binary)) sh(buildCommand("api-debug", join(work, "out", "debug")), baseEnv);
    // Same flags; the binary path is the local build and the address loopback with any port.
    const args = argv
      .slice(1)
      .map((a) =>
        a === "/out/api" ? binary : a.startsWith("--listen=") ? "--listen=127.0.0.1:0" : a,
      );
    const output = await runUntil(
      must(dlv, "dlv"),
      args,
      /API server listening at: 127\.0\.0\.1:\d+/,
    );
    expect(output).toMatch(/API server listening at/);
  });
});

function findDlv(): string | undefined {
  const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
  const dirs = [
    ...(process.env.PATH ?? "").split(":"),
    ...gopath.split(":").map((p) => join(p, "bin")),
  ];
  return dirs.map((d) => join(d, "dlv")).find((p) => p !== "dlv" && existsSync(p));
}

/** Starts a process, resolves with its output once `ready` matches, then stops it. */
function runUntil(cmd: string, args: string[], ready: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: baseEnv });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out; output so far:\n${output}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!ready.test(output)) reject(new Error(`dlv exited with ${code}:\n${output}`));
    });
  });
}
