import { DEV_TARGET, DEV_USER, GOPATH } from "./container/names.js";
import { DEVCONTAINER_DOCKERFILE } from "./devcontainer-dockerfile.js";
import { moduleEnv } from "./module-env.js";
import { resolveServices, serviceConnectionEnv } from "./service-env.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";
import { GO_EXTENSION } from "./vscode-extensions.js";
import { goExtensionSettings } from "./vscode-settings.js";

// .devcontainer/Dockerfile creates both directories owned by the dev user.
const MOD_CACHE = `${GOPATH}/pkg/mod`;
const BUILD_CACHE = `${DEV_USER.home}/.cache/go-build`;

/**
 * Named volumes keep the module and build caches across container rebuilds. A new named volume
 * is seeded from the image directory it is mounted on, owner included, so it stays writable by
 * the dev user.
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
  const services = resolveServices(spec);
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

  // Services run in their own containers: forward them by compose service name and port.
  const forwardPorts = [...appPorts, ...services.map((s) => `${s.kind}:${s.containerPort}`)];
  return [
    {
      path: ".devcontainer/devcontainer.json",
      format: "jsonc",
      data: {
        name: spec.name,
        dockerComposeFile: ["../compose.yaml", "compose.yaml"],
        service: "dev",
        // Only the backing services: the app containers would hold the ports `go run` needs.
        runServices: ["dev", ...services.map((s) => s.kind)],
        workspaceFolder: workspace,
        ...common,
        forwardPorts,
        customizations,
      },
    },
    { path: ".devcontainer/compose.yaml", format: "yaml", data: devComposeFile(ctx) },
  ];
};

/**
 * The `dev` service, merged over the root compose.yaml. Compose resolves relative paths in every
 * merged file against the first file's folder (the repo root), so "." here is the repo root.
 */
function devComposeFile(ctx: GenerateContext): unknown {
  const { spec } = ctx;
  const volumes = cacheVolumes(spec.name);
  return {
    services: {
      dev: {
        build: { context: ".", dockerfile: DEVCONTAINER_DOCKERFILE, target: DEV_TARGET },
        command: ["sleep", "infinity"],
        volumes: [
          `.:/workspaces/${spec.name}:cached`,
          ...volumes.map((v) => `${v.key}:${v.target}`),
        ],
        environment: Object.fromEntries(serviceConnectionEnv(spec, "compose")),
        // The long form: the short one only orders startup, it does not wait for health.
        depends_on: Object.fromEntries(
          resolveServices(spec).map((s) => [s.kind, { condition: "service_healthy" }]),
        ),
        cap_add: ["SYS_PTRACE"],
        security_opt: ["seccomp:unconfined"],
      },
    },
    // Fixed names: the same volumes as the image-based dev container, not per compose project.
    volumes: Object.fromEntries(volumes.map((v) => [v.key, { name: v.volume }])),
  };
}
