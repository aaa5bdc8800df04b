import { stringify } from "yaml";
import type { Rand } from "./random.js";
import { expr, junk, or } from "./values.js";

/**
 * Compose files in the shapes compose-spec.json allows: long and short syntaxes of ports,
 * environment, depends_on, build, healthcheck, volumes; extends; profiles; x- fields; and, as
 * text, anchors, aliases and `<<:` merge keys.
 */

const IMAGES = [
  "postgres:17",
  "postgres",
  "postgres:latest",
  `postgres:17@sha256:${"ab".repeat(32)}`,
  "mysql:8.4",
  "redis:7-alpine",
  "bitnami/postgresql:16",
  "mongo",
  "nats:2",
  "minio/minio",
  "golang:1.22",
  "ghcr.io/example/app:${TAG:-latest}",
  "${IMAGE}",
  "app",
  "localhost:5000/app",
  "",
];

function port(r: Rand): unknown {
  return r.oneOf<unknown>([
    [3, () => r.pick([80, 5432, 2345, 40000])],
    [
      5,
      () =>
        r.pick([
          "8080:80",
          "5432:5432",
          "127.0.0.1:5432:5432",
          "0.0.0.0:2345:2345",
          "[::1]:80:80",
          "::1:80:80",
          "3000-3005:3000-3005",
          "9000-9001",
          "53:53/udp",
          "2345",
          "${PORT}:80",
          ":80",
          "a:b",
          "1:2:3:4:5",
        ]),
    ],
    [
      3,
      () => ({
        target: or(r, () => r.pick([80, 2345, "2345", "40000-40010"])),
        ...(r.bool() ? { published: r.pick([8080, "8080", "8000-8010", "${PORT}"]) } : {}),
        ...(r.bool() ? { host_ip: r.pick(["127.0.0.1", "0.0.0.0", "::", ""]) } : {}),
        ...(r.bool(0.3) ? { protocol: r.pick(["tcp", "udp"]) } : {}),
        ...(r.bool(0.2)
          ? { mode: r.pick(["host", "ingress"]), name: "web", app_protocol: "http" }
          : {}),
      }),
    ],
  ]);
}

function environment(r: Rand): unknown {
  const entries: [string, unknown][] = r.times(r.int(5), () => [
    r.pick([
      "POSTGRES_PASSWORD",
      "DB_PASSWORD",
      "API_TOKEN",
      "JWT_TOKEN_EXPIRY",
      "GOFLAGS",
      "GOPROXY",
      "DEBUG",
      "PORT",
      "SECRET_KEY",
      "EMPTY",
      "URL",
    ]),
    r.pick<unknown>([
      "secret",
      "${DB_PASSWORD}",
      "$$literal",
      "24h",
      "-mod=mod",
      "off",
      null,
      5432,
      true,
      "",
      "postgres://u:p@db:5432/x",
      "${X:-default}",
    ]),
  ]);
  if (r.bool()) return Object.fromEntries(entries);
  return entries.map(([k, v]) =>
    v === null && r.bool() ? k : `${k}=${v === null ? "" : String(v)}`,
  );
}

function build(r: Rand): unknown {
  return r.oneOf<unknown>([
    [3, () => r.pick([".", "./api", "..", "https://github.com/a/b.git#main"])],
    [
      4,
      () => ({
        ...(r.bool(0.8) ? { context: r.pick([".", "./svc", "..", "${CTX}"]) } : {}),
        ...(r.bool(0.6)
          ? {
              dockerfile: r.pick([
                "Dockerfile",
                "build/Dockerfile.dev",
                "./Dockerfile",
                "../Dockerfile",
              ]),
            }
          : {}),
        ...(r.bool(0.1) ? { dockerfile_inline: "FROM golang:1.22\nRUN go build ./...\n" } : {}),
        ...(r.bool(0.4) ? { target: r.pick(["build", "debug", "final", ""]) } : {}),
        ...(r.bool(0.3)
          ? { args: r.bool() ? { GO_VERSION: "1.22", EMPTY: null } : ["GO_VERSION=1.22", "BARE"] }
          : {}),
        ...(r.bool(0.2)
          ? { additional_contexts: r.bool() ? { shared: "../shared" } : ["shared=../shared"] }
          : {}),
        ...(r.bool(0.1)
          ? {
              secrets: ["netrc"],
              ssh: ["default"],
              cache_from: ["type=gha"],
              platforms: ["linux/amd64"],
            }
          : {}),
      }),
    ],
  ]);
}

function healthcheck(r: Rand): unknown {
  return {
    ...(r.bool(0.8)
      ? {
          test: r.pick<unknown>([
            ["CMD", "pg_isready"],
            ["CMD-SHELL", "pg_isready -U postgres || exit 1"],
            ["NONE"],
            "pg_isready",
            "",
            [],
            ["CMD"],
          ]),
        }
      : {}),
    ...(r.bool(0.2) ? { disable: r.bool() } : {}),
    ...(r.bool(0.4)
      ? { interval: "5s", timeout: "3s", retries: r.pick([5, "5"]), start_period: "10s" }
      : {}),
  };
}

function dependsOn(r: Rand, others: string[]): unknown {
  const names = r.some(others.length > 0 ? others : ["db"], 3);
  if (r.bool()) return names;
  return Object.fromEntries(
    names.map((n) => [
      n,
      r.bool(0.15)
        ? null
        : {
            condition: r.pick([
              "service_started",
              "service_healthy",
              "service_completed_successfully",
            ]),
            ...(r.bool(0.3) ? { restart: true, required: false } : {}),
          },
    ]),
  );
}

function service(r: Rand, others: string[]): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (r.bool(0.75)) s.image = or(r, () => r.pick(IMAGES));
  if (r.bool(0.45)) s.build = or(r, () => build(r));
  if (r.bool(0.5)) s.ports = or(r, () => r.times(r.between(0, 3), () => port(r)));
  if (r.bool(0.1)) s.expose = [r.pick(["2345", 8080, "3000-3005"])];
  if (r.bool(0.5)) s.environment = or(r, () => environment(r));
  if (r.bool(0.15))
    s.env_file = r.pick<unknown>([
      ".env",
      [".env", ".env.local"],
      [{ path: ".env", required: false }],
    ]);
  if (r.bool(0.35)) s.depends_on = or(r, () => dependsOn(r, others));
  if (r.bool(0.35)) s.healthcheck = or(r, () => healthcheck(r));
  if (r.bool(0.3))
    s.command = r.pick<unknown>([
      "sleep infinity",
      ["sleep", "infinity"],
      "dlv --listen=:2345 --headless exec /app",
      ["/app", "-port", 8080],
      null,
      "",
    ]);
  if (r.bool(0.2))
    s.entrypoint = r.pick<unknown>([
      "/bin/sh -c",
      ["dlv", "exec", "/app", "--headless", "--listen=0.0.0.0:2345"],
      [],
      null,
    ]);
  if (r.bool(0.15))
    s.extends = r.pick<unknown>([
      "base",
      { service: "base" },
      { file: "common.yml", service: "app" },
    ]);
  if (r.bool(0.15)) s.profiles = r.pick<unknown>([["debug"], ["test"], "debug"]);
  if (r.bool(0.2))
    s.volumes = r.pick<unknown>([
      ["./:/src", "gomod:/go/pkg/mod"],
      [{ type: "volume", source: "data", target: "/var/lib/postgresql/data" }],
      [{ type: "bind", source: ".", target: "/src", read_only: true }],
    ]);
  if (r.bool(0.1))
    s.networks = r.pick<unknown>([
      ["backend"],
      { backend: null },
      { backend: { aliases: ["db"] } },
    ]);
  if (r.bool(0.1)) s.user = r.pick<unknown>(["65532:65532", 1000, "root"]);
  if (r.bool(0.1)) s.restart = "unless-stopped";
  if (r.bool(0.05)) s["x-note"] = junk(r);
  if (r.bool(0.05)) s.cap_add = ["SYS_PTRACE"];
  if (r.bool(0.05)) s.security_opt = ["seccomp:unconfined"];
  if (r.bool(0.05)) s.deploy = { resources: { limits: { memory: "512M" } } };
  return s;
}

export function generateCompose(r: Rand): string {
  const names = r.times(r.between(0, 4), () =>
    r.pick([
      "app",
      "api",
      "db",
      "postgres",
      "redis",
      "debug",
      "worker",
      "dev",
      "base",
      "app-debug",
    ]),
  );
  const unique = [...new Set(names)];
  if (r.bool(0.12)) return anchored(r, unique);
  const doc: Record<string, unknown> = {};
  if (r.bool(0.15)) doc.version = r.pick<unknown>(["3.8", "3", 3.9, "2.4"]);
  if (r.bool(0.1)) doc.name = "project";
  if (r.bool(0.05))
    doc.include = r.pick<unknown>([["other/compose.yaml"], [{ path: "x.yaml", env_file: ".env" }]]);
  doc.services = or(
    r,
    () =>
      Object.fromEntries(
        unique.map((n) => [
          n,
          r.bool(0.04)
            ? null
            : service(
                r,
                unique.filter((x) => x !== n),
              ),
        ]),
      ),
    0.04,
  );
  if (r.bool(0.2))
    doc.volumes = r.pick<unknown>([{ gomod: null, data: {} }, { data: { external: true } }]);
  if (r.bool(0.1)) doc.networks = { backend: null };
  if (r.bool(0.05)) doc.secrets = { netrc: { file: "~/.netrc" } };
  if (r.bool(0.05)) doc["x-common"] = { restart: "always" };
  if (r.bool(0.03)) doc.image = expr(r);
  return stringify(doc, { aliasDuplicateObjects: r.bool(0.3) });
}

/** Anchors, aliases and merge keys, which only text can show. */
function anchored(r: Rand, names: string[]): string {
  const svc = names[0] ?? "app";
  const lines = [
    "x-common: &common",
    "  restart: unless-stopped",
    `  image: ${r.pick(IMAGES) || "app"}`,
    "  environment: &env",
    "    GOFLAGS: -mod=mod",
    "    PASSWORD: secret",
    "x-ports: &ports",
    '  - "2345:2345"',
    "services:",
    `  ${svc}:`,
    "    <<: *common",
    r.pick(["    ports: *ports", "    ports:\n      - 8080:80", ""]),
    r.pick(["    healthcheck:\n      test: [CMD, true]", ""]),
    "  other:",
    r.pick(["    <<: [*common]", "    <<: *common", "    image: postgres:17"]),
    r.pick(["    environment: *env", "    environment:\n      <<: *env\n      EXTRA: 1", ""]),
    r.pick([
      `    depends_on: [${svc}]`,
      `    depends_on:\n      ${svc}:\n        condition: service_healthy`,
      "",
    ]),
  ];
  return `${lines.filter((l) => l !== "").join("\n")}\n`;
}
