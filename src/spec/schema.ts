import { z } from "zod";
import { isExactGoRelease } from "../gomod/go-version.js";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { RUNTIMES } from "./images.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "./services.js";
import type { EnvRole, ServiceKind } from "./services.js";

/** A module version as `go install pkg@version` takes it; `latest` and queries drift, so no. */
const toolVersion = z.string().regex(/^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, {
  message: 'a pinned module version such as "v1.2.3" ("latest" and branch names drift)',
});

const goRelease = z.string().refine(isExactGoRelease, {
  message: 'an exact Go release such as "1.26.8" (major.minor.patch)',
});

const modulePathGlob = z.string().regex(/^[^\s,]+$/, {
  message: "a module path glob without spaces or commas, e.g. github.com/acme",
});

const port = z.number().int().min(1).max(65535);

const goSection = z.strictObject({
  version: goRelease.describe(
    "Exact Go release used everywhere (Docker, dev container, CI, laptops).",
  ),
  toolchain: z
    .enum(["local", "auto", "path"])
    .optional()
    .describe(
      "GOTOOLCHAIN that scripts/setup-go-env.sh and `gopave doctor --fix` write into each developer's go env (for every repo on that machine): local = never switch toolchains; auto = go<version>+auto, switch (download) to go.version; path = go<version>+path, switch only to one on PATH. Unset: leave each machine's GOTOOLCHAIN alone. Docker, the dev container and CI have exactly go.version installed and use local either way.",
    ),
});

const modulesSection = z.strictObject({
  proxy: z
    .string()
    .refine((v) => parseGoproxy(v).ok, {
      message:
        'a GOPROXY list: URLs separated by "," or "|", optionally ending in "direct" or "off"',
    })
    .optional()
    .describe("GOPROXY. Unset: Go's own default."),
  teamProxy: z
    .string()
    .regex(/^https?:\/\/[^\s,|]+$/, {
      message: "an http(s) URL of a module proxy, e.g. http://goproxy.corp.example:3000",
    })
    .optional()
    .describe(
      "A team module proxy (e.g. `gopave proxy serve`) put first in GOPROXY everywhere; `proxy` (if set) follows it after '|', so any error falls through.",
    ),
  sumdb: z
    .string()
    .min(1)
    .optional()
    .describe('GOSUMDB, e.g. "sum.golang.org". Unset: Go\'s default.'),
  private: z
    .array(modulePathGlob)
    .default([])
    .describe("GOPRIVATE globs (also the default for GONOPROXY and GONOSUMDB)."),
  noproxy: z
    .array(modulePathGlob)
    .optional()
    .describe("GONOPROXY globs, when they differ from private."),
  nosumdb: z
    .array(modulePathGlob)
    .optional()
    .describe("GONOSUMDB globs, when they differ from private."),
  flags: z
    .array(
      z.string().regex(/^-[^\s]+$/, { message: 'one flag without spaces, e.g. "-mod=readonly"' }),
    )
    .default([])
    .describe("GOFLAGS entries (space-separated when joined)."),
});

const toolSpec = z.union([
  toolVersion,
  z.strictObject({
    package: z
      .string()
      .regex(/^[a-z0-9][^\s@]*$/, { message: "a Go package path without @version" }),
    version: toolVersion,
  }),
]);

const appName = z.string().regex(/^[a-z][a-z0-9-]*$/, {
  message: "lower-case letters, digits and '-', starting with a letter",
});

const repoPath = z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\s]+$/, {
  message: 'a path relative to the repo root, e.g. "docker-compose.yml"',
});

const appSection = z.strictObject({
  name: appName.describe("Image target, compose service and binary name."),
  main: z
    .string()
    .regex(/^\.(\/[^\s]*)?$/, {
      message: 'a package directory relative to the module root, e.g. "./cmd/api"',
    })
    .describe("The main package."),
  port: port.optional().describe("Port the binary listens on (omit for workers)."),
  health: z
    .string()
    .regex(/^\//, { message: 'an HTTP path such as "/healthz"' })
    .optional()
    .describe("HTTP health path, if the app serves one."),
  cgo: z
    .union([z.boolean(), z.literal("c++")])
    .default(false)
    .describe(
      'Build with CGO_ENABLED=1 on a glibc runtime: true for C (distroless base), "c++" when C++ code needs libstdc++ (distroless cc).',
    ),
  tags: z
    .array(
      z.string().regex(/^[A-Za-z0-9_.]+$/, {
        message: 'a build tag: letters, digits, "_" and "." (e.g. "netgo", "sqlite_fts5")',
      }),
    )
    .default([])
    .describe("Build tags (go build -tags), in every build of the app: image, debugger, CI."),
  ldflags: z
    .string()
    .regex(/^(?=.*\S)[^'$`\\\n\r]*$/, {
      message:
        "literal linker flags such as -X main.version=1.2.3, without ', $, `, \\ or line breaks (sh, Dockerfiles, CI YAML and Delve's buildFlags each read them differently)",
    })
    .optional()
    .describe(
      'Extra linker flags (go build -ldflags), after gopave\'s own "-s", e.g. "-X main.version=1.2.3".',
    ),
  dockerfile: repoPath
    .optional()
    .describe(
      "The repo's own Dockerfile that builds this app's image (with keep.dockerfile); compose builds it with the repo root as context.",
    ),
  target: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: "a Dockerfile stage name" })
    .optional()
    .describe("The stage of apps[].dockerfile that is the app's image, when it is not the last."),
});

/** A package pattern as `go test` takes it, relative to the module root. */
const packagePattern = z.string().regex(/^\.(?:\/[^\s]*)?$/, {
  message: 'a package pattern relative to the module root, e.g. "./..." or "./calc"',
});

/**
 * A program built for Go's WebAssembly port. Not an app: an app is a server binary with an image,
 * a compose service and a debug target, none of which a .wasm file has.
 */
const wasmProgram = z.strictObject({
  name: appName.describe(
    "Artifact name (<name>.wasm) and the Dockerfile export stage (<name>-wasm).",
  ),
  main: z
    .string()
    .regex(/^\.(\/[^\s]*)?$/, {
      message: 'a package directory relative to the module root, e.g. "./cmd/calc"',
    })
    .describe("The main package."),
  targets: z
    .array(z.enum(["js", "wasip1"]))
    .min(1)
    .describe(
      "GOOS values to build for with GOARCH=wasm: js (browsers and Node, with the toolchain's wasm_exec.js) and wasip1 (WASI runtimes).",
    ),
  test: z
    .array(packagePattern)
    .min(1)
    .optional()
    .describe(
      "Packages `go test` runs for each target in CI and the editor. Unset: every package of the repo (./...); narrow it when some packages cannot build or run there.",
    ),
});

const imageSection = z.strictObject({
  builder: z.string().min(1).optional().describe('Builder image; default "golang:<go.version>".'),
  runtime: z.enum(RUNTIMES).default("distroless").describe("Runtime base image family."),
  platforms: z
    .array(
      z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(?:\/[a-z0-9]+)?$/, {
        message: 'an OS/arch pair such as "linux/arm64"',
      }),
    )
    .min(1)
    .default(["linux/amd64", "linux/arm64"]),
  digests: z
    .strictObject({
      builder: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, { message: "sha256:<64 hex digits>" })
        .optional(),
      runtime: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, { message: "sha256:<64 hex digits>" })
        .optional(),
    })
    .default({}),
});

/** An environment variable name, as the apps read it. */
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: "an environment variable name such as PG_DSN",
});

function serviceSection(kind: ServiceKind) {
  const roles = SERVICE_CATALOG[kind].roles as [EnvRole, ...EnvRole[]];
  const defaults = Object.keys(SERVICE_CATALOG[kind].defaultEnv).join(", ");
  return z.strictObject({
    version: z
      .string()
      // Docker's tag grammar, minus the moving names that are not pins.
      .regex(/^(?!(?:latest|stable|edge|main|master)$)\w[\w.-]{0,127}$/, {
        message: 'an image tag such as "17.6" ("latest" is not a pin)',
      })
      .optional()
      .describe("Image tag; default from gopave's pinned table."),
    port: port
      .optional()
      .describe("Host port (bound to 127.0.0.1); default the service's usual port."),
    optional: z
      .boolean()
      .default(false)
      .describe(
        "Started only on request (`docker compose --profile <service> up`): apps and the dev container do not wait for it, and get no connection variables for it (.env.example lists them, commented out). For plugins chosen by configuration and for alternatives (postgres next to mysql or sqlite). Ignored for a service the kept compose file runs.",
      ),
    env: z
      .record(envVarName, z.enum(roles))
      .optional()
      .describe(
        `The connection variables the apps read, each with what it holds: ${roles.join(", ")} (addr is host:port). Unset: ${defaults}.`,
      ),
  });
}

type ServiceSection = ReturnType<typeof serviceSection>;

const servicesSection = z.strictObject(
  Object.fromEntries(SERVICE_KINDS.map((k) => [k, serviceSection(k).optional()])) as Record<
    ServiceKind,
    z.ZodOptional<ServiceSection>
  >,
);

const editorSection = z.strictObject({
  kind: z.enum(["vscode", "none"]).default("vscode"),
  debugPort: port.default(2345).describe("First Delve port (one per app, bound to 127.0.0.1)."),
});

const devSection = z.strictObject({
  loop: z
    .enum(["tilt", "none"])
    .optional()
    .describe(
      "The inner loop: tilt writes a Tiltfile over the compose file (live_update rebuilds an app in its container on save; go test and golangci-lint as local resources). Unset: tilt when there are apps and backing services.",
    ),
});

/** An OpenSSH public key line: the type, the base64 key and an optional comment. */
const sshPublicKey = z
  .string()
  .regex(
    /^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [^\n\r"'\\$`]*)?$/,
    {
      message:
        'an OpenSSH public key line such as "ssh-ed25519 AAAAC3Nza... alice@laptop" (the .pub file, not the private key)',
    },
  );

/** A provider-side name (server type, flavor, location, image): no spaces or quotes. */
const cloudName = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9._:/ ()-]*[A-Za-z0-9._:/()-])?$/, {
  message: 'a name as the provider spells it, e.g. "cpx31", "fsn1" or "Ubuntu 24.04"',
});

const devboxSection = z.strictObject({
  provider: z
    .enum(["hcloud", "openstack"])
    .describe("The cloud the dev box runs on (its Terraform provider is pinned by gopave)."),
  size: cloudName.describe("Server type (hcloud, e.g. cpx31) or flavor name (openstack)."),
  region: cloudName
    .optional()
    .describe(
      "Location (hcloud, e.g. fsn1; default fsn1) or region (openstack; default the cloud's).",
    ),
  image: cloudName
    .default("debian-13")
    .describe(
      "OS image name, Debian or Ubuntu. Its golang-go must be Go 1.21 or later (the box downloads go.version with it, checked against the checksum database) and its nodejs 20 or later (the devcontainer CLI): Debian 13 has both, Ubuntu 24.04 neither Node.",
    ),
  network: cloudName
    .optional()
    .describe("openstack: the network the box is attached to (clouds with several need it)."),
  floatingIpPool: cloudName
    .optional()
    .describe(
      "openstack: the external network to take a floating IP from, when the box's own network is not reachable from laptops; the outputs then use that address.",
    ),
  disk: z
    .number()
    .int()
    .min(10)
    .max(10240)
    .default(50)
    .describe(
      "GB for the workspace: a volume mounted at /srv/dev (hcloud), the boot volume (openstack).",
    ),
  engine: z
    .enum(["docker", "podman"])
    .default("docker")
    .describe("The container engine installed for the dev container and the compose stack."),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,30}$/, { message: "a Linux user name such as dev" })
    .default("dev")
    .describe("The login user the box creates."),
  sshKeys: z
    .array(sshPublicKey)
    .default([])
    .describe(
      "Public keys allowed to log in. Unset: each developer passes ssh_public_keys to terraform.",
    ),
  repo: z
    .string()
    .regex(/^(?:https:\/\/|ssh:\/\/|git@)[^\s'"\\$`]+$/, {
      message: "a git URL such as https://github.com/acme/orders.git",
    })
    .optional()
    .describe("The repository the box clones into /srv/dev. Unset: passed as repo_url."),
  terraform: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: 'a Terraform release such as "1.11.4"' })
    .default("1.11.4")
    .describe("The Terraform release the module pins (required_version ~> it)."),
});

const ciSection = z.strictObject({
  provider: z.enum(["github", "gitlab", "none"]).default("github"),
  branches: z.array(z.string().min(1)).min(1).default(["main"]),
  gopave: z
    .union([
      z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, {
        message: 'an npm version of gopave such as "0.1.0", "devDependency", or { command: ... }',
      }),
      z.literal("devDependency"),
      z.strictObject({
        command: z
          .string()
          .min(1)
          .describe("A command that runs gopave in CI, e.g. `go tool gopave` or `./bin/gopave`."),
      }),
    ])
    .optional()
    .describe(
      "How CI runs gopave for the drift check: an npm version (default: the gopave that generated the files), `devDependency` (the repo's package.json pins it: npm ci, then npx gopave), or { command }.",
    ),
});

const lintSection = z.strictObject({
  linters: z.array(z.string().regex(/^[a-z0-9-]+$/)).default(["gosec", "revive", "staticcheck"]),
  formatters: z
    .array(z.enum(["gofmt", "gofumpt", "goimports", "gci", "golines", "swaggo"]))
    .default(["gofumpt"]),
});

const overrideSection = z.strictObject({
  generate: z.boolean().default(true).describe("false: gopave neither writes nor owns this file."),
  merge: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("JSON merge patch (RFC 7386) applied to a JSON or YAML file; null deletes a key."),
  append: z
    .string()
    .optional()
    .describe("Text appended to a text file (Dockerfile, scripts, .dockerignore)."),
});

/**
 * Files the repo already has for a purpose gopave would generate a file for. gopave writes no
 * file of its own for that purpose (none that a tool would read instead or in addition) and points
 * its other files at the kept one.
 */
const keepSection = z.strictObject({
  compose: repoPath
    .optional()
    .describe("The compose file `docker compose` reads; the dev container joins it."),
  dockerfile: repoPath.optional().describe("The Dockerfile the apps' images are built from."),
  devcontainer: repoPath.optional().describe("The dev container configuration."),
  golangci: repoPath.optional().describe("The golangci-lint configuration."),
  ci: z
    .array(repoPath)
    .optional()
    .describe(
      "CI files that already run the Go tests; gopave adds only its drift check beside them.",
    ),
});

const checkSection = z.strictObject({
  disable: z
    .array(z.string().regex(/^[A-Z]{2}\d{3}$/, { message: 'a rule id such as "DF003"' }))
    .default([])
    .describe("`gopave check` rules to turn off for this repo (see `gopave check --explain ID`)."),
});

export const specSchema = z.strictObject({
  version: z.literal(1).describe("Spec format version."),
  name: appName.describe("Project name (compose project, dev container)."),
  go: goSection,
  modules: modulesSection.default({ private: [], flags: [] }),
  tools: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/), toolSpec)
    .optional()
    .describe("Pinned tools; unset: gopave's compatibility table for go.version."),
  apps: z.array(appSection).default([]),
  wasm: z
    .array(wasmProgram)
    .default([])
    .describe(
      "Programs built for GOARCH=wasm (GOOS=js and/or wasip1), tested under Node and wazero.",
    ),
  image: imageSection.default({
    runtime: "distroless",
    platforms: ["linux/amd64", "linux/arm64"],
    digests: {},
  }),
  services: servicesSection.default({}),
  editor: editorSection.default({ kind: "vscode", debugPort: 2345 }),
  dev: devSection.default({}),
  devbox: devboxSection
    .optional()
    .describe(
      "A remote dev box per developer, as a Terraform module in devbox/ (cloud-init installs go.version, the pinned tools and the container engine, clones the repo and builds the dev container).",
    ),
  ci: ciSection.default({ provider: "github", branches: ["main"] }),
  lint: lintSection.default({
    linters: ["gosec", "revive", "staticcheck"],
    formatters: ["gofumpt"],
  }),
  keep: keepSection.default({}),
  overrides: z.record(z.string().min(1), overrideSection).default({}),
  check: checkSection.default({ disable: [] }),
});

/** The spec as written (defaults optional). */
export type SpecInput = z.input<typeof specSchema>;
/** The spec after defaults. */
export type Spec = z.output<typeof specSchema>;
export type AppSpec = Spec["apps"][number];
export type WasmProgram = Spec["wasm"][number];
export type DevboxSpec = NonNullable<Spec["devbox"]>;
export type KeepKind = keyof Spec["keep"];
export type ToolSpecValue = z.output<typeof toolSpec>;
export type ServiceSpec = z.output<ServiceSection>;
