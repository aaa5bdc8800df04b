import { describe, expect, it } from "vitest";
import { CP001 } from "../src/check/rules/docker/cp001-unpinned-service-image.js";
import { CP002 } from "../src/check/rules/docker/cp002-database-without-healthcheck.js";
import { CP003 } from "../src/check/rules/docker/cp003-depends-on-not-healthy.js";
import { CP004 } from "../src/check/rules/docker/cp004-debugger-port-exposed.js";
import { CP005 } from "../src/check/rules/docker/cp005-literal-secret-in-environment.js";
import { CP006 } from "../src/check/rules/docker/cp006-obsolete-version.js";
import { lines, runRule, where } from "./check-rules-docker-helpers.js";

const HEALTHY_DB = [
  "  db:",
  "    image: postgres:17.6",
  "    healthcheck:",
  '      test: ["CMD-SHELL", "pg_isready -U postgres"]',
];

describe("CP001 unpinned service image", () => {
  it("fires on untagged and :latest images, at the image key", async () => {
    const compose = lines(
      "services:",
      "  db:",
      "    image: postgres",
      "  cache:",
      "    image: redis:latest",
      "  mirror:",
      "    image: registry.example.com:5000/tools/mailpit",
    );
    const f = await runRule(CP001, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:3", "compose.yaml:5", "compose.yaml:7"]);
    expect(f[0]?.message).toContain("without a tag");
  });

  it("skips pinned, digest-pinned, interpolated and built images", async () => {
    const compose = lines(
      "services:",
      "  db:",
      "    image: postgres:17.6",
      "  cache:",
      "    image: redis@sha256:0123456789abcdef",
      "  app:",
      "    image: example/app",
      "    build: .",
      "  other:",
      "    image: ${OTHER_IMAGE}",
      "  pg:",
      "    image: postgres:${PG_VERSION:-17.6}",
      "  dev:",
      "    build:",
      "      context: .",
    );
    expect(await runRule(CP001, { "docker-compose.yml": compose })).toEqual([]);
  });
});

describe("CP002 database without healthcheck", () => {
  it("fires at the service for databases, caches and brokers without a working healthcheck", async () => {
    const compose = lines(
      "services:",
      "  db:",
      "    image: postgres:17.6",
      "  cache:",
      "    image: bitnami/redis:8.2",
      "  queue:",
      "    image: nats:2.11",
      "    healthcheck:",
      "      disable: true",
    );
    const f = await runRule(CP002, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:2", "compose.yaml:4", "compose.yaml:6"]);
  });

  it("warns when a service depends on the database, and only notes it otherwise", async () => {
    const compose = lines(
      "services:",
      "  api:",
      "    image: example/api:1.0",
      "    depends_on: [db]",
      "  db:",
      "    image: postgres:17.6",
      "  scratch-redis:",
      "    image: redis:8.2.1",
    );
    const f = await runRule(CP002, { "compose.yaml": compose });
    expect(f.map((x) => [x.line, x.severity])).toEqual([
      [5, undefined],
      [7, "note"],
    ]);
  });

  it("does not fire on healthy databases, apps or admin UIs", async () => {
    const compose = lines(
      "services:",
      ...HEALTHY_DB,
      "  ui:",
      "    image: mongo-express:1.0",
      "  api:",
      "    image: example/api:1.2.3",
    );
    expect(await runRule(CP002, { "compose.yaml": compose })).toEqual([]);
  });
});

describe("CP003 depends_on a database without service_healthy", () => {
  it("fires on short syntax items, missing conditions and service_started", async () => {
    const compose = lines(
      "services:",
      ...HEALTHY_DB,
      "  cache:",
      "    image: redis:8.2.1",
      "  api:",
      "    image: example/api:1.2.3",
      "    depends_on:",
      "      - cache",
      "      - db",
      "  worker:",
      "    image: example/worker:1.2.3",
      "    depends_on:",
      "      db:",
      "        condition: service_started",
      "      cache: {}",
    );
    const f = await runRule(CP003, { "compose.yaml": compose });
    expect(where(f)).toEqual([
      "compose.yaml:11",
      "compose.yaml:12",
      "compose.yaml:17",
      "compose.yaml:18",
    ]);
    expect(f[2]?.message).toContain("service_started");
  });

  it("does not fire on service_healthy or on app dependencies, and follows override files", async () => {
    const root = lines(
      "services:",
      ...HEALTHY_DB,
      "  api:",
      "    image: example/api:1.2.3",
      "    depends_on:",
      "      db:",
      "        condition: service_healthy",
      "  web:",
      "    image: example/web:1.2.3",
      "    depends_on: [api]",
    );
    const override = lines("services:", "  dev:", "    build: .", "    depends_on:", "      - db");
    const f = await runRule(CP003, {
      "compose.yaml": root,
      ".devcontainer/compose.yaml": override,
    });
    expect(where(f)).toEqual([".devcontainer/compose.yaml:5"]);
  });
});

describe("CP004 debugger port on all interfaces", () => {
  it("fires on 2345 published without a host IP or on a wildcard, in both syntaxes", async () => {
    const compose = lines(
      "services:",
      "  a:",
      "    image: example/a:1",
      "    ports:",
      '      - "2345:2345"',
      '      - "0.0.0.0:12345:2345/tcp"',
      '      - "2345"',
      "      - target: 2345",
      "        published: 2345",
      '      - "[::]:2346:2345"',
    );
    const f = await runRule(CP004, { "compose.yaml": compose });
    expect(where(f)).toEqual([
      "compose.yaml:5",
      "compose.yaml:6",
      "compose.yaml:7",
      "compose.yaml:8",
      "compose.yaml:10",
    ]);
    expect(f[0]?.message).toContain('"127.0.0.1:2345:2345"');
  });

  it("fires on the listen port of a service that runs dlv, from compose or its Dockerfile stage", async () => {
    const compose = lines(
      "services:",
      "  api:",
      "    image: example/api:1",
      '    command: ["dlv", "exec", "/app", "--headless", "--listen=:40000"]',
      "    ports:",
      '      - "40000:40000"',
      '      - "8080:8080"',
      "  worker:",
      "    build:",
      "      context: .",
      "      target: debug",
      "    ports:",
      '      - "4000:4000"',
    );
    const df = lines(
      "FROM golang:1.26.8 AS debug",
      'ENTRYPOINT ["/go/bin/dlv", "exec", "/app", "--headless", "--listen", ":4000"]',
      "FROM scratch",
    );
    const f = await runRule(CP004, { "compose.yaml": compose, Dockerfile: df });
    expect(where(f)).toEqual(["compose.yaml:6", "compose.yaml:13"]);
  });

  it("keeps the image's dlv ENTRYPOINT when compose sets only `command`", async () => {
    const compose = lines(
      "services:",
      "  api:",
      "    build: .",
      '    command: ["--", "serve"]',
      "    ports:",
      '      - "4000:4000"',
      "  plain:",
      "    build: .",
      '    entrypoint: ["/app"]',
      "    ports:",
      '      - "4000:4000"',
    );
    const df = lines(
      "FROM golang:1.26.8",
      'ENTRYPOINT ["dlv", "exec", "/app", "--headless", "-l=:4000"]',
    );
    const f = await runRule(CP004, { "compose.yaml": compose, Dockerfile: df });
    expect(where(f)).toEqual(["compose.yaml:6"]);
  });

  it("does not fire on loopback-bound debugger ports or other ports", async () => {
    const compose = lines(
      "services:",
      "  a:",
      "    image: example/a:1",
      "    ports:",
      '      - "127.0.0.1:2345:2345"',
      '      - "[::1]:2346:2345"',
      "      - target: 2345",
      "        host_ip: 127.0.0.1",
      '      - "8080:8080"',
    );
    expect(await runRule(CP004, { "compose.yaml": compose })).toEqual([]);
  });
});

describe("CP005 literal secret in environment", () => {
  it("fires on literal passwords and URLs with passwords, without printing them", async () => {
    const compose = lines(
      "services:",
      "  db:",
      "    image: postgres:17.6",
      "    environment:",
      "      POSTGRES_PASSWORD: hunter2",
      "  mysql:",
      "    image: mysql:8.4",
      "    environment:",
      "      - MYSQL_ROOT_PASSWORD=r00tpw",
      "  api:",
      "    image: example/api:1",
      "    environment:",
      "      DATABASE_URL: postgres://app:s3cr3t@db:5432/app",
    );
    const f = await runRule(CP005, { "compose.yaml": compose });
    expect(where(f)).toEqual(["compose.yaml:5", "compose.yaml:9", "compose.yaml:13"]);
    expect(f.map((x) => x.message).join("\n")).not.toMatch(/hunter2|r00tpw|s3cr3t/);
  });

  it("does not fire on interpolations, pass-through, secret files or URLs without literal passwords", async () => {
    const compose = lines(
      "services:",
      "  db:",
      "    image: postgres:17.6",
      "    environment:",
      '      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set it in .env}"',
      "      POSTGRES_PASSWORD_FILE: /run/secrets/db",
      "      API_TOKEN:",
      "      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app",
      "      REDIS_URL: redis://cache:6379/0",
      "  mysql:",
      "    image: mysql:8.4",
      "    environment:",
      "      - MYSQL_ROOT_PASSWORD",
      "      - MYSQL_PASSWORD=$MYSQL_PASSWORD",
    );
    expect(await runRule(CP005, { "compose.yaml": compose })).toEqual([]);
  });
});

describe("CP006 obsolete top-level version", () => {
  it("fires at the version key", async () => {
    const compose = lines("# dev stack", 'version: "3.8"', "services:", "  api:", "    build: .");
    expect(where(await runRule(CP006, { "compose.yml": compose }))).toEqual(["compose.yml:2"]);
  });

  it("does not fire without one", async () => {
    const compose = lines("name: app", "services:", "  api:", "    build: .");
    expect(await runRule(CP006, { "compose.yml": compose })).toEqual([]);
  });
});

describe("CP003 with a restart policy, and what the dependency is", () => {
  it("is a note when the dependent restarts until it connects, and names brokers as brokers", async () => {
    const compose = lines(
      "services:",
      "  kafka:",
      "    image: apache/kafka:4.1.0",
      "  app:",
      "    image: example/app:1.0.0",
      "    restart: on-failure",
      "    depends_on: [kafka]",
      "  worker:",
      "    image: example/worker:1.0.0",
      "    depends_on: [kafka]",
    );
    const f = await runRule(CP003, { "compose.yaml": compose });
    expect(f.map((x) => `${x.line} ${x.severity ?? "warning"}`)).toEqual(["7 note", "10 warning"]);
    expect(f[1]?.message).toContain("depends on message broker kafka");
    expect(f[0]?.message).toContain("`restart: on-failure` restarts app until kafka accepts");
  });

  it("says nothing for an init job that polls the broker until it answers", async () => {
    const compose = lines(
      "services:",
      "  redpanda:",
      "    image: redpandadata/redpanda:v25.1.1",
      "  init:",
      "    image: redpandadata/redpanda:v25.1.1",
      "    depends_on:",
      "      - redpanda",
      '    entrypoint: ["/bin/bash", "-c"]',
      "    command:",
      "      - |",
      "        until rpk cluster info --brokers redpanda:9092; do",
      '          echo "waiting"; sleep 2',
      "        done",
      "        rpk topic create ingest --brokers redpanda:9092",
    );
    expect(await runRule(CP003, { "compose.yaml": compose })).toEqual([]);
  });
});

describe("an idle development service, through the repo's own base image", () => {
  it("waits for nothing, so CP003 is silent and CP002 a note", async () => {
    const files = {
      "docker/develop/Dockerfile": lines(
        "FROM ubuntu:24.04",
        'ENTRYPOINT ["/scripts/entrypoint.sh"]',
        'CMD ["tail", "-f", "/dev/null"]',
      ),
      Dockerfile: lines("FROM example/develop:2411", "COPY . /src"),
      Makefile: "develop:\n\tdocker build -t example/develop:2411 docker/develop\n",
      "compose.yaml": lines(
        "services:",
        "  app:",
        "    build: .",
        "    depends_on:",
        "      - db",
        "  db:",
        "    image: mariadb:11",
      ),
    };
    expect(await runRule(CP003, files)).toEqual([]);
    expect((await runRule(CP002, files)).map((f) => f.severity)).toEqual(["note"]);
  });
});
