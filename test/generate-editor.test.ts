import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import type { ParseError } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateDevcontainer } from "../src/generate/devcontainer.js";
import { MARKER } from "../src/generate/marker.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext, GeneratedFile } from "../src/generate/types.js";
import { generateVscodeExtensions } from "../src/generate/vscode-extensions.js";
import { generateVscodeLaunch, substitutePaths } from "../src/generate/vscode-launch.js";
import { generateVscodeSettings } from "../src/generate/vscode-settings.js";
import { generateVscodeTasks } from "../src/generate/vscode-tasks.js";
import { copyRepo, gopave } from "./helpers/cli.js";
import { expectGolden } from "./helpers/golden.js";
import { schemaErrors } from "./helpers/schemas.js";
import { goLaunchConfigErrors } from "./helpers/vscode-launch-schema.js";
import {
  exampleSpec,
  makeContext,
  makeSpec,
  WASM_PROGRAMS,
  workspaceRepo,
} from "./helpers/spec.js";

const EDITOR = [
  generateDevcontainer,
  generateVscodeSettings,
  generateVscodeExtensions,
  generateVscodeLaunch,
  generateVscodeTasks,
];

const WORKSPACE_REPO = workspaceRepo({ goLine: "1.25.0", toolchain: "go1.26.8" });

const CASES = {
  example: makeContext(exampleSpec()),
  library: makeContext(makeSpec()),
  "no-services": makeContext(
    makeSpec({
      apps: [{ name: "api", main: "./cmd/api", port: 8080 }],
      lint: { linters: ["revive"], formatters: ["gofmt"] },
    }),
  ),
  workspace: makeContext(exampleSpec(), WORKSPACE_REPO),
  // Delve gets the app's tags and its linker flags without -s/-w (it needs the DWARF data).
  tags: makeContext(
    makeSpec({
      apps: [
        {
          name: "api",
          main: "./cmd/api",
          port: 8080,
          tags: ["netgo"],
          ldflags: '-s -w -X main.version=1.4.0 -X "main.motto=ship it"',
        },
      ],
    }),
  ),
  wasm: makeContext(makeSpec({ wasm: WASM_PROGRAMS })),
} satisfies Record<string, GenerateContext>;

function render(ctx: GenerateContext): GeneratedFile[] {
  return EDITOR.flatMap((g) => g(ctx));
}

function text(file: GeneratedFile): string {
  const r = renderFile(file, undefined);
  if (!r) throw new Error(`${file.path} not rendered`);
  return r.content;
}

function parsed(files: GeneratedFile[], path: string): Record<string, unknown> {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} not generated; got ${files.map((f) => f.path).join(", ")}`);
  const content = text(file);
  if (file.format === "yaml") return parseYaml(content) as Record<string, unknown>;
  const errors: ParseError[] = [];
  const data = parseJsonc(content, errors, { allowTrailingComma: false }) as Record<
    string,
    unknown
  >;
  expect(errors).toEqual([]);
  return data;
}

describe.each(Object.entries(CASES))("editor files: %s", (name, ctx) => {
  const files = render(ctx);

  it("match the golden files", () => {
    for (const f of files) expectGolden(`editor/${name}/${f.path}`, text(f));
  });

  it("are deterministic and carry the marker once, on the first line", () => {
    expect(render(ctx).map(text)).toEqual(files.map(text));
    for (const f of files) {
      const lines = text(f).split("\n");
      expect(lines[0]).toContain(MARKER);
      expect(lines.filter((l) => l.includes(MARKER))).toHaveLength(1);
    }
  });

  it("devcontainer.json (and its compose file) validate against the official schemas", () => {
    expect(schemaErrors("devcontainer", parsed(files, ".devcontainer/devcontainer.json"))).toEqual(
      [],
    );
    if (files.some((f) => f.path === ".devcontainer/compose.yaml")) {
      expect(schemaErrors("compose", parsed(files, ".devcontainer/compose.yaml"))).toEqual([]);
    }
  });
});

describe.each(Object.entries(CASES))("VS Code files: %s", (name, ctx) => {
  const files = render(ctx);
  const has = (path: string) => files.some((f) => f.path === path);

  it("launch.json: every configuration validates against the Go extension's schema", () => {
    if (!has(".vscode/launch.json")) return;
    const { configurations } = parsed(files, ".vscode/launch.json") as {
      configurations: Record<string, unknown>[];
    };
    for (const c of configurations) {
      expect(goLaunchConfigErrors(c), `${name}: ${String(c["name"])}`).toEqual([]);
    }
  });

  it("tasks.json: version 2.0.0, unique labels, shell tasks with a command", () => {
    // VS Code builds the tasks.json schema in code (no schema file to validate against): the
    // properties gopave writes are checked here by name and type.
    if (!has(".vscode/tasks.json")) return;
    const doc = parsed(files, ".vscode/tasks.json") as {
      version: string;
      tasks: Record<string, unknown>[];
    };
    expect(doc.version).toBe("2.0.0");
    const labels = doc.tasks.map((t) => t["label"]);
    expect(new Set(labels).size).toBe(labels.length);
    const known = ["label", "type", "command", "detail", "group", "options", "presentation"];
    for (const t of doc.tasks) {
      expect(Object.keys(t).filter((k) => ![...known, "problemMatcher"].includes(k))).toEqual([]);
      expect(t).toMatchObject({ label: expect.any(String), type: "shell" });
      expect(typeof t["command"]).toBe("string");
      if ("detail" in t) expect(typeof t["detail"]).toBe("string");
    }
  });
});

describe("gopave check on the VS Code files init writes", () => {
  it("finds nothing in launch.json or tasks.json (the .env task included)", async () => {
    const dir = copyRepo("example", "orders");
    try {
      expect((await gopave(dir, ["init", "--yes", "--offline"])).code).toBe(0);
      const launch = readFileSync(join(dir, ".vscode", "launch.json"), "utf8");
      expect(launch).toContain('"preLaunchTask": "create .env from .env.example"');
      const r = await gopave(dir, ["check", "--format", "json", "--offline"]);
      const { findings } = JSON.parse(r.stdout) as { findings: { file: string }[] };
      expect(findings.filter((f) => f.file.startsWith(".vscode/"))).toEqual([]);
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the launch.json schema check", () => {
  it("rejects what VS Code rejects: an unknown mode or attribute, a missing name", () => {
    const ok = { name: "x", type: "go", request: "launch", mode: "debug", program: "." };
    expect(goLaunchConfigErrors(ok)).toEqual([]);
    expect(goLaunchConfigErrors({ ...ok, preLaunchTask: "build" })).toEqual([]);
    expect(goLaunchConfigErrors({ ...ok, mode: "run" })).not.toEqual([]);
    expect(goLaunchConfigErrors({ ...ok, envfile: ".env" })).not.toEqual([]);
    expect(goLaunchConfigErrors({ ...ok, name: undefined })).not.toEqual([]);
  });
});

describe("devcontainer", () => {
  it("builds .devcontainer/Dockerfile when there are no services", () => {
    const dc = parsed(render(CASES["no-services"]), ".devcontainer/devcontainer.json");
    expect(dc["build"]).toEqual({ dockerfile: "Dockerfile", context: "..", target: "dev" });
    expect(dc["mounts"]).toContain("source=orders-gomodcache,target=/go/pkg/mod,type=volume");
    expect(dc["capAdd"]).toEqual(["SYS_PTRACE"]);
    expect(dc["securityOpt"]).toEqual(["seccomp=unconfined"]);
    expect(dc["forwardPorts"]).toEqual([8080]);
    expect(dc["containerEnv"]).toEqual({ GOTOOLCHAIN: "local" });
    expect(dc["remoteUser"]).toBe("vscode");
    expect(dc["workspaceFolder"]).toBe("/workspaces/orders");
  });

  it("joins the root compose file when there are services", () => {
    const files = render(CASES["example"]);
    const dc = parsed(files, ".devcontainer/devcontainer.json");
    expect(dc["dockerComposeFile"]).toEqual(["../compose.yaml", "compose.yaml"]);
    expect(dc["service"]).toBe("dev");
    expect(dc["runServices"]).toEqual(["dev", "postgres", "redis"]);
    expect(dc["forwardPorts"]).toEqual([8080, "postgres:5432", "redis:6379"]);
    expect(dc["containerEnv"]).toEqual({
      GOTOOLCHAIN: "local",
      GOPRIVATE: "git.internal.example.com",
      GOFLAGS: "-mod=readonly",
    });
    const compose = parsed(files, ".devcontainer/compose.yaml") as {
      services: { dev: Record<string, unknown> };
      volumes: Record<string, unknown>;
    };
    const dev = compose.services.dev;
    expect(dev["build"]).toEqual({
      context: ".",
      dockerfile: ".devcontainer/Dockerfile",
      target: "dev",
    });
    expect(dev["volumes"]).toContain(".:/workspaces/orders:cached");
    expect(dev["volumes"]).toContain("gomodcache:/go/pkg/mod");
    expect(dev["depends_on"]).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
    expect(Object.keys(dev["environment"] as object)).toEqual(["DATABASE_URL", "REDIS_URL"]);
    expect((dev["environment"] as Record<string, string>)["REDIS_URL"]).toBe(
      "redis://redis:6379/0",
    );
    expect(compose.volumes["gomodcache"]).toEqual({ name: "orders-gomodcache" });
  });

  it("configures the Go extension for pinned tools", () => {
    const dc = parsed(render(CASES["example"]), ".devcontainer/devcontainer.json") as {
      customizations: { vscode: { extensions: string[]; settings: Record<string, unknown> } };
    };
    expect(dc.customizations.vscode.extensions).toEqual(["golang.go"]);
    expect(dc.customizations.vscode.settings).toMatchObject({
      "go.toolsManagement.autoUpdate": false,
      "go.toolsManagement.checkForUpdates": "off",
      "go.lintTool": "golangci-lint-v2",
      gopls: { "formatting.gofumpt": true },
    });
  });
});

describe("VS Code files", () => {
  it("are not generated for editor.kind none (the dev container still is)", () => {
    const ctx = makeContext(exampleSpec({ editor: { kind: "none", debugPort: 2345 } }));
    expect(render(ctx).map((f) => f.path)).toEqual([
      ".devcontainer/devcontainer.json",
      ".devcontainer/compose.yaml",
    ]);
  });

  it("launch.json attaches to each app's Delve on its own loopback port", () => {
    const ctx = makeContext(exampleSpec({ editor: { kind: "vscode", debugPort: 40000 } }));
    const launch = parsed(render(ctx), ".vscode/launch.json") as {
      configurations: Record<string, unknown>[];
    };
    const attach = launch.configurations.filter((c) => c["request"] === "attach");
    expect(
      attach.map((c) => [c["name"], c["port"], c["host"], c["mode"], c["debugAdapter"]]),
    ).toEqual([
      ["Attach to api (container)", 40000, "127.0.0.1", "remote", "dlv-dap"],
      ["Attach to worker (container)", 40001, "127.0.0.1", "remote", "dlv-dap"],
    ]);
    const api = launch.configurations.find((c) => c["name"] === "Launch api (host, .env)");
    expect(api).toMatchObject({
      mode: "debug",
      program: "${workspaceFolder}/cmd/api",
      envFile: "${workspaceFolder}/.env",
      env: { PORT: "8080" },
    });
    // In the dev container compose sets service addresses; .env's 127.0.0.1 ones must not win.
    const inContainer = launch.configurations.find(
      (c) => c["name"] === "Launch api (dev container)",
    );
    expect(inContainer).toMatchObject({
      program: "${workspaceFolder}/cmd/api",
      env: { PORT: "8080" },
    });
    expect(inContainer).not.toHaveProperty("envFile");
  });

  it("launch configurations start the app (mode debug) and test the package (mode test)", () => {
    // The Go extension turns mode auto into test when the focused editor holds a _test.go file,
    // so an app's launch configuration would run its package's tests instead of the server.
    for (const [name, ctx] of Object.entries(CASES)) {
      const file = render(ctx).find((f) => f.path === ".vscode/launch.json");
      if (!file) continue;
      const { configurations } = parsed([file], file.path) as {
        configurations: Record<string, unknown>[];
      };
      for (const c of configurations.filter((c) => c["request"] === "launch")) {
        const test = String(c["name"]).startsWith("Test ");
        expect(c["mode"], `${name}: ${String(c["name"])}`).toBe(test ? "test" : "debug");
      }
    }
  });

  it("every preLaunchTask names a task of tasks.json", () => {
    for (const [name, ctx] of Object.entries(CASES)) {
      const files = render(ctx);
      if (!files.some((f) => f.path === ".vscode/launch.json")) continue;
      const { configurations } = parsed(files, ".vscode/launch.json") as {
        configurations: Record<string, unknown>[];
      };
      const { tasks } = parsed(files, ".vscode/tasks.json") as { tasks: { label: string }[] };
      const labels = tasks.map((t) => t.label);
      expect(new Set(labels).size, `${name}: task labels are unique`).toBe(labels.length);
      for (const c of configurations) {
        if (c["preLaunchTask"] === undefined) continue;
        expect(labels, `${name}: ${String(c["name"])}`).toContain(c["preLaunchTask"]);
      }
    }
  });

  it("the (host, .env) configurations first create .env from .env.example, never replacing it", () => {
    const files = render(CASES["example"]);
    const { configurations } = parsed(files, ".vscode/launch.json") as {
      configurations: Record<string, unknown>[];
    };
    const withEnvFile = configurations.filter((c) => c["envFile"] !== undefined);
    expect(withEnvFile.map((c) => c["name"])).toEqual([
      "Launch api (host, .env)",
      "Launch worker (host, .env)",
      "Test current package (host, .env)",
    ]);
    const pre = [...new Set(withEnvFile.map((c) => c["preLaunchTask"]))];
    expect(pre).toHaveLength(1);
    // In the dev container compose sets the variables; nothing reads .env there.
    for (const c of configurations.filter((c) => String(c["name"]).includes("(dev container)"))) {
      expect(c).not.toHaveProperty("preLaunchTask");
    }
    const { tasks } = parsed(files, ".vscode/tasks.json") as {
      tasks: Record<string, unknown>[];
    };
    const task = tasks.find((t) => t["label"] === pre[0]);
    expect(task).toMatchObject({ type: "shell", problemMatcher: [] });
    expect(task?.["detail"]).toMatch(/POSIX shell/);
    const command = String(task?.["command"]);
    const dir = mkdtempSync(join(tmpdir(), "gopave-envtask-"));
    try {
      const run = () => execFileSync("sh", ["-c", command], { cwd: dir, encoding: "utf8" });
      writeFileSync(join(dir, ".env.example"), "POSTGRES_PASSWORD=app-dev-password\n");
      run();
      expect(readFileSync(join(dir, ".env"), "utf8")).toBe("POSTGRES_PASSWORD=app-dev-password\n");
      // An existing .env holds the developer's own values: it stays, and the task still succeeds.
      writeFileSync(join(dir, ".env"), "POSTGRES_PASSWORD=mine\n");
      run();
      expect(readFileSync(join(dir, ".env"), "utf8")).toBe("POSTGRES_PASSWORD=mine\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without services there is no envFile and no .env task", () => {
    const files = render(CASES["no-services"]);
    const { configurations } = parsed(files, ".vscode/launch.json") as {
      configurations: Record<string, unknown>[];
    };
    for (const c of configurations) {
      expect(c).not.toHaveProperty("envFile");
      expect(c).not.toHaveProperty("preLaunchTask", expect.stringContaining(".env"));
    }
    const { tasks } = parsed(files, ".vscode/tasks.json") as { tasks: { label: string }[] };
    expect(tasks.map((t) => t.label).filter((l) => l.includes(".env"))).toEqual([]);
  });

  it("launch.json has no attach configs without a pinned Delve", () => {
    const ctx = makeContext(exampleSpec({ tools: { gopls: "v0.23.0" } }));
    const launch = parsed(render(ctx), ".vscode/launch.json") as {
      configurations: Record<string, unknown>[];
    };
    expect(launch.configurations.some((c) => c["request"] === "attach")).toBe(false);
  });

  it("substitutePath maps every module, most specific first", () => {
    expect(substitutePaths(WORKSPACE_REPO)).toEqual([
      { from: "${workspaceFolder}/libs/platform", to: "example.com/orders/platform" },
      { from: "${workspaceFolder}/tools/migrate", to: "example.com/migrate" },
      { from: "${workspaceFolder}", to: "example.com/orders" },
    ]);
  });

  it("tasks cover every module of a go.work repo", () => {
    const tasks = parsed(render(CASES["workspace"]), ".vscode/tasks.json") as {
      tasks: { label: string; command: string }[];
    };
    expect(tasks.tasks.find((t) => t.label === "test")?.command).toBe(
      "go test -race ./... ./libs/platform/... ./tools/migrate/...",
    );
  });

  it("tasks.json has build, test, lint and one run task per app", () => {
    const tasks = parsed(render(CASES["example"]), ".vscode/tasks.json") as {
      version: string;
      tasks: Record<string, unknown>[];
    };
    expect(tasks.version).toBe("2.0.0");
    expect(tasks.tasks.map((t) => t["label"])).toEqual([
      "build",
      "test",
      "lint",
      "run-api",
      "run-worker",
      "create .env from .env.example",
      "start api-debug",
      "start worker-debug",
    ]);
    const runApi = tasks.tasks.find((t) => t["label"] === "run-api");
    expect(runApi).toMatchObject({
      command:
        'if [ -z "$DATABASE_URL" ] && [ -f .env ]; then set -a; . ./.env; set +a; fi; go run ./cmd/api',
      options: { env: { PORT: "8080" } },
    });
    const noServices = parsed(render(CASES["no-services"]), ".vscode/tasks.json") as {
      tasks: Record<string, unknown>[];
    };
    expect(noServices.tasks.find((t) => t["label"] === "run-api")?.["command"]).toBe(
      "go run ./cmd/api",
    );
    for (const t of tasks.tasks.slice(0, 5)) expect(t["problemMatcher"]).toBe("$go");
  });

  it("run tasks read .env on the host but keep the dev container's service addresses", () => {
    const tasks = parsed(render(CASES["example"]), ".vscode/tasks.json") as {
      tasks: { label: string; command: string }[];
    };
    const command = tasks.tasks.find((t) => t.label === "run-api")?.command ?? "";
    const probe = command.replace(/go run .*$/, 'printf %s "$DATABASE_URL"');
    const dir = mkdtempSync(join(tmpdir(), "gopave-task-"));
    try {
      writeFileSync(
        join(dir, ".env"),
        "POSTGRES_USER=app\nDATABASE_URL=postgres://${POSTGRES_USER}@127.0.0.1:5432/app\n",
      );
      const sh = (env: Record<string, string>) =>
        execFileSync("sh", ["-c", probe], {
          cwd: dir,
          env: { PATH: process.env.PATH, ...env },
          encoding: "utf8",
        });
      expect(sh({})).toBe("postgres://app@127.0.0.1:5432/app");
      expect(sh({ DATABASE_URL: "postgres://postgres:5432/app" })).toBe(
        "postgres://postgres:5432/app",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("extensions.json recommends the Go extension", () => {
    expect(parsed(render(CASES["library"]), ".vscode/extensions.json")).toEqual({
      recommendations: ["golang.go"],
    });
  });
});

describe("wasm tasks", () => {
  it("run the CI legs' commands with the target's environment, and pass shellcheck", () => {
    const tasks = (parsed(render(CASES.wasm), ".vscode/tasks.json") as { tasks: Task[] }).tasks;
    const wasm = tasks.filter((t) => t.label.includes("wasm"));
    expect(wasm.map((t) => t.label)).toEqual([
      "test (js/wasm)",
      "build wasm (js)",
      "test (wasip1/wasm)",
      "build wasm (wasip1)",
    ]);
    expect(wasm[2]?.options?.env).toEqual({
      GOOS: "wasip1",
      GOARCH: "wasm",
      GOWASIRUNTIME: "wazero",
    });
    // VS Code runs a shell task's command with the user's shell: bash on Linux.
    for (const t of wasm) execFileSync("shellcheck", ["--shell=bash", "-"], { input: t.command });
  });
});

interface Task {
  label: string;
  command: string;
  options?: { env?: Record<string, string> };
}
