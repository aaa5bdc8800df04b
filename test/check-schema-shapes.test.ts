import { parseTree, getNodeValue } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkProblems } from "./helpers/check-fuzz/oracle.js";
import { schemaErrors } from "./helpers/schemas.js";

/**
 * One file per kind that uses every long and short form its official schema allows (issue 9,
 * "never crash"): each is valid against the schema, and check reads it without a rule failing.
 */

const GO_MOD = "module example.com/app\n\ngo 1.26.8\n\nrequire github.com/lib/pq v1.10.9\n";

const COMPOSE = `
name: shapes
x-common: &common
  restart: unless-stopped
  environment: &env
    GOFLAGS: -mod=mod
    EMPTY:
x-debug-ports: &debug-ports
  - "127.0.0.1:2345:2345"
services:
  base:
    image: golang:1.26.8
    profiles: [tools]
  app:
    <<: *common
    build: .
    ports:
      - 8080
      - "8081:80"
      - "127.0.0.1:8082:80/tcp"
      - "[::1]:8083:80"
      - "9000-9002:9000-9002"
      - target: 80
        published: "8084"
        host_ip: 127.0.0.1
        protocol: tcp
        mode: host
      - target: 81
        published: 8085-8086
    environment:
      <<: *env
      PORT: 8080
      DEBUG: true
    env_file:
      - .env
      - path: .env.local
        required: false
    depends_on:
      - db
    healthcheck:
      test: wget -qO- localhost:8080/health
      interval: 5s
    command: ["/app", "-port", "8080"]
  worker:
    extends: app
    build:
      context: .
      dockerfile: Dockerfile
      target: build
      args:
        - GO_VERSION=1.26.8
        - NO_VALUE
      additional_contexts:
        shared: ../shared
    environment:
      - GOFLAGS=-mod=mod
      - PASSTHROUGH
    depends_on:
      db:
        condition: service_healthy
        restart: true
      cache:
        condition: service_started
        required: false
    healthcheck:
      test: ["CMD-SHELL", "pgrep worker || exit 1"]
    entrypoint: /bin/sh -c
    command: sleep infinity
  debug:
    extends:
      file: compose.yaml
      service: app
    ports: *debug-ports
    profiles: [debug]
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD:?set it}
      POSTGRES_DB:
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      start_period: 10s
      start_interval: 1s
      retries: 5
    volumes:
      - data:/var/lib/postgresql/data
      - type: bind
        source: ./init.sql
        target: /docker-entrypoint-initdb.d/init.sql
        read_only: true
  cache:
    image: redis:7
    healthcheck:
      disable: true
    networks:
      backend:
        aliases: [redis]
volumes:
  data: {}
networks:
  backend:
`;

const WORKFLOW = `
name: ci
on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:
    inputs:
      go:
        type: string
        default: "1.26.8"
env:
  GOFLAGS: \${{ vars.GOFLAGS }}
jobs:
  test:
    runs-on: \${{ matrix.os }}
    container:
      image: golang:1.26.8
      options: --user 1001
    services:
      postgres:
        image: postgres:17
        ports: [5432]
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest]
        go: ["1.26.8", "1.25"]
        include:
          - os: macos-latest
            go: "1.26.8"
        exclude:
          - os: ubuntu-latest
            go: "1.25"
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: \${{ matrix.go }}
          cache: \${{ github.event_name == 'push' }}
      - uses: docker://golang:1.26.8
        with:
          args: go vet ./...
      - uses: ./.github/actions/setup
      - name: test
        run: |
          go env -w GOFLAGS=-mod=mod
          go test -race ./...
        env:
          GOPROXY: \${{ secrets.GOPROXY }}
  lint:
    runs-on: [self-hosted, linux]
    container: golang:1.26.8
    steps:
      - uses: golangci/golangci-lint-action@v8
        with:
          version: v2.1.6
  matrix-from-json:
    needs: [test]
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.test.outputs.matrix) }}
    steps:
      - run: go build ./...
  reuse:
    uses: ./.github/workflows/reusable.yml
    with:
      go: "1.26.8"
    secrets: inherit
`;

const WORKFLOW_ON_FORMS = ["on: push\n", "on: [push, pull_request]\n"].map(
  (on) =>
    `${on}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version-file: go.mod\n      - run: go build ./...\n`,
);

const DEVCONTAINERS = [
  `{
  // The legacy top-level dockerFile, with trailing commas.
  "name": "dockerFile",
  "dockerFile": "Dockerfile",
  "context": "..",
  "features": {
    "ghcr.io/devcontainers/features/go:1": { "version": "1.26.8", "golangciLintVersion": "2.1.6" },
    "ghcr.io/devcontainers/features/common-utils:2": {},
  },
  "remoteUser": "vscode",
}`,
  `{
  "name": "build",
  "build": { "dockerfile": "Dockerfile", "context": "..", "args": { "GO_VERSION": "1.26.8" }, "target": "dev" },
  /* block comment */
  "containerEnv": { "GOFLAGS": "-mod=mod" },
  "mounts": ["source=gomod,target=/go/pkg/mod,type=volume", { "source": "gobuild", "target": "/home/vscode/.cache/go-build", "type": "volume" }],
  "postCreateCommand": { "deps": "go mod download", "tools": ["go", "install", "golang.org/x/tools/gopls@v0.20.0"] },
  "customizations": { "vscode": { "extensions": ["golang.go"] } }
}`,
  `{
  "name": "compose",
  "dockerComposeFile": ["../compose.yaml", "compose.dev.yaml"],
  "service": "app",
  "runServices": ["db"],
  "workspaceFolder": "/workspaces/app",
  "forwardPorts": [8080, "db:5432"]
}`,
  `{ "name": "compose-string", "dockerComposeFile": "../compose.yaml", "service": "app", "workspaceFolder": "/src" }`,
];

const jsonc = (text: string): unknown =>
  getNodeValue(parseTree(text, [], { allowTrailingComma: true }) as never) as unknown;

describe("schema-valid shapes", () => {
  it("compose: every long and short syntax, extends, anchors and merge keys", async () => {
    expect(schemaErrors("compose", parse(COMPOSE, { merge: true }))).toEqual([]);
    const files = { "go.mod": GO_MOD, "compose.yaml": COMPOSE, Dockerfile: "FROM golang:1.26.8\n" };
    expect(await checkProblems(files)).toEqual([]);
  });

  it("workflow: on, runs-on, container and matrix in each form; docker:// and ./ actions", async () => {
    for (const wf of [WORKFLOW, ...WORKFLOW_ON_FORMS]) {
      expect(schemaErrors("github-workflow", parse(wf))).toEqual([]);
      expect(await checkProblems({ "go.mod": GO_MOD, ".github/workflows/ci.yml": wf })).toEqual([]);
    }
  });

  it("devcontainer: dockerFile, build, dockerComposeFile as a list and a string, JSONC", async () => {
    for (const dc of DEVCONTAINERS) {
      expect(schemaErrors("devcontainer", jsonc(dc))).toEqual([]);
      const files = {
        "go.mod": GO_MOD,
        ".devcontainer/devcontainer.json": dc,
        ".devcontainer/Dockerfile": "FROM golang:1.26.8 AS dev\nUSER vscode\n",
        ".devcontainer/compose.dev.yaml": "services:\n  app:\n    command: sleep infinity\n",
        "compose.yaml": COMPOSE,
      };
      expect(await checkProblems(files)).toEqual([]);
    }
  });
});
