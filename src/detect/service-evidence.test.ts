import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARKER } from "../generate/marker.js";
import { expandRefs, parseEnvFile } from "./env-file.js";
import { parseEnvName } from "./env-names.js";
import { goTokens } from "./go-tokens.js";
import { composeFileInUse, parseKeptCompose } from "./kept-compose.js";
import { backendOf } from "./service-drivers.js";

describe("backendOf", () => {
  it.each([
    ["github.com/jackc/pgx/v5", "postgres"],
    ["github.com/jackc/pgx/v5/pgxpool", "postgres"],
    ["gorm.io/driver/postgres", "postgres"],
    ["github.com/jinzhu/gorm/dialects/mysql", "mysql"],
    ["go.mongodb.org/mongo-driver/v2/mongo", "mongo"],
    ["github.com/twmb/franz-go/pkg/kadm", "kafka"],
    ["github.com/rabbitmq/amqp091-go", "rabbitmq"],
    ["github.com/streadway/amqp", "rabbitmq"],
    ["github.com/bradfitz/gomemcache/memcache", "memcached"],
    ["github.com/elastic/go-elasticsearch/v8", "elasticsearch"],
    ["github.com/olivere/elastic/v7", "elasticsearch"],
    ["github.com/opensearch-project/opensearch-go/v4/opensearchapi", "opensearch"],
    ["github.com/ClickHouse/clickhouse-go/v2", "clickhouse"],
    ["github.com/ClickHouse/ch-go", "clickhouse"],
    ["go.etcd.io/etcd/client/v3", "etcd"],
    ["github.com/minio/minio-go/v7", "minio"],
    ["github.com/aws/aws-sdk-go-v2/service/s3", "minio"],
    ["github.com/aws/aws-sdk-go/service/s3/s3manager", "minio"],
    ["modernc.org/sqlite", "sqlite"],
    // Helper packages of S3 clients, the SDK alone, and look-alikes are no driver.
    ["github.com/minio/minio-go/v7/pkg/encrypt", undefined],
    ["github.com/aws/aws-sdk-go-v2/service/s3/types", undefined],
    ["github.com/aws/aws-sdk-go-v2/config", undefined],
    ["github.com/jackc/pgx-zerolog", undefined],
    ["github.com/lib/pqx", undefined],
  ])("%s -> %s", (path, want) => {
    expect(backendOf(path)).toBe(want);
  });
});

describe("parseEnvName", () => {
  it.each([
    ["DATABASE_URL", "database", "url"],
    ["PG_DSN", "postgres", "dsn"],
    ["PG_DB_NAME", "postgres", "database"],
    ["SALES_DB_HOST", "database", "host"],
    ["APP_DSN", "database", "dsn"],
    ["MEMOS_DRIVER", "database", "driver"],
    ["WOODPECKER_DATABASE_DATASOURCE", "database", "dsn"],
    ["REDIS_ADDR", "redis", "addr"],
    ["REDIS_URL", "redis", "url"],
    ["RMQ_URL", "rabbitmq", "url"],
    ["KAFKA_BROKERS", "kafka", "addr"],
    ["AWS_ACCESS_KEY_ID", "minio", "user"],
    ["AWS_ENDPOINT_URL_S3", "minio", "url"],
    ["ETCD_ENDPOINTS", "etcd", "addr"],
  ])("%s -> %s %s", (name, service, role) => {
    expect(parseEnvName(name)).toEqual({ service, role });
  });

  it.each(["DB_MAX_OPEN_CONNS", "DATABASE_URL_FILE", "HTTP_PORT", "PG_POOL_MAX", "LOG_LEVEL"])(
    "%s names no connection",
    (name) => {
      expect(parseEnvName(name)).toBeUndefined();
    },
  );
});

describe(".env files", () => {
  it("reads values as compose does, without gopave's own block", () => {
    const text = [
      "# comment",
      "export A=1",
      "B='x # y'",
      'C="a\\"b"',
      "D=plain # trailing",
      "# >>> gopave: generated from gopave.yaml; edit there, not here >>>",
      "E=ours",
      "# <<< gopave <<<",
      "",
    ].join("\n");
    expect(parseEnvFile(text)).toEqual({ A: "1", B: "x # y", C: 'a"b', D: "plain" });
  });

  it("expands ${VAR}, ${VAR:-default} and leaves what it cannot resolve", () => {
    const vars = { USER: "app", EMPTY: "" };
    expect(expandRefs("${USER}:${PASS:-secret}@${EMPTY:-x}/${EMPTY-y}/${NOPE}", vars)).toBe(
      "app:secret@x//${NOPE}",
    );
  });
});

describe("parseKeptCompose", () => {
  it("finds backing services by image, their ports, credentials, healthcheck and networks", () => {
    const kept = parseKeptCompose(
      "compose.yml",
      `x-env: &env
  POSTGRES_PASSWORD: \${PG_PASSWORD:-dev}
services:
  api:
    build: .
    environment: [DATABASE_URL=postgres://postgres:dev@pg:5432/postgres, PLAIN]
    depends_on: [pg]
  spare:
    image: bitnami/postgresql:16
  pg:
    image: docker.io/library/postgres:17.6@sha256:${"a".repeat(64)}
    environment:
      <<: *env
    ports: ["127.0.0.1:15432:5432"]
    healthcheck: { test: ["CMD", "pg_isready"] }
  cache:
    image: valkey/valkey:8
    profiles: [cache]
    networks: { back: {} }
  web:
    image: nginx:1.27
`,
    );
    expect(kept).toEqual({
      path: "compose.yml",
      appEnv: { DATABASE_URL: "postgres://postgres:dev@pg:5432/postgres" },
      services: [
        {
          name: "pg",
          kind: "postgres",
          port: 5432,
          hostPort: 15432,
          user: "postgres",
          password: "${PG_PASSWORD:-dev}",
          database: "postgres",
          healthcheck: true,
          profiled: false,
          networks: ["default"],
        },
        expect.objectContaining({ name: "spare", kind: "postgres", hostPort: undefined }),
        expect.objectContaining({
          name: "cache",
          kind: "redis",
          profiled: true,
          networks: ["back"],
        }),
      ],
    });
  });

  it("is undefined for a file that does not parse", () => {
    expect(parseKeptCompose("compose.yaml", "services: [\n")).toBeUndefined();
  });
});

describe("goTokens", () => {
  it("drops comments, keeps string values, inserts Go's semicolons", () => {
    const toks = goTokens('x := "a\\"b" // c\n/* d\n*/ y := `e\nf`\n');
    expect(toks.map((t) => [t.kind, t.text, t.line])).toEqual([
      ["ident", "x", 1],
      ["op", ":=", 1],
      ["string", 'a"b', 1],
      ["op", ";", 1],
      ["ident", "y", 3],
      ["op", ":=", 3],
      ["string", "e\nf", 3],
      ["op", ";", 4],
    ]);
  });
});

describe("composeFileInUse", () => {
  it("is the first file docker compose looks for, unless gopave wrote it", () => {
    const dir = mkdtempSync(join(tmpdir(), "gopave-compose-in-use-"));
    try {
      expect(composeFileInUse(dir)).toBeUndefined();
      writeFileSync(join(dir, "docker-compose.yaml"), "services: {}\n");
      expect(composeFileInUse(dir)).toBe("docker-compose.yaml");
      writeFileSync(join(dir, "docker-compose.yml"), "services: {}\n");
      expect(composeFileInUse(dir)).toBe("docker-compose.yml");
      writeFileSync(join(dir, "compose.yml"), "services: {}\n");
      expect(composeFileInUse(dir)).toBe("compose.yml");
      writeFileSync(join(dir, "compose.yaml"), `# ${MARKER}\nservices: {}\n`);
      expect(composeFileInUse(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
