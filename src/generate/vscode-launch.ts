import { delveBuildFlags, sharedTags, tagsFlags } from "./app-build-flags.js";
import type { GeneratedFile, Generator, RepoFacts } from "./types.js";
import {
  debugTaskLabel,
  ENV_FILE_TASK,
  hasDebugTargets,
  hostRunsWithEnvFile,
} from "./vscode-tasks.js";

const depth = (p: string) => (p === "." ? 0 : p.split("/").length);

/**
 * Local folder -> remote path per module. The debug image builds with -trimpath, which records
 * each (workspace) module's files as `<module path>/<file>`. Delve applies the first rule whose
 * prefix matches, in either direction, so nested folders and nested module paths go first.
 */
export function substitutePaths(repo: RepoFacts): { from: string; to: string }[] {
  return [...repo.modules]
    .sort(
      (a, b) =>
        depth(b.dir) + depth(b.path) - (depth(a.dir) + depth(a.path)) ||
        (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0),
    )
    .map((m) => ({
      from: m.dir === "." ? "${workspaceFolder}" : `\${workspaceFolder}/${m.dir}`,
      to: m.path,
    }));
}

/** Delve's build flags (a string it splits on spaces outside single quotes), when there are any. */
function buildFlags(flags: string | undefined): { buildFlags?: string } {
  return flags !== undefined ? { buildFlags: flags } : {};
}

export const generateVscodeLaunch: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  if (spec.editor.kind !== "vscode") return [];
  // With services there are two places to run from. On the host, .env supplies credentials and
  // 127.0.0.1 addresses; vscode-go lets envFile override the process environment, so inside the
  // dev container (where compose already sets service-name addresses) it must not be used. On
  // the host a task first makes .env from .env.example when it is missing: the Go extension
  // refuses a missing envFile, and it reads the file only after the preLaunchTask has run.
  const places: { suffix: string; extra: Record<string, unknown> }[] = hostRunsWithEnvFile(spec)
    ? [
        {
          suffix: " (host, .env)",
          extra: { envFile: "${workspaceFolder}/.env", preLaunchTask: ENV_FILE_TASK },
        },
        { suffix: " (dev container)", extra: {} },
      ]
    : [{ suffix: "", extra: {} }];
  const configurations: Record<string, unknown>[] = [];
  // Tests run with the apps' tags when they all build with the same ones (what CI then tests);
  // with several tag sets there is no one right answer for "the current package".
  const testTags = tagsFlags(sharedTags(spec)).join(" ") || undefined;
  for (const place of places) {
    // Mode debug, not auto: the Go extension turns auto into test when the focused editor holds a
    // _test.go file, which would run the package's tests instead of starting the app.
    for (const app of spec.apps) {
      configurations.push({
        name: `Launch ${app.name}${place.suffix}`,
        type: "go",
        request: "launch",
        mode: "debug",
        program:
          app.main === "." ? "${workspaceFolder}" : `\${workspaceFolder}/${app.main.slice(2)}`,
        ...buildFlags(delveBuildFlags(app)),
        ...place.extra,
        ...(app.port !== undefined ? { env: { PORT: String(app.port) } } : {}),
      });
    }
    configurations.push({
      name: `Test current package${place.suffix}`,
      type: "go",
      request: "launch",
      mode: "test",
      program: "${fileDirname}",
      ...buildFlags(testTags),
      ...place.extra,
    });
  }
  if (hasDebugTargets(ctx)) {
    spec.apps.forEach((app, i) => {
      configurations.push({
        name: `Attach to ${app.name} (container)`,
        type: "go",
        request: "attach",
        mode: "remote",
        // Stable vscode-go falls back to the legacy adapter for remote attach unless told.
        debugAdapter: "dlv-dap",
        // compose publishes Delve on loopback only: its API is unauthenticated.
        host: "127.0.0.1",
        port: spec.editor.debugPort + i,
        substitutePath: substitutePaths(ctx.repo),
        preLaunchTask: debugTaskLabel(app.name),
      });
    });
  }
  return [
    { path: ".vscode/launch.json", format: "jsonc", data: { version: "0.2.0", configurations } },
  ];
};
