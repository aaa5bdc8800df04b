import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderFile } from "../src/generate/render.js";
import {
  binaryName,
  generateSetupScript,
  shQuote,
  toolModule,
} from "../src/generate/setup-script.js";
import type { GenerateContext } from "../src/generate/types.js";
import { expectGolden } from "./helpers/golden.js";
import { exampleSpec, makeContext, makeSpec, WASM_PROGRAMS } from "./helpers/spec.js";

const SHELLCHECK = "/usr/bin/shellcheck";

function script(ctx: GenerateContext): string {
  const [file] = generateSetupScript(ctx);
  if (!file) throw new Error("no setup script");
  const rendered = renderFile(file, undefined);
  if (!rendered) throw new Error("setup script not rendered");
  expect(rendered.executable).toBe(true);
  return rendered.content;
}

const CASES: Record<string, GenerateContext> = {
  example: makeContext(exampleSpec()),
  library: makeContext(makeSpec()),
  "toolchain-auto": makeContext(
    makeSpec({
      go: { version: "1.26.8", toolchain: "auto" },
      modules: {
        proxy: "https://goproxy.internal.example.com|direct",
        private: [],
        flags: ["-mod=readonly", "-trimpath"],
      },
      tools: { stringer: { package: "golang.org/x/tools/cmd/stringer", version: "v0.38.0" } },
    }),
  ),
  // wasip1 targets pin wazero, the runtime their tests run under.
  wasm: makeContext(makeSpec({ wasm: WASM_PROGRAMS })),
  "toolchain-path": makeContext(
    makeSpec({ go: { version: "1.26.8", toolchain: "path" }, tools: {} }),
  ),
};

describe.each(Object.entries(CASES))("setup script: %s", (name, ctx) => {
  const text = script(ctx);

  it("matches the golden file", () => {
    expectGolden(`editor/${name}/scripts/setup-go-env.sh`, text);
  });

  it("starts with #!/bin/sh and passes shellcheck -s sh", () => {
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    if (!existsSync(SHELLCHECK)) throw new Error(`${SHELLCHECK} is missing: install shellcheck`);
    const r = spawnSync(SHELLCHECK, ["-s", "sh", "-S", "style", "-"], {
      input: text,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("setup script helpers", () => {
  it("quotes values for sh", () => {
    expect(shQuote("-mod=readonly -trimpath")).toBe("'-mod=readonly -trimpath'");
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("names binaries as go install does", () => {
    expect(binaryName("mvdan.cc/gofumpt")).toBe("gofumpt");
    expect(binaryName("github.com/golangci/golangci-lint/v2/cmd/golangci-lint")).toBe(
      "golangci-lint",
    );
    expect(binaryName("example.com/tool/v3")).toBe("tool");
  });

  it("knows the module roots of known tools only when the package is the known one", () => {
    expect(
      toolModule({ name: "dlv", package: "github.com/go-delve/delve/cmd/dlv", version: "v1.27.1" }),
    ).toBe("github.com/go-delve/delve");
    expect(
      toolModule({ name: "dlv", package: "example.com/fork/cmd/dlv", version: "v1.0.0" }),
    ).toBe("");
  });
});

/**
 * The script for real, in a sandbox: HOME, the go env file, GOPATH, GOBIN and the caches all in
 * a temp dir. One small real tool keeps the install quick.
 */
describe("setup script run", () => {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  let scriptPath = "";
  let goVersion = "";

  beforeAll(() => {
    // Throws (loudly) when go is not on PATH.
    goVersion = execFileSync("go", ["env", "GOVERSION"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    }).trim();
    dir = mkdtempSync(join(tmpdir(), "gopave-setup-"));
    for (const d of ["home", "config", "gopath", "bin", "cache"]) mkdirSync(join(dir, d));
    env = {
      PATH: process.env.PATH,
      HOME: join(dir, "home"),
      XDG_CONFIG_HOME: join(dir, "config"),
      GOPATH: join(dir, "gopath"),
      GOBIN: join(dir, "bin"),
      GOCACHE: join(dir, "cache"),
    };
    // Reaching a module mirror may need these; none of them is a setting the spec writes.
    for (const k of [
      "GOPROXY",
      "GOSUMDB",
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "NO_PROXY",
      "https_proxy",
      "http_proxy",
      "no_proxy",
      "SSL_CERT_FILE",
      "SSL_CERT_DIR",
    ]) {
      if (process.env[k] !== undefined) env[k] = process.env[k];
    }
    const ctx = makeContext(
      makeSpec({
        // The machine's own release, so the run does not depend on which Go is installed.
        go: { version: goVersion.replace(/^go/, ""), toolchain: "auto" },
        // -modcacherw: the sandbox's module cache can be deleted afterwards.
        modules: { private: ["git.internal.example.com"], flags: ["-mod=readonly", "-modcacherw"] },
        tools: { stringer: { package: "golang.org/x/tools/cmd/stringer", version: "v0.38.0" } },
      }),
    );
    scriptPath = join(dir, "setup-go-env.sh");
    writeFileSync(scriptPath, script(ctx));
    chmodSync(scriptPath, 0o755);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = () => {
    const r = spawnSync(scriptPath, [], { env, encoding: "utf8", cwd: dir });
    if (r.status !== 0)
      throw new Error(`setup script failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const goEnvFile = () => execFileSync("go", ["env", "GOENV"], { env, encoding: "utf8" }).trim();

  it("installs the tool and writes the go env file, then changes nothing", () => {
    const first = run();
    expect(first).toMatch(/changed\s+GOPRIVATE\s+'' -> 'git\.internal\.example\.com'/);
    expect(first).toMatch(/changed\s+GOFLAGS\s+'' -> '-mod=readonly -modcacherw'/);
    expect(first).toMatch(new RegExp(`changed\\s+GOTOOLCHAIN\\s+'[^']*' -> '${goVersion}\\+auto'`));
    expect(first).toMatch(/changed\s+stringer\s+missing -> v0\.38\.0/);
    expect(first).toMatch(/Changed 4 setting\(s\) or tool\(s\)\./);

    const envFile = goEnvFile();
    expect(envFile).toBe(join(dir, "config", "go", "env"));
    const lines = readFileSync(envFile, "utf8").trim().split("\n").sort();
    expect(lines).toEqual([
      "GOFLAGS=-mod=readonly -modcacherw",
      "GOPRIVATE=git.internal.example.com",
      `GOTOOLCHAIN=${goVersion}+auto`,
    ]);
    const bin = join(dir, "bin", "stringer");
    const version = execFileSync("go", ["version", "-m", bin], { env, encoding: "utf8" });
    expect(version).toMatch(/\tmod\tgolang\.org\/x\/tools\tv0\.38\.0\t/);

    const mtime = statSync(bin).mtimeMs;
    const envBefore = readFileSync(envFile, "utf8");
    const second = run();
    expect(second).toMatch(/ok\s+GOPRIVATE\s+git\.internal\.example\.com/);
    expect(second).toMatch(/ok\s+stringer\s+v0\.38\.0/);
    expect(second).toContain("Nothing changed: this machine already matches gopave.yaml.");
    expect(second).not.toMatch(/^\s+changed\s|go install/m);
    expect(statSync(bin).mtimeMs).toBe(mtime);
    expect(readFileSync(envFile, "utf8")).toBe(envBefore);
  }, 300_000);

  it("reports a variable the shell exports instead of writing it", () => {
    const r = spawnSync(scriptPath, [], {
      env: { ...env, GOFLAGS: "-mod=mod" },
      encoding: "utf8",
      cwd: dir,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/conflict\s+GOFLAGS\s+your shell exports GOFLAGS='-mod=mod'/);
    expect(r.stderr).toContain("fix the conflicts above");
  });
});

/**
 * Without go.toolchain in the spec the script must leave GOTOOLCHAIN alone (go env -w writes the
 * user's go env file, which every repo on the machine reads), and explain a missing Go.
 */
describe("setup script run without go.toolchain", () => {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  let installed = "";

  beforeAll(() => {
    installed = execFileSync("go", ["env", "GOVERSION"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    }).trim();
    dir = mkdtempSync(join(tmpdir(), "gopave-setup-unset-"));
    for (const d of ["home", "config", "gopath", "cache", "repo/scripts"])
      mkdirSync(join(dir, d), { recursive: true });
    env = {
      PATH: process.env.PATH,
      HOME: join(dir, "home"),
      XDG_CONFIG_HOME: join(dir, "config"),
      GOPATH: join(dir, "gopath"),
      GOCACHE: join(dir, "cache"),
    };
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const runWith = (version: string) => {
    const ctx = makeContext(
      makeSpec({
        go: { version },
        modules: { private: ["git.internal.example.com"], flags: [] },
        tools: {},
      }),
    );
    const path = join(dir, "repo", "scripts", "setup-go-env.sh");
    writeFileSync(path, script(ctx));
    chmodSync(path, 0o755);
    return spawnSync(path, [], { env, encoding: "utf8", cwd: join(dir, "repo") });
  };
  const envFileText = () => {
    const file = join(dir, "config", "go", "env");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };

  it("writes the module settings but never GOTOOLCHAIN", () => {
    const r = runWith(installed.replace(/^go/, ""));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`ok\\s+go\\s+${installed.replace(/\./g, "\\.")}\\n`));
    expect(envFileText()).toBe("GOPRIVATE=git.internal.example.com\n");
  });

  it("explains how to get a Go release this machine lacks, and changes no GOTOOLCHAIN", () => {
    const [major, minor, patch] = installed.replace(/^go/, "").split(".").map(Number);
    const want = `${major}.${minor}.${(patch ?? 0) + 1}`;
    const r = runWith(want);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`gopave.yaml pins go${want}`);
    expect(r.stderr).toContain(`export GOTOOLCHAIN=go${want}`);
    expect(r.stderr).toContain("https://go.dev/dl/");
    expect(r.stderr).toContain("go.toolchain: auto");
    expect(r.stderr).not.toContain("@latest");
    expect(envFileText()).not.toContain("GOTOOLCHAIN");
  });
});
