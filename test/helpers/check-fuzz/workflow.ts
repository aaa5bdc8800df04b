import { stringify } from "yaml";
import type { Rand } from "./random.js";
import { expr, junk, or } from "./values.js";

/**
 * GitHub workflows in the shapes github-workflow.json allows: `on` as string, list or map (with
 * null events), jobs with runs-on in every form, container and services as string or map,
 * matrices with include/exclude or a whole `${{ }}`, reusable-workflow jobs, and steps that use
 * docker://, ./local and SHA-pinned actions or run multi-line scripts.
 */

function on(r: Rand): unknown {
  return r.oneOf<unknown>([
    [2, () => r.pick(["push", "pull_request", "workflow_dispatch"])],
    [2, () => ["push", "pull_request"]],
    [
      4,
      () => ({
        push: r.pick<unknown>([
          null,
          { branches: ["main"], "paths-ignore": ["**.md"] },
          { tags: ["v*"] },
        ]),
        ...(r.bool() ? { pull_request: null } : {}),
        ...(r.bool(0.3)
          ? { workflow_dispatch: { inputs: { go: { type: "string", default: "1.22" } } } }
          : {}),
        ...(r.bool(0.2) ? { schedule: [{ cron: "0 0 * * 0" }] } : {}),
        ...(r.bool(0.2)
          ? {
              workflow_call: {
                inputs: { go: { type: "string", required: false } },
                secrets: { token: { required: false } },
              },
            }
          : {}),
      }),
    ],
  ]);
}

const GO_VERSIONS: unknown[] = [
  "1.22",
  "1.26.8",
  1.22,
  1.2,
  "1.21.x",
  "stable",
  "oldstable",
  ">=1.21.0",
  "^1.22",
  "1.22.0-rc.1",
  "",
  null,
];

function step(r: Rand): Record<string, unknown> {
  return r.oneOf<Record<string, unknown>>([
    [
      3,
      () => ({
        uses: r.pick([
          "actions/checkout@v4",
          `actions/checkout@${"a1".repeat(20)} # v4.2.2`,
          "actions/checkout",
        ]),
      }),
    ],
    [
      6,
      () => ({
        ...(r.bool(0.3) ? { name: "Set up Go" } : {}),
        uses: r.pick([
          "actions/setup-go@v5",
          "actions/setup-go@v3",
          `actions/setup-go@${"b2".repeat(20)}`,
          "actions/setup-go@main",
          "actions/setup-go@v5.0.1",
          "Actions/Setup-Go@v5",
        ]),
        with: or(r, () => ({
          ...(r.bool(0.6)
            ? { "go-version": or(r, () => (r.bool(0.2) ? expr(r) : r.pick(GO_VERSIONS))) }
            : {}),
          ...(r.bool(0.3)
            ? {
                "go-version-file": r.pick([
                  "go.mod",
                  "./svc/go.mod",
                  ".go-version",
                  ".tool-versions",
                  "missing/go.mod",
                ]),
              }
            : {}),
          ...(r.bool(0.3)
            ? { cache: r.pick<unknown>([true, false, "false", "true", expr(r)]) }
            : {}),
          ...(r.bool(0.1) ? { "check-latest": true, "cache-dependency-path": "**/go.sum" } : {}),
        })),
      }),
    ],
    [
      3,
      () => ({
        uses: r.pick([
          "golangci/golangci-lint-action@v6",
          "golangci/golangci-lint-action@v8",
          "golangci/golangci-lint-action@v3",
          `golangci/golangci-lint-action@${"c3".repeat(20)} # v7.0.0`,
        ]),
        ...(r.bool(0.7)
          ? {
              with: {
                version: r.pick<unknown>(["v1.64.8", "v2.1.6", "latest", "2.1", 1.6, ""]),
                ...(r.bool(0.2) ? { args: "--timeout=5m" } : {}),
              },
            }
          : {}),
      }),
    ],
    [
      6,
      () => ({
        ...(r.bool(0.3) ? { name: "build" } : {}),
        run: r.pick([
          "go build ./...",
          "go test -race ./...",
          "go install github.com/golangci/golangci-lint/cmd/golangci-lint@latest\ngolangci-lint run",
          "go env -w GOPROXY=direct GOFLAGS=-mod=mod",
          "export GOFLAGS=-mod=mod\ngo build ./...\n",
          'echo "GOFLAGS=-mod=mod" >> "$GITHUB_ENV"',
          "go install golang.org/x/vuln/cmd/govulncheck@v1.1.3 && govulncheck ./...",
          "make test",
          `go test ./... \${{ matrix.flags }}`,
          "",
        ]),
        ...(r.bool(0.3)
          ? {
              env: {
                GOFLAGS: r.pick<unknown>(["-mod=mod", "-mod=vendor", null, 1]),
                GOPROXY: r.pick<unknown>(["off", "https://proxy.golang.org,direct", expr(r)]),
              },
            }
          : {}),
        ...(r.bool(0.15) ? { shell: "bash", "working-directory": "./svc", if: expr(r) } : {}),
      }),
    ],
    [
      2,
      () => ({
        uses: r.pick([
          "docker://golang:1.22",
          "docker://golang",
          "docker://alpine:3.20",
          "./.github/actions/setup",
          "./",
          "owner/repo/path@v1",
          "docker/build-push-action@v6",
        ]),
        with: { args: "go build ./...", context: ".", file: "./Dockerfile" },
      }),
    ],
    [1, () => junk(r) as Record<string, unknown>],
  ]);
}

function matrix(r: Rand): unknown {
  return r.oneOf<unknown>([
    [
      4,
      () => ({
        go: r.pick<unknown>([["1.22", "1.23"], [1.22, "1.26.8"], ["stable"], expr(r)]),
        os: ["ubuntu-latest", "macos-latest"],
      }),
    ],
    [
      2,
      () => ({
        "go-version": ["1.22.x"],
        include: [{ "go-version": "1.23", experimental: true }],
        exclude: [{ "go-version": "1.22.x", os: "windows-latest" }],
      }),
    ],
    [1, () => expr(r)],
    [1, () => ({ include: [{ go: "1.22" }, { go: null }] })],
  ]);
}

function job(r: Rand): Record<string, unknown> {
  if (r.bool(0.1)) {
    return {
      uses: r.pick(["./.github/workflows/test.yml", "org/repo/.github/workflows/ci.yml@main"]),
      with: { go: "1.22" },
      secrets: r.pick<unknown>(["inherit", { token: expr(r) }]),
    };
  }
  const j: Record<string, unknown> = {
    "runs-on": or(r, () =>
      r.pick<unknown>([
        "ubuntu-latest",
        ["self-hosted", "linux"],
        expr(r),
        { group: "large", labels: ["x"] },
      ]),
    ),
  };
  if (r.bool(0.15))
    j.container = r.pick<unknown>([
      "golang:1.22",
      { image: "golang:1.26.8", env: { GOFLAGS: "-mod=mod" }, options: "--user 1000" },
      { image: expr(r) },
    ]);
  if (r.bool(0.15))
    j.services = {
      postgres: {
        image: r.pick(["postgres:17", "postgres"]),
        ports: [5432, "5432:5432"],
        options: "--health-cmd pg_isready",
      },
    };
  if (r.bool(0.3))
    j.strategy = { matrix: or(r, () => matrix(r)), ...(r.bool(0.3) ? { "fail-fast": false } : {}) };
  if (r.bool(0.2))
    j.env = {
      GOFLAGS: r.pick<unknown>(["-mod=mod", "-mod=readonly", null]),
      GOTOOLCHAIN: r.pick<unknown>(["local", "auto", null]),
    };
  if (r.bool(0.1)) j.needs = r.pick<unknown>(["build", ["build", "lint"]]);
  if (r.bool(0.1)) j.if = expr(r);
  j.steps = or(r, () => r.times(r.between(0, 5), () => step(r)));
  return j;
}

export function generateWorkflow(r: Rand): string {
  const doc: Record<string, unknown> = {};
  if (r.bool(0.7)) doc.name = "CI";
  doc.on = or(r, () => on(r));
  if (r.bool(0.2)) doc.env = { GOFLAGS: "-mod=mod", GO_VERSION: r.pick<unknown>(["1.22", 1.22]) };
  if (r.bool(0.1)) doc.permissions = r.pick<unknown>(["read-all", { contents: "read" }]);
  if (r.bool(0.1)) doc.concurrency = { group: expr(r), "cancel-in-progress": true };
  doc.jobs = or(
    r,
    () =>
      Object.fromEntries(
        r.times(r.between(0, 3), (i) => [
          r.pick(["build", "test", "lint", "go", `job${i}`]),
          job(r),
        ]),
      ),
    0.04,
  );
  let text = stringify(doc, { aliasDuplicateObjects: r.bool(0.2) });
  // `on:` is a YAML 1.1 boolean to some readers; some workflows quote it, as the schema allows.
  if (r.bool(0.2)) text = text.replace(/^on:/m, '"on":');
  return text;
}
