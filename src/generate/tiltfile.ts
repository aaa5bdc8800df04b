import { composedApps } from "./compose.js";
import { liveTarget, debugTarget } from "./container/names.js";
import { planApp } from "./container/build-plan.js";
import { liveBuildCommand } from "./container/stages.js";
import { appImageName, tiltBuildsApps, tiltLoop } from "./dev-loop.js";
import { dockerignorePatterns } from "./dockerignore.js";
import { resolveServices } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator, RepoFacts } from "./types.js";
import { hasDebugTargets, hostCommands } from "./vscode-tasks.js";

/**
 * The Tiltfile: Tilt over the compose file, in Starlark. Resource labels group the dashboard:
 * services, apps, debug (the `<app>-debug` services, started by hand) and checks (go test on
 * every change, golangci-lint by hand).
 */

const GENERATED_COMPOSE = "compose.yaml";
/** Where the generated Dockerfile's build stages keep the source tree (WORKDIR). */
const SOURCE_DIR = "/src";

/** A Starlark literal: JSON's strings are Starlark's too. */
const lit = (v: string | readonly string[]): string =>
  typeof v === "string" ? JSON.stringify(v) : `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;

/** Keyword arguments, one per line, in a call that spans lines. */
function call(fn: string, args: string[]): string[] {
  return [`${fn}(`, ...args.map((a) => `    ${a.replaceAll("\n", "\n    ")},`), ")"];
}

/**
 * Files whose change a sync cannot carry: the module graph (the image's module cache would be
 * stale), so Tilt rebuilds the image instead.
 */
function moduleFiles(repo: RepoFacts): string[] {
  const at = (dir: string, file: string) => (dir === "." ? file : `${dir}/${file}`);
  return [
    ...(repo.workspace ? ["go.work", ...(repo.workspace.hasSum ? ["go.work.sum"] : [])] : []),
    ...repo.modules.flatMap((m) => [
      at(m.dir, "go.mod"),
      ...(m.hasGoSum ? [at(m.dir, "go.sum")] : []),
    ]),
    ...(repo.replacements ?? [])
      .filter((r) => r.inRepo && r.hasGoMod)
      .map((r) => `${r.dir}/go.mod`),
  ];
}

export const generateTiltfile: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  const { spec, repo } = ctx;
  if (!tiltLoop(spec)) return [];
  const services = resolveServices(spec, repo).filter((s) => !s.optional);
  const composeFile =
    spec.keep.compose ??
    (spec.apps.length > 0 || services.length > 0 ? GENERATED_COMPOSE : undefined);
  const kept = spec.keep.compose !== undefined;
  const debug = hasDebugTargets(ctx);
  const builds = tiltBuildsApps(ctx);
  const ignore = dockerignorePatterns(spec);
  const out: string[] = [
    "# The inner loop: `tilt up` starts the backing services, then the apps once the services are",
    ...(builds
      ? [
          "# healthy. A saved change is synced into its app's container and rebuilt there; a change to the",
          "# module files rebuilds the image. `tilt down` stops what `tilt up` started.",
        ]
      : [
          "# healthy, each built as the compose file says, and rebuilt on a change. `tilt down` stops",
          "# what `tilt up` started.",
        ]),
    "",
    // Without a generated Dockerfile there is no generated .dockerignore to name.
    builds
      ? "# What Tilt neither watches nor sends to a build: the same files as .dockerignore."
      : "# What Tilt does not watch: secrets, editor and CI configuration, build output.",
    "IGNORE = [",
    ...ignore.map((p) => `    ${lit(p)},`),
    "]",
  ];

  if (composeFile !== undefined) {
    out.push(
      "",
      ...call("docker_compose", [
        lit(composeFile),
        // Named as compose names it (the file's `name:`), so `docker compose ps` sees the same.
        ...(kept ? [] : [`project_name=${lit(spec.name)}`]),
        ...(debug ? [`profiles=${lit(["debug"])}`] : []),
      ]),
    );
  }

  if (builds) {
    for (const app of spec.apps) {
      const plan = planApp(spec, repo, app);
      out.push(
        "",
        `# ${app.name}, from the Dockerfile's ${liveTarget(app.name)} target: a saved file is synced, rebuilt, restarted.`,
        ...call("docker_build", [
          lit(appImageName(spec.name, app.name)),
          `context=${lit(".")}`,
          `target=${lit(liveTarget(app.name))}`,
          "ignore=IGNORE",
          [
            "live_update=[",
            `    fall_back_on(${lit(moduleFiles(repo))}),`,
            `    sync(${lit(".")}, ${lit(SOURCE_DIR)}),`,
            `    run(${lit(liveBuildCommand(plan))}),`,
            "    restart_container(),",
            "]",
          ].join("\n"),
        ]),
      );
    }
  }

  if (composeFile !== undefined && !kept) {
    const deps = services.map((s) => s.name);
    out.push("");
    for (const s of services) out.push(`dc_resource(${lit(s.name)}, labels=${lit(["services"])})`);
    for (const app of composedApps(ctx)) {
      const image = builds ? `image=${lit(appImageName(spec.name, app.name))}, ` : "";
      out.push(
        `dc_resource(${lit(app.name)}, ${image}resource_deps=${lit(deps)}, labels=${lit(["apps"])})`,
      );
    }
    if (debug) {
      for (const app of spec.apps) {
        out.push(
          ...call("dc_resource", [
            lit(debugTarget(app.name)),
            `resource_deps=${lit(deps)}`,
            `labels=${lit(["debug"])}`,
            "auto_init=False",
            "trigger_mode=TRIGGER_MODE_MANUAL",
          ]),
        );
      }
    }
  }

  const host = hostCommands(ctx);
  out.push(
    "",
    ...call("local_resource", [
      lit("go-test"),
      `cmd=${lit(host.test)}`,
      `deps=${lit(["."])}`,
      "ignore=IGNORE",
      `labels=${lit(["checks"])}`,
      "allow_parallel=True",
    ]),
  );
  if (host.lint !== undefined) {
    out.push(
      ...call("local_resource", [
        lit("lint"),
        `cmd=${lit(host.lint)}`,
        `deps=${lit(["."])}`,
        "ignore=IGNORE",
        `labels=${lit(["checks"])}`,
        "auto_init=False",
        "trigger_mode=TRIGGER_MODE_MANUAL",
      ]),
    );
  }
  return [{ path: "Tiltfile", format: "text", text: `${out.join("\n")}\n` }];
};
