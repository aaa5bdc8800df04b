import type { AppSpec, Spec } from "../spec/schema.js";
import { SERVICE_CATALOG } from "../spec/services.js";
import { debugTarget, DELVE_CONTAINER_PORT } from "./container/names.js";
import { outsideContexts } from "./container/stages.js";
import { resolveServices, serviceConnectionEnv } from "./service-env.js";
import type { ResolvedService } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";
import { hasDebugTargets } from "./vscode-tasks.js";

// Backing services start in seconds; ten tries bound a broken one to about a minute.
const SERVICE_HEALTH = { interval: "5s", timeout: "3s", retries: 10, start_period: "10s" } as const;

type ComposeService = Record<string, unknown>;

function appEnvironment(spec: Spec, app: AppSpec): Record<string, string> {
  const env = Object.fromEntries(serviceConnectionEnv(spec, "compose"));
  if (app.port !== undefined) env.PORT = String(app.port);
  return env;
}

/**
 * Long form: the short list only orders startup, it does not wait for health. Optional services
 * are left out: `docker compose up` does not start them.
 */
function dependsOn(services: ResolvedService[]): Record<string, { condition: string }> | undefined {
  const needed = services.filter((s) => !s.optional);
  if (needed.length === 0) return undefined;
  return Object.fromEntries(needed.map((s) => [s.name, { condition: "service_healthy" }]));
}

/**
 * Only alpine images have a shell tool to probe with (busybox wget); distroless and scratch have
 * none, and their binaries have no healthcheck subcommand gopave could rely on.
 */
function appHealthcheck(spec: Spec, app: AppSpec): ComposeService | undefined {
  if (spec.image.runtime !== "alpine" || app.port === undefined || app.health === undefined)
    return undefined;
  return {
    test: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${app.port}${app.health}`],
    ...SERVICE_HEALTH,
  };
}

/**
 * How compose builds an app's image: the app's own Dockerfile when the repo keeps its Dockerfiles,
 * else the generated Dockerfile's target, with the named build contexts it copies module
 * directories outside the repo from. Undefined: a kept Dockerfile that does not build this app.
 */
function appBuild(ctx: GenerateContext, app: AppSpec): ComposeService | undefined {
  if (app.dockerfile !== undefined) {
    return {
      context: ".",
      dockerfile: app.dockerfile,
      ...(app.target !== undefined ? { target: app.target } : {}),
    };
  }
  if (ctx.spec.keep.dockerfile !== undefined) return undefined;
  return { context: ".", target: app.name, ...namedContexts(ctx) };
}

/** The apps that get a compose service: all of them, except beside a kept Dockerfile that does not build one. */
export function composedApps(ctx: GenerateContext): AppSpec[] {
  return ctx.spec.apps.filter((a) => appBuild(ctx, a) !== undefined);
}

/** The named build contexts the generated Dockerfile copies outside module directories from. */
function namedContexts(ctx: GenerateContext): ComposeService {
  // Exactly the contexts the generated Dockerfile copies from.
  const outside = outsideContexts(ctx.repo);
  if (outside.size === 0) return {};
  return {
    additional_contexts: Object.fromEntries([...outside].map(([dir, name]) => [name, dir])),
  };
}

function appService(
  spec: Spec,
  app: AppSpec,
  build: ComposeService,
  services: ResolvedService[],
): ComposeService {
  const healthcheck = appHealthcheck(spec, app);
  const deps = dependsOn(services);
  return {
    build,
    ...(app.port !== undefined ? { ports: [`${app.port}:${app.port}`] } : {}),
    environment: appEnvironment(spec, app),
    ...(deps ? { depends_on: deps } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    restart: "unless-stopped",
  };
}

/**
 * Delve's API is unauthenticated remote code execution, so every port is bound to 127.0.0.1.
 * ptrace needs SYS_PTRACE and a seccomp profile that allows it.
 */
function debugService(
  ctx: GenerateContext,
  spec: Spec,
  app: AppSpec,
  index: number,
  services: ResolvedService[],
): ComposeService {
  const deps = dependsOn(services);
  const ports = [`127.0.0.1:${spec.editor.debugPort + index}:${DELVE_CONTAINER_PORT}`];
  // The app itself keeps its port; the debug copy answers on port+10000 so both can run at once
  // (`docker compose --profile debug up` starts every service).
  const hostPort = app.port === undefined ? undefined : app.port + 10000;
  if (app.port !== undefined && hostPort !== undefined && hostPort <= 65535) {
    ports.push(`127.0.0.1:${hostPort}:${app.port}`);
  }
  return {
    profiles: ["debug"],
    build: { context: ".", target: debugTarget(app.name), ...namedContexts(ctx) },
    ports,
    environment: appEnvironment(spec, app),
    ...(deps ? { depends_on: deps } : {}),
    cap_add: ["SYS_PTRACE"],
    security_opt: ["seccomp:unconfined"],
  };
}

/**
 * A backing service on its pinned image. An optional one sits in a profile named after it, which
 * `docker compose up` leaves out and `docker compose --profile <name> up` starts.
 */
export function backingService(s: ResolvedService): ComposeService {
  const c = SERVICE_CATALOG[s.kind];
  return {
    ...(s.optional ? { profiles: [s.kind] } : {}),
    image: `${s.image}:${s.tag}`,
    ...(c.hostname ? { hostname: c.hostname } : {}),
    ...(c.command ? { command: [...c.command] } : {}),
    ...(Object.keys(c.environment).length > 0 ? { environment: { ...c.environment } } : {}),
    healthcheck: {
      test: [...c.healthcheck],
      ...SERVICE_HEALTH,
      ...(c.startPeriod ? { start_period: c.startPeriod } : {}),
    },
    ports: [`127.0.0.1:${s.hostPort ?? c.port}:${s.containerPort}`],
    ...(c.dataPath !== undefined ? { volumes: [`${volumeName(s)}:${c.dataPath}`] } : {}),
  };
}

export function volumeName(s: ResolvedService): string {
  return `${s.kind}-data`;
}

/**
 * compose.yaml: the apps as built from the Dockerfile, opt-in Delve targets (`--profile debug`)
 * and the backing services with health checks. Credentials are `${VAR:-value}` references with
 * .env.example's development values as defaults: `up` works with no .env, and a .env overrides.
 */
export const generateCompose: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  const { spec } = ctx;
  const services = resolveServices(spec);
  if (spec.keep.compose !== undefined) return [];
  if (spec.apps.length === 0 && services.length === 0) return [];
  const debug = hasDebugTargets(ctx);
  const built = spec.apps.flatMap((a) => {
    const build = appBuild(ctx, a);
    return build ? [{ app: a, build }] : [];
  });
  const entries: [string, ComposeService][] = [
    ...built.map(({ app, build }): [string, ComposeService] => [
      app.name,
      appService(spec, app, build, services),
    ]),
    ...(debug
      ? spec.apps.map((a, i): [string, ComposeService] => [
          debugTarget(a.name),
          debugService(ctx, spec, a, i, services),
        ])
      : []),
    ...services.map((s): [string, ComposeService] => [s.name, backingService(s)]),
  ];
  const volumes = services.filter((s) => SERVICE_CATALOG[s.kind].dataPath !== undefined);
  const data = {
    name: spec.name,
    services: Object.fromEntries(entries),
    ...(volumes.length > 0
      ? { volumes: Object.fromEntries(volumes.map((s) => [volumeName(s), {}])) }
      : {}),
  };
  return [{ path: "compose.yaml", format: "yaml", data }];
};
