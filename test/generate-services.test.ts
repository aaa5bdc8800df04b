import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseKeptCompose } from "../src/detect/kept-compose.js";
import { generateCompose } from "../src/generate/compose.js";
import { generateDevcontainer } from "../src/generate/devcontainer.js";
import { generateEnvExample } from "../src/generate/env-example.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext, GeneratedFile, RepoFacts } from "../src/generate/types.js";
import { loadSpec } from "../src/spec/load.js";
import type { SpecInput } from "../src/spec/schema.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "../src/spec/services.js";
import { REPO_ROOT } from "./helpers/cli.js";
import { schemaErrors } from "./helpers/schemas.js";
import { makeContext, makeSpec, SINGLE_MODULE_REPO } from "./helpers/spec.js";

type Doc = { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };

function content(file: GeneratedFile | undefined): string {
  if (!file) throw new Error("file not generated");
  const r = renderFile(file, undefined);
  if (!r) throw new Error(`${file.path} not rendered`);
  return r.content;
}

const yamlOf = (files: GeneratedFile[], path: string) =>
  parseYaml(content(files.find((f) => f.path === path))) as Doc;
const jsonOf = (files: GeneratedFile[], path: string) =>
  parseJsonc(content(files.find((f) => f.path === path))) as Record<string, unknown>;

const app = { name: "api", main: "./cmd/api", port: 8080 };
const ctx = (input: Partial<SpecInput>, repo: RepoFacts = SINGLE_MODULE_REPO): GenerateContext =>
  makeContext(makeSpec({ apps: [app], ...input }), repo);

describe("optional services", () => {
  const c = ctx({
    services: {
      postgres: { optional: true, env: { NOTES_DSN: "dsn", NOTES_DRIVER: "driver" } },
      mysql: { optional: true, env: { NOTES_DSN: "dsn", NOTES_DRIVER: "driver" } },
      redis: { env: { REDIS_ADDR: "addr" } },
    },
  });

  it("sit in a compose profile; the apps neither wait for them nor get their variables", () => {
    const doc = yamlOf(generateCompose(c), "compose.yaml");
    expect(schemaErrors("compose", doc)).toEqual([]);
    expect(doc.services.postgres?.profiles).toEqual(["postgres"]);
    expect(doc.services.mysql?.profiles).toEqual(["mysql"]);
    expect(doc.services.redis).not.toHaveProperty("profiles");
    expect(doc.services.api?.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(doc.services.api?.environment).toEqual({ REDIS_ADDR: "redis:6379", PORT: "8080" });
  });

  it("are not started by the dev container, and .env.example lists them commented out", () => {
    const files = generateDevcontainer(c);
    const dc = jsonOf(files, ".devcontainer/devcontainer.json");
    expect(dc.runServices).toEqual(["dev", "redis"]);
    expect(schemaErrors("devcontainer", dc)).toEqual([]);
    const dev = yamlOf(files, ".devcontainer/compose.yaml").services.dev;
    expect(dev?.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(dev?.environment).toEqual({ REDIS_ADDR: "redis:6379" });

    const env = content(generateEnvExample(c)[0]);
    expect(env).toContain("\nREDIS_ADDR=127.0.0.1:6379\n");
    expect(env).toContain(
      "# postgres:\n" +
        "# NOTES_DSN=postgres://app:app-dev-password@127.0.0.1:5432/app?sslmode=disable\n" +
        "# NOTES_DRIVER=postgres\n" +
        "# mysql:\n" +
        "# NOTES_DSN=app:app-dev-password@tcp(127.0.0.1:3306)/app?parseTime=true\n" +
        "# NOTES_DRIVER=mysql\n",
    );
    // compose interpolates the whole file whatever the profiles: their credentials are set.
    expect(env).toMatch(/^POSTGRES_PASSWORD=/m);
    expect(env).toMatch(/^MYSQL_PASSWORD=/m);
  });

  it("a dev container with only optional services still joins compose, and waits for nothing", () => {
    const files = generateDevcontainer(ctx({ services: { mongo: { optional: true } } }));
    expect(jsonOf(files, ".devcontainer/devcontainer.json").runServices).toEqual(["dev"]);
    expect(yamlOf(files, ".devcontainer/compose.yaml").services.dev).not.toHaveProperty(
      "depends_on",
    );
  });
});

describe("connection variables under the names the apps read", () => {
  it("each value in the format its role says", () => {
    const c = ctx({
      services: {
        postgres: {
          env: {
            PG_HOST: "host",
            PG_PORT: "port",
            PG_USER: "user",
            PG_PASSWORD: "password",
            PG_DATABASE: "database",
            APP_DSN: "dsn",
          },
        },
        mysql: { env: { MYSQL_URL: "url", MYSQL_DSN: "dsn" } },
        rabbitmq: { env: { RMQ_URL: "url" } },
        kafka: { env: { KAFKA_BROKERS: "addr" } },
        minio: {
          port: 9100,
          env: {
            S3_ENDPOINT: "url",
            S3_ACCESS_KEY: "user",
            S3_SECRET_KEY: "password",
            S3_REGION: "region",
          },
        },
      },
    });
    const env = yamlOf(generateCompose(c), "compose.yaml").services.api?.environment;
    expect(env).toEqual({
      PG_HOST: "postgres",
      PG_PORT: "5432",
      PG_USER: "${POSTGRES_USER:-app}",
      PG_PASSWORD: "${POSTGRES_PASSWORD:-app-dev-password}",
      PG_DATABASE: "${POSTGRES_DB:-app}",
      APP_DSN:
        "postgres://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:-app-dev-password}@postgres:5432/${POSTGRES_DB:-app}?sslmode=disable",
      MYSQL_URL:
        "mysql://${MYSQL_USER:-app}:${MYSQL_PASSWORD:-app-dev-password}@mysql:3306/${MYSQL_DATABASE:-app}",
      MYSQL_DSN:
        "${MYSQL_USER:-app}:${MYSQL_PASSWORD:-app-dev-password}@tcp(mysql:3306)/${MYSQL_DATABASE:-app}?parseTime=true",
      KAFKA_BROKERS: "kafka:9092",
      RMQ_URL:
        "amqp://${RABBITMQ_DEFAULT_USER:-app}:${RABBITMQ_DEFAULT_PASS:-app-dev-password}@rabbitmq:5672/",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY: "${MINIO_ROOT_USER:-app}",
      S3_SECRET_KEY: "${MINIO_ROOT_PASSWORD:-app-dev-password}",
      S3_REGION: "us-east-1",
      PORT: "8080",
    });
    const example = content(generateEnvExample(c)[0]);
    // On the host: 127.0.0.1, the published port, the example credentials written out.
    expect(example).toContain("\nS3_ENDPOINT=http://127.0.0.1:9100\nS3_ACCESS_KEY=app\n");
    expect(example).toContain("\nPG_HOST=127.0.0.1\nPG_PORT=5432\nPG_USER=app\n");
  });
});

describe("every service gopave runs", () => {
  const all = Object.fromEntries(SERVICE_KINDS.map((k, i) => [k, { port: 20000 + i }]));
  const doc = yamlOf(generateCompose(ctx({ services: all })), "compose.yaml");

  it("validates, pins its tag, probes its health, binds 127.0.0.1, keeps data in a named volume", () => {
    expect(schemaErrors("compose", doc)).toEqual([]);
    for (const kind of SERVICE_KINDS) {
      const c = SERVICE_CATALOG[kind];
      const s = doc.services[kind];
      expect(s?.image, kind).toBe(`${c.image}:${c.version}${c.tagSuffix}`);
      expect(c.version, kind).not.toMatch(/latest/);
      expect((s?.healthcheck as { test: string[] }).test, kind).toEqual(c.healthcheck);
      expect(s?.ports, kind).toEqual([`127.0.0.1:${all[kind]?.port}:${c.port}`]);
      if (c.dataPath) expect(s?.volumes, kind).toEqual([`${kind}-data:${c.dataPath}`]);
      else expect(s, kind).not.toHaveProperty("volumes");
    }
    expect(doc.services.rabbitmq?.hostname).toBe("rabbitmq");
  });
});

describe("a kept compose file", () => {
  const keptText = `services:
  db:
    image: postgres:18.4-alpine
    environment: { POSTGRES_USER: user, POSTGRES_PASSWORD: "p@ss", POSTGRES_DB: tasks }
    ports: ["5432:5432"]
    networks: [back]
  mq:
    image: rabbitmq:4.3.2-management
    healthcheck: { test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"] }
    networks: [back]
  app:
    build: .
    environment: { RMQ_URL: "amqp://guest:guest@mq:5672/" }
networks:
  back: {}
`;
  const keptFacts = (path: string, envExample?: Record<string, string>): RepoFacts => ({
    ...SINGLE_MODULE_REPO,
    keptCompose: parseKeptCompose(path, keptText),
    ...(envExample ? { envExample } : {}),
  });
  const services = {
    postgres: { env: { PG_URL: "url" as const } },
    rabbitmq: { env: { RMQ_URL: "url" as const } },
    redis: { env: { REDIS_ADDR: "addr" as const } },
  };

  it("gets no compose.yaml; the dev container joins it with its service names", () => {
    const c = ctx(
      { keep: { compose: "docker-compose.yml" }, services },
      keptFacts("docker-compose.yml"),
    );
    expect(generateCompose(c)).toEqual([]);
    const files = generateDevcontainer(c);
    const dc = jsonOf(files, ".devcontainer/devcontainer.json");
    expect(schemaErrors("devcontainer", dc)).toEqual([]);
    expect(dc.dockerComposeFile).toEqual(["../docker-compose.yml", "compose.yaml"]);
    expect(dc.runServices).toEqual(["dev", "db", "redis", "mq"]);
    expect(dc.forwardPorts).toEqual([8080, "db:5432", "redis:6379", "mq:5672"]);

    const dev = yamlOf(files, ".devcontainer/compose.yaml");
    expect(schemaErrors("compose", dev)).toEqual([]);
    expect(dev.services.dev?.depends_on).toEqual({
      // No healthcheck in the kept file: started is all there is to wait for.
      db: { condition: "service_started" },
      redis: { condition: "service_healthy" },
      mq: { condition: "service_healthy" },
    });
    expect(dev.services.dev?.environment).toEqual({
      // Built from the kept file's credentials (a literal password percent-encoded in a URL).
      PG_URL: "postgres://user:p%40ss@db:5432/tasks?sslmode=disable",
      // Given by the kept file to its app: used as written.
      RMQ_URL: "amqp://guest:guest@mq:5672/",
      REDIS_ADDR: "redis:6379",
    });
    // The kept services are on their own network: the dev container joins it (and the default
    // one, where the service gopave adds runs).
    expect(dev.services.dev?.networks).toEqual(["back", "default"]);
    // A service the kept file does not run is defined here, as compose.yaml would.
    expect(dev.services.redis?.image).toBe(`redis:${SERVICE_CATALOG.redis.version}`);
    expect(dev.volumes).toHaveProperty("redis-data");
    expect(dev.services).not.toHaveProperty("db");
  });

  it("in a subfolder: paths of the merged files resolve from that folder", () => {
    const c = ctx(
      { keep: { compose: "deploy/compose.yaml" }, services: { postgres: {} } },
      keptFacts("deploy/compose.yaml"),
    );
    const files = generateDevcontainer(c);
    expect(jsonOf(files, ".devcontainer/devcontainer.json").dockerComposeFile).toEqual([
      "../deploy/compose.yaml",
      "compose.yaml",
    ]);
    const dev = yamlOf(files, ".devcontainer/compose.yaml").services.dev;
    expect(dev?.build).toMatchObject({ context: "..", dockerfile: ".devcontainer/Dockerfile" });
    expect(dev?.volumes).toContain("..:/workspaces/orders:cached");
  });

  it("a service it runs is not optional, whatever the spec says", () => {
    const c = ctx(
      { keep: { compose: "docker-compose.yml" }, services: { postgres: { optional: true } } },
      keptFacts("docker-compose.yml"),
    );
    expect(jsonOf(generateDevcontainer(c), ".devcontainer/devcontainer.json").runServices).toEqual([
      "dev",
      "db",
    ]);
  });

  it("a kept .env.example gets a marked block with only what it lacks, its values used", () => {
    const kept = { PG_URL: "postgres://user:p%40ss@localhost:5432/tasks" };
    const c = ctx(
      { keep: { compose: "docker-compose.yml" }, services },
      keptFacts("docker-compose.yml", kept),
    );
    const [file] = generateEnvExample(c);
    expect(file?.format).toBe("section");
    const block = file?.format === "section" ? file.text : "";
    expect(block).not.toContain("PG_URL=");
    expect(block).toContain("\nREDIS_ADDR=127.0.0.1:6379\n");
    // mq publishes no port: nothing on the host can reach it, which the block says.
    expect(block).not.toContain("RMQ_URL=");
    expect(block).toContain(
      "# mq publishes no port in docker-compose.yml: apps on the host cannot reach it.",
    );

    // Nothing lacking: no block at all.
    const complete = ctx(
      {
        keep: { compose: "docker-compose.yml" },
        services: { postgres: { env: { PG_URL: "url" } } },
      },
      keptFacts("docker-compose.yml", kept),
    );
    expect(generateEnvExample(complete)).toEqual([]);
  });
});

describe("README", () => {
  it("shows a spec whose services section gopave accepts", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const yaml = /## The spec[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const spec = loadSpec(yaml).spec;
    expect(spec.services.postgres?.env).toEqual({ PG_DSN: "url" });
    expect(spec.services.mysql?.optional).toBe(true);
  });
});
