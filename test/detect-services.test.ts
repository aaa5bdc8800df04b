import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detect } from "../src/detect/index.js";
import type { DetectedService } from "../src/detect/services.js";
import { copyRepo } from "./helpers/cli.js";

// detect() lists main packages with the real go command (parsing sources when it cannot).
execFileSync("go", ["version"]);

const offline = { offline: true, env: { ...process.env, GOFLAGS: "" } };
const base = mkdtempSync(join(tmpdir(), "gopave-detect-services-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function tree(files: Record<string, string>): string {
  const root = join(base, `repo${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const byKind = (services: DetectedService[]) =>
  Object.fromEntries(services.map((s) => [s.kind, s]));
const envOf = (s: DetectedService | undefined) =>
  Object.fromEntries((s?.env ?? []).map((e) => [e.name, e.role]));

describe("services from the apps' imports and settings (fixtures in the shape of real repos)", () => {
  it("storage plugins in a config-keyed map are optional (dex)", async () => {
    const d = await detect(copyRepo("fixture", "svc-plugins"), offline);
    expect(d.services.map((s) => s.kind)).toEqual(["postgres", "mysql", "etcd"]);
    const s = byKind(d.services);
    for (const k of ["postgres", "mysql", "etcd"]) {
      expect(s[k]?.optional).toMatch(
        /^one of postgres, mysql, sqlite3, etcd, memory chosen by configuration at cmd\/idp\/main\.go:\d+$/,
      );
    }
    expect(s.etcd?.chain).toEqual(["cmd/idp", "storage/etcd", "go.etcd.io/etcd/client/v3"]);
    // A config file, not the environment: gopave's names, and a note saying so.
    expect(s.postgres?.envSource).toBe("default");
    expect(d.notes.join("\n")).toMatch(
      /etcd: found no variable the apps read to connect to it; the generated files set ETCD_ENDPOINTS/,
    );
  });

  it("alternative SQL drivers next to sqlite are optional, and read viper's NOTES_DSN (memos)", async () => {
    const d = await detect(copyRepo("fixture", "svc-alternatives"), offline);
    const s = byKind(d.services);
    expect(Object.keys(s)).toEqual(["postgres", "mysql"]);
    expect(s.postgres?.optional).toMatch(
      /^one of sqlite, mysql, postgres chosen by configuration at store\/db\/db\.go:\d+$/,
    );
    expect(s.postgres?.chain).toEqual([
      "cmd/notes",
      "store/db",
      "store/db/postgres",
      "github.com/lib/pq",
    ]);
    // SetEnvPrefix("notes") + the "-" -> "_" replacer + AutomaticEnv: the keys as variables.
    expect(envOf(s.postgres)).toEqual({ NOTES_DRIVER: "driver", NOTES_DSN: "dsn" });
    expect(envOf(s.mysql)).toEqual({ NOTES_DRIVER: "driver", NOTES_DSN: "dsn" });
  });

  it("a kept compose file's services are required, under its names, with its apps' variables (go-clean-template)", async () => {
    const d = await detect(copyRepo("fixture", "svc-kept-compose"), offline);
    expect(d.keptCompose?.path).toBe("docker-compose.yml");
    const s = byKind(d.services);
    expect(Object.keys(s)).toEqual(["postgres", "nats", "rabbitmq"]);
    expect(d.services.map((x) => [x.kind, x.kept, x.optional])).toEqual([
      ["postgres", "db", undefined],
      ["nats", "nats", undefined],
      ["rabbitmq", "rabbitmq", undefined],
    ]);
    expect(envOf(s.postgres)).toEqual({ PG_URL: "url" });
    expect(envOf(s.rabbitmq)).toEqual({ RMQ_URL: "url" });
    expect(envOf(s.nats)).toEqual({ NATS_URL: "url" });
    // Credentials and ports as the kept file has them, merge keys (<<: *anchor) followed.
    expect(d.keptCompose?.services.find((x) => x.name === "db")).toMatchObject({
      user: "user",
      password: "tasks-dev-password",
      database: "tasks",
      port: 5432,
      hostPort: 5432,
      healthcheck: false,
      networks: ["app_network"],
    });
  });

  it("ardanlabs/conf names: prefix plus the field path (service)", async () => {
    const d = await detect(copyRepo("fixture", "svc-conf-prefix"), offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([["postgres", undefined]]);
    expect(envOf(d.services[0])).toEqual({
      SALES_DB_HOST: "host",
      SALES_DB_NAME: "database",
      SALES_DB_PASSWORD: "password",
      SALES_DB_USER: "user",
    });
  });

  it("backends switched on by configuration are optional, for every app of the repo (loki, tempo)", async () => {
    const d = await detect(copyRepo("fixture", "svc-switches"), offline);
    const s = byKind(d.services);
    expect(Object.keys(s)).toEqual(["redis", "kafka", "memcached", "minio"]);
    // logcli imports kgo for a type only; the server's KafkaEnabled says kafka is switched.
    expect(s.kafka?.optional).toMatch(
      /^switched on by KafkaEnabled \(internal\/distributor\/distributor\.go:\d+\)$/,
    );
    expect(s.redis?.optional).toMatch(
      /^one of redis, memcached chosen by configuration at internal\/cache\/cache\.go:\d+$/,
    );
    expect(s.minio?.optional).toMatch(
      /^one of s3, filesystem chosen by configuration at internal\/bucket\/bucket\.go:\d+$/,
    );
    expect(s.minio?.chain).toEqual([
      "cmd/logs",
      "internal/bucket",
      "internal/bucket/s3",
      "github.com/minio/minio-go/v7",
    ]);
  });

  it("MariaDB in the kept compose.yaml is required; names from its app, not an app helper's argument (photoprism)", async () => {
    const d = await detect(copyRepo("fixture", "svc-kept-mariadb"), offline);
    expect(d.services.map((s) => [s.kind, s.kept, s.optional])).toEqual([
      ["mysql", "mariadb", undefined],
    ]);
    expect(envOf(d.services[0])).toEqual({
      PHOTOS_DATABASE_DRIVER: "driver",
      PHOTOS_DATABASE_NAME: "database",
      PHOTOS_DATABASE_PASSWORD: "password",
      PHOTOS_DATABASE_SERVER: "addr",
      PHOTOS_DATABASE_USER: "user",
    });
    expect(d.keptCompose?.services[0]).toMatchObject({
      name: "mariadb",
      port: 4001,
      hostPort: 4001,
      user: "photos",
    });
  });
});

const mod = (path: string, requires: string[]) =>
  `module ${path}\n\ngo 1.25.0\n\nrequire (\n${requires.map((r) => `\t${r}\n`).join("")})\n`;

describe("services: evidence rules", () => {
  it("a redis session store next to an in-memory one is optional (authelia)", async () => {
    const root = tree({
      "go.mod": mod("example.com/auth", ["github.com/fasthttp/session/v2 v2.5.9"]),
      "cmd/auth/main.go":
        'package main\n\nimport "example.com/auth/internal/session"\n\nfunc main() { session.New(nil) }\n',
      "internal/session/session.go": `package session

import (
	"github.com/fasthttp/session/v2/providers/redis"

	"example.com/auth/internal/session/memory"
)

// RedisConfig is set to use redis.
type RedisConfig struct{ Host string }

// New picks the provider.
func New(r *RedisConfig) any {
	switch {
	case r != nil:
		p, _ := redis.New(redis.Config{Addr: r.Host})
		return p
	default:
		return memory.New()
	}
}
`,
      "internal/session/memory/memory.go":
        "package memory\n\n// New is a provider in memory.\nfunc New() any { return map[string]string{} }\n",
    });
    const d = await detect(root, offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([
      [
        "redis",
        expect.stringMatching(
          /^one of redis, memory chosen by configuration at internal\/session\/session\.go:\d+$/,
        ),
      ],
    ]);
  });

  it("only an S3 client means S3: the AWS SDK's config or types alone do not", async () => {
    const files = (extra: string) => ({
      "go.mod": mod("example.com/up", [
        "github.com/aws/aws-sdk-go-v2/config v1.31.0",
        "github.com/aws/aws-sdk-go-v2/service/s3 v1.88.0",
      ]),
      "main.go": `package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
${extra}
)

func main() {
	_, _ = config.LoadDefaultConfig(context.Background())
	_ = types.BucketLocationConstraintEu
}
`,
    });
    expect((await detect(tree(files("")), offline)).services).toEqual([]);
    const withClient = await detect(
      tree(files('\t_ "github.com/aws/aws-sdk-go-v2/service/s3"')),
      offline,
    );
    expect(withClient.services.map((s) => s.kind)).toEqual(["minio"]);
    // The SDK reads the AWS_* names itself.
    expect(withClient.services[0]?.envSource).toBe("default");
  });

  it('prefixes set in code: go-env\'s env.New("APP_") (go-rest-api), envconfig.Process with split_words', async () => {
    const goRestApi = tree({
      "go.mod": mod("example.com/rest", [
        "github.com/lib/pq v1.10.9",
        "github.com/qiangxue/go-env v1.0.1",
      ]),
      "cmd/server/main.go": `package main

import (
	"database/sql"
	"log"

	_ "github.com/lib/pq"
	"github.com/qiangxue/go-env"
)

// Config is loaded from APP_* variables.
type Config struct {
	ServerPort int    \`env:"SERVER_PORT"\`
	DSN        string \`env:"DSN,secret"\`
}

func main() {
	var c Config
	if err := env.New("APP_", log.Printf).Load(&c); err != nil {
		log.Fatal(err)
	}
	_, _ = sql.Open("postgres", c.DSN)
}
`,
    });
    const d = await detect(goRestApi, offline);
    expect(envOf(d.services[0])).toEqual({ APP_DSN: "dsn" });

    const shop = tree({
      "go.mod": mod("example.com/shop", [
        "github.com/kelseyhightower/envconfig v1.4.0",
        "github.com/redis/go-redis/v9 v9.14.0",
      ]),
      "main.go": `package main

import (
	"github.com/kelseyhightower/envconfig"
	"github.com/redis/go-redis/v9"
)

type config struct {
	RedisAddr string \`split_words:"true" default:"localhost:6379"\`
}

func main() {
	var cfg config
	envconfig.MustProcess("shop", &cfg)
	_ = redis.NewClient(&redis.Options{Addr: cfg.RedisAddr})
}
`,
    });
    expect(envOf((await detect(shop, offline)).services[0])).toEqual({ SHOP_REDIS_ADDR: "addr" });
  });

  it("a value's format follows its name: REDIS_ADDR is host:port, REDIS_URL a URL; os.Getenv and LookupEnv", async () => {
    const root = tree({
      "go.mod": mod("example.com/q", ["github.com/redis/go-redis/v9 v9.14.0"]),
      "main.go": `package main

import (
	"os"

	"github.com/redis/go-redis/v9"
)

func main() {
	if u, ok := os.LookupEnv("REDIS_URL"); ok {
		opt, _ := redis.ParseURL(u)
		_ = redis.NewClient(opt)
		return
	}
	_ = redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR"), DB: 0})
	_ = os.Getenv("REDIS_DB")
}
`,
    });
    const d = await detect(root, offline);
    expect(envOf(d.services[0])).toEqual({ REDIS_ADDR: "addr", REDIS_URL: "url" });
  });

  it("a switch over subcommands that use different services is no choice: both stay required", async () => {
    const root = tree({
      "go.mod": mod("example.com/jobs", [
        "github.com/lib/pq v1.10.9",
        "github.com/redis/go-redis/v9 v9.14.0",
      ]),
      "main.go": `package main

import (
	"os"

	"example.com/jobs/migrate"
	"example.com/jobs/serve"
)

func main() {
	switch os.Args[1] {
	case "serve":
		serve.Run()
	case "migrate":
		migrate.Run()
	}
}
`,
      "serve/serve.go":
        'package serve\n\nimport (\n\t_ "github.com/lib/pq"\n\t_ "github.com/redis/go-redis/v9"\n)\n\n// Run serves.\nfunc Run() {}\n',
      "migrate/migrate.go":
        'package migrate\n\nimport _ "github.com/lib/pq"\n\n// Run migrates.\nfunc Run() {}\n',
    });
    const d = await detect(root, offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([
      ["postgres", undefined],
      ["redis", undefined],
    ]);
  });

  it("a switch on a storage type whose cases name backends makes S3 optional (memos' attachments)", async () => {
    const root = tree({
      "go.mod": mod("example.com/att", ["github.com/aws/aws-sdk-go-v2/service/s3 v1.88.0"]),
      "main.go":
        'package main\n\nimport "example.com/att/store"\n\nfunc main() { _ = store.Open(store.StorageType_LOCAL) }\n',
      "store/store.go": `package store

import "example.com/att/storage/s3"

// StorageType is where attachments go.
type StorageType int

// Storage types.
const (
	StorageType_DATABASE StorageType = iota
	StorageType_LOCAL
	StorageType_S3
)

// Open opens the configured storage.
func Open(t StorageType) string {
	switch t {
	case StorageType_DATABASE:
		return "db"
	case StorageType_LOCAL:
		return "local"
	case StorageType_S3:
		return s3.Name()
	}
	return ""
}
`,
      "storage/s3/s3.go":
        'package s3\n\nimport _ "github.com/aws/aws-sdk-go-v2/service/s3"\n\n// Name of the backend.\nfunc Name() string { return "s3" }\n',
    });
    const d = await detect(root, offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([
      [
        "minio",
        expect.stringMatching(/^one of local, s3 chosen by configuration at store\/store\.go:\d+$/),
      ],
    ]);
  });

  it("drivers of one group used apart are no alternatives: a sqlite index beside the app's postgres", async () => {
    const root = tree({
      "go.mod": mod("example.com/idx", ["github.com/lib/pq v1.10.9", "modernc.org/sqlite v1.39.0"]),
      "main.go":
        'package main\n\nimport (\n\t"example.com/idx/index"\n\t"example.com/idx/store"\n)\n\nfunc main() { index.Open(); store.Open() }\n',
      "index/index.go":
        'package index\n\nimport _ "modernc.org/sqlite"\n\n// Open opens the local index.\nfunc Open() {}\n',
      "store/store.go":
        'package store\n\nimport _ "github.com/lib/pq"\n\n// Open connects.\nfunc Open() {}\n',
    });
    const d = await detect(root, offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([["postgres", undefined]]);
  });

  it("reads no generated code and no test settings", async () => {
    const root = tree({
      "go.mod": mod("example.com/gen", ["github.com/lib/pq v1.10.9"]),
      "main.go":
        'package main\n\nimport (\n\t"os"\n\n\t_ "github.com/lib/pq"\n)\n\nfunc main() { _ = os.Getenv("TEST_DATABASE_URL"); _ = os.Getenv("DB_DSN") }\n',
      "enum.pb.go":
        '// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage main\n\nvar names = map[string]int32{"LOCAL": 0, "S3": 1}\n\nfunc init() { _ = names; _ = "PG_HOST" }\n',
    });
    const d = await detect(root, offline);
    expect(d.services.map((s) => [s.kind, s.optional])).toEqual([["postgres", undefined]]);
    expect(envOf(d.services[0])).toEqual({ DB_DSN: "dsn" });
  });
});
