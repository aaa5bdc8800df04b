import { posix } from "node:path";
import { backingService, volumeName } from "./compose.js";
import { DEV_TARGET, DEV_USER, GOPATH } from "./container/names.js";
import { DEVCONTAINER_DOCKERFILE } from "./devcontainer-dockerfile.js";
import { moduleEnv } from "./module-env.js";
import { resolveServices, serviceConnectionEnv } from "./service-env.js";
import type { ResolvedService } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";
import { GO_EXTENSION } from "./vscode-extensions.js";
import { SERVICE_CATALOG } from "../spec/services.js";
import { goExtensionSettings } from "./vscode-settings.js";

// .devcontainer/Dockerfile creates both directories owned by the dev user.
const MOD_CACHE = `${GOPATH}/pkg/mod`;
const BUILD_CACHE = `${DEV_USER.home}/.cache/go-build`;

/**
 * Named volumes keep the module and build caches across container rebuilds. A new named volume
 * is seeded from the image directory it is mounted on, owner and mode included, so it stays
 * writable by the dev user, whatever uid the dev container tools give it (see devStage).
 */
function cacheVolumes(name: string): { key: string; volume: string; target: string }[] {
  return [
    { key: "gomodcache", volume: `${name}-gomodcache`, target: MOD_CACHE },
    { key: "gobuildcache", volume: `${name}-gobuildcache`, target: BUILD_CACHE },
  ];
}

export const generateDevcontainer: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  if (spec.keep.devcontainer !== undefined) return [];
  const services = resolveServices(spec, ctx.repo);
  const workspace = `/workspaces/${spec.name}`;
  const common = {
    containerEnv: Object.fromEntries(moduleEnv(spec)),
    remoteUser: DEV_USER.name,
  };
  const appPorts = spec.apps.flatMap((a) => (a.port === undefined ? [] : [a.port]));
  const customizations = {
    vscode: { extensions: [GO_EXTENSION], settings: goExtensionSettings(ctx) },
  };

  if (services.length === 0) {
    const forwardPorts = appPorts;
    return [
      {
        path: ".devcontainer/devcontainer.json",
        format: "jsonc",
        data: {
          name: spec.name,
          build: { dockerfile: "Dockerfile", context: "..", target: DEV_TARGET },
          // Mounted at a fixed path (not the checkout's folder name) so paths match on every machine.
          workspaceMount: `source=\${localWorkspaceFolder},target=${workspace},type=bind`,
          workspaceFolder: workspace,
          mounts: cacheVolumes(spec.name).map(
            (v) => `source=${v.volume},target=${v.target},type=volume`,
          ),
          ...common,
          // Delve needs ptrace, which Docker's default seccomp profile denies.
          capAdd: ["SYS_PTRACE"],
          securityOpt: ["seccomp=unconfined"],
          ...(forwardPorts.length > 0 ? { forwardPorts } : {}),
          customizations,
        },
      },
    ];
  }

  // Services run in their own containers: forward them by compose service name and port. Optional
  // ones are not started (`docker compose --profile <name> up` does that).
  const needed = services.filter((s) => !s.optional);
  const forwardPorts = [...appPorts, ...needed.map((s) => `${s.name}:${s.containerPort}`)];
  const rootCompose = spec.keep.compose ?? "compose.yaml";
  return [
    {
      path: ".devcontainer/devcontainer.json",
      format: "jsonc",
      data: {
        name: spec.name,
        dockerComposeFile: [`../${rootCompose}`, "compose.yaml"],
        service: "dev",
        // Only the backing services: the app containers would hold the ports `go run` needs.
        runServices: ["dev", ...needed.map((s) => s.name)],
        workspaceFolder: workspace,
        ...common,
        forwardPorts,
        customizations,
      },
    },
    { path: ".devcontainer/compose.yaml", format: "yaml", data: devComposeFile(ctx, services) },
  ];
};

/**
 * How the dev container waits for a service: until healthy (the long form; the short one only
 * orders startup), or, for a kept service without a healthcheck, until started.
 */
function waitFor(services: ResolvedService[]): Record<string, { condition: string }> {
  return Object.fromEntries(
    services
      .filter((s) => !s.optional)
      .map((s) => [s.name, { condition: s.healthcheck ? "service_healthy" : "service_started" }]),
  );
}

/**
 * The `dev` service, merged over the root compose file (gopave's compose.yaml, or the kept one).
 * Compose resolves relative paths in every merged file against the first file's folder, so the
 * repo root is "." here, or the way up from a kept file in a subfolder. Services the kept file
 * does not run are defined here, as gopave's compose.yaml would.
 */
function devComposeFile(ctx: GenerateContext, services: ResolvedService[]): unknown {
  const { spec } = ctx;
  const volumes = cacheVolumes(spec.name);
  const root = spec.keep.compose
    ? posix.relative(posix.dirname(spec.keep.compose), ".") || "."
    : ".";
  const extra = spec.keep.compose ? services.filter((s) => !s.kept) : [];
  const dataVolumes = extra.filter((s) => SERVICE_CATALOG[s.kind].dataPath !== undefined);
  // A kept service on its own networks is reachable only from them: the dev container joins them.
  const joined = [
    ...new Set([
      ...services.filter((s) => !s.optional).flatMap((s) => s.kept?.networks ?? ["default"]),
      ...(extra.length > 0 ? ["default"] : []),
    ]),
  ].sort();
  const networks =
    joined.length === 0 || (joined.length === 1 && joined[0] === "default") ? undefined : joined;
  return {
    services: {
      dev: {
        // The Dockerfile path is relative to the build context.
        build: { context: root, dockerfile: DEVCONTAINER_DOCKERFILE, target: DEV_TARGET },
        command: ["sleep", "infinity"],
        volumes: [
          `${root}:/workspaces/${spec.name}:cached`,
          ...volumes.map((v) => `${v.key}:${v.target}`),
        ],
        environment: Object.fromEntries(serviceConnectionEnv(spec, "compose", ctx.repo)),
        ...(services.some((s) => !s.optional) ? { depends_on: waitFor(services) } : {}),
        ...(networks ? { networks } : {}),
        cap_add: ["SYS_PTRACE"],
        security_opt: ["seccomp:unconfined"],
      },
      ...Object.fromEntries(extra.map((s) => [s.name, backingService(s)])),
    },
    // Fixed names: the same volumes as the image-based dev container, not per compose project.
    volumes: {
      ...Object.fromEntries(volumes.map((v) => [v.key, { name: v.volume }])),
      ...Object.fromEntries(dataVolumes.map((s) => [volumeName(s), {}])),
    },
  };
}
