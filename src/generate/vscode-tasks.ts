import { runFlags, sharedTags, tagsFlags } from "./app-build-flags.js";
import { debugTarget } from "./container/names.js";
import { golangciLintVersion, packagePatterns } from "./github-workflow.js";
import type { Spec } from "../spec/schema.js";
import { resolveServices, serviceConnectionEnv } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";
import { wasmLegs } from "./wasm-ci.js";

/** The task that starts `<app>-debug` (compose profile "debug"); the attach config runs it first. */
export function debugTaskLabel(app: string): string {
  return `start ${debugTarget(app)}`;
}

/**
 * The task the "(host, .env)" launch configurations run first. The Go extension refuses to start
 * a configuration whose envFile is missing ("Cannot load environment variables from file"), and
 * .env is git-ignored, so a fresh clone has none until this makes it from .env.example.
 */
export const ENV_FILE_TASK = "create .env from .env.example";

/**
 * Whether apps run on the host read .env: it holds the services' host-side connection variables,
 * so it exists (as .env.example) only when there are services.
 */
export function hostRunsWithEnvFile(spec: Spec): boolean {
  return resolveServices(spec).length > 0;
}

/**
 * The `<app>-debug` compose services: they build the generated Dockerfile's debug targets and live
 * in the generated compose.yaml, so the repo must keep neither its own Dockerfile nor compose file.
 */
export function hasDebugTargets(ctx: GenerateContext): boolean {
  const { spec } = ctx;
  return (
    spec.apps.length > 0 &&
    ctx.tools.some((t) => t.name === "dlv") &&
    spec.keep.dockerfile === undefined &&
    spec.keep.compose === undefined
  );
}

/**
 * The host's build, test and lint commands over every module of the repo, with the apps' build
 * tags when they share one set (as the launch configurations' tests do): VS Code's tasks and
 * Tilt's local resources run the same ones.
 */
export function hostCommands(ctx: GenerateContext): {
  build: string;
  test: string;
  lint: string | undefined;
} {
  const patterns = packagePatterns(ctx.repo).join(" ");
  const tags = tagsFlags(sharedTags(ctx.spec))
    .map((f) => `${f} `)
    .join("");
  return {
    build: `go build ${tags}${patterns}`,
    test: `go test -race ${tags}${patterns}`,
    lint: golangciLintVersion(ctx) !== undefined ? `golangci-lint run ${patterns}` : undefined,
  };
}

export const generateVscodeTasks: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  if (spec.editor.kind !== "vscode") return [];
  const host = hostCommands(ctx);
  const tasks: Record<string, unknown>[] = [
    {
      label: "build",
      type: "shell",
      command: host.build,
      group: { kind: "build", isDefault: true },
      problemMatcher: "$go",
    },
    {
      label: "test",
      type: "shell",
      command: host.test,
      group: { kind: "test", isDefault: true },
      problemMatcher: "$go",
    },
  ];
  if (host.lint !== undefined) {
    tasks.push({
      label: "lint",
      type: "shell",
      command: host.lint,
      problemMatcher: "$go",
    });
  }
  // The CI legs' own test and build commands, so the editor runs what CI runs.
  for (const leg of wasmLegs(ctx)) {
    tasks.push({
      label: `test (${leg.target}/wasm)`,
      type: "shell",
      command: leg.test,
      options: { env: { ...leg.env } },
      group: "test",
      problemMatcher: "$go",
    });
    tasks.push({
      label: `build wasm (${leg.target})`,
      type: "shell",
      command: leg.build.join(" && "),
      options: { env: { ...leg.env } },
      group: "build",
      problemMatcher: "$go",
    });
  }
  // Tasks cannot read an env file, so the shell sources .env, but only when the first service
  // variable is unset: in the dev container compose sets it to the in-network address, which
  // .env's host address must not replace.
  const firstServiceVar = serviceConnectionEnv(spec, "host")[0]?.[0];
  const loadEnv = firstServiceVar
    ? `if [ -z "$${firstServiceVar}" ] && [ -f .env ]; then set -a; . ./.env; set +a; fi; `
    : "";
  for (const app of spec.apps) {
    tasks.push({
      label: `run-${app.name}`,
      type: "shell",
      command: `${loadEnv}go run ${[...runFlags(app), app.main].join(" ")}`,
      ...(app.port !== undefined ? { options: { env: { PORT: String(app.port) } } } : {}),
      problemMatcher: "$go",
    });
  }
  if (hostRunsWithEnvFile(spec)) {
    tasks.push({
      label: ENV_FILE_TASK,
      type: "shell",
      // Never replaces an existing .env: it holds the developer's own values. The test is spelt
      // out because `cp -n`'s exit status when it skips an existing file differs between cp
      // implementations and versions (GNU, BSD/macOS), and a failing task stops the launch.
      command: "[ -f .env ] || cp .env.example .env",
      detail:
        "POSIX shell: copies .env.example to .env when .env is missing; an existing .env is left as it is",
      presentation: { reveal: "silent" },
      problemMatcher: [],
    });
  }
  if (hasDebugTargets(ctx)) {
    for (const app of spec.apps) {
      tasks.push({
        label: debugTaskLabel(app.name),
        type: "shell",
        // Naming the service starts it although its profile is not active; --wait (detached)
        // returns once it runs, so the attach that follows finds Delve listening.
        command: `docker compose up --build --wait ${debugTarget(app.name)}`,
        problemMatcher: [],
      });
    }
  }
  return [{ path: ".vscode/tasks.json", format: "jsonc", data: { version: "2.0.0", tasks } }];
};
