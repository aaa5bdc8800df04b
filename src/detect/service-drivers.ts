import type { ServiceKind } from "../spec/services.js";

/** A service, or "sqlite": an embedded database, which needs no service but is an alternative. */
export type Backend = ServiceKind | "sqlite";

/**
 * Packages whose import means the code talks to a service. `tree` matches the package and every
 * package below it; `exact` only the package (a /vN after it allowed): helper packages of some
 * clients (minio-go's pkg/encrypt, the S3 types) are imported for their types alone.
 * Wrappers (gorm's drivers, golang-migrate's) are listed because, with the repo's own sources
 * parsed, third-party packages are leaves whose imports are unknown.
 */
const DRIVERS: [string, Backend, "tree" | "exact"][] = [
  ["github.com/jackc/pgx", "postgres", "tree"],
  ["github.com/jackc/pgconn", "postgres", "tree"],
  ["github.com/lib/pq", "postgres", "tree"],
  ["gorm.io/driver/postgres", "postgres", "tree"],
  ["github.com/jinzhu/gorm/dialects/postgres", "postgres", "tree"],
  ["github.com/go-pg/pg", "postgres", "tree"],
  ["github.com/uptrace/bun/driver/pgdriver", "postgres", "tree"],
  ["github.com/golang-migrate/migrate/v4/database/postgres", "postgres", "tree"],
  ["github.com/golang-migrate/migrate/v4/database/pgx", "postgres", "tree"],
  ["github.com/go-sql-driver/mysql", "mysql", "tree"],
  ["gorm.io/driver/mysql", "mysql", "tree"],
  ["github.com/jinzhu/gorm/dialects/mysql", "mysql", "tree"],
  ["github.com/golang-migrate/migrate/v4/database/mysql", "mysql", "tree"],
  ["github.com/redis/go-redis", "redis", "tree"],
  ["github.com/go-redis/redis", "redis", "tree"],
  ["github.com/redis/rueidis", "redis", "tree"],
  ["github.com/gomodule/redigo", "redis", "tree"],
  ["github.com/garyburd/redigo", "redis", "tree"],
  ["github.com/valkey-io/valkey-go", "redis", "tree"],
  ["github.com/fasthttp/session/v2/providers/redis", "redis", "tree"],
  ["github.com/hibiken/asynq", "redis", "exact"],
  ["go.mongodb.org/mongo-driver", "mongo", "tree"],
  ["github.com/globalsign/mgo", "mongo", "tree"],
  ["gopkg.in/mgo.v2", "mongo", "tree"],
  ["github.com/nats-io/nats.go", "nats", "tree"],
  ["github.com/nats-io/go-nats", "nats", "tree"],
  ["github.com/segmentio/kafka-go", "kafka", "tree"],
  ["github.com/IBM/sarama", "kafka", "tree"],
  ["github.com/Shopify/sarama", "kafka", "tree"],
  ["github.com/twmb/franz-go", "kafka", "tree"],
  ["github.com/confluentinc/confluent-kafka-go", "kafka", "tree"],
  ["github.com/rabbitmq/amqp091-go", "rabbitmq", "tree"],
  ["github.com/streadway/amqp", "rabbitmq", "tree"],
  ["github.com/wagslane/go-rabbitmq", "rabbitmq", "tree"],
  ["github.com/bradfitz/gomemcache", "memcached", "tree"],
  // A fork used across Grafana's projects.
  ["github.com/grafana/gomemcache", "memcached", "tree"],
  ["github.com/elastic/go-elasticsearch", "elasticsearch", "tree"],
  ["github.com/olivere/elastic", "elasticsearch", "tree"],
  ["gopkg.in/olivere/elastic", "elasticsearch", "tree"],
  ["github.com/opensearch-project/opensearch-go", "opensearch", "tree"],
  ["github.com/ClickHouse/clickhouse-go", "clickhouse", "tree"],
  ["github.com/ClickHouse/ch-go", "clickhouse", "tree"],
  ["go.etcd.io/etcd/client/v3", "etcd", "tree"],
  ["go.etcd.io/etcd/clientv3", "etcd", "tree"],
  ["github.com/coreos/etcd/clientv3", "etcd", "tree"],
  // The AWS SDK alone is no S3: only its s3 client (and transfer manager) is.
  ["github.com/minio/minio-go", "minio", "exact"],
  ["github.com/aws/aws-sdk-go-v2/service/s3", "minio", "exact"],
  ["github.com/aws/aws-sdk-go-v2/feature/s3/manager", "minio", "exact"],
  ["github.com/aws/aws-sdk-go/service/s3", "minio", "exact"],
  ["github.com/aws/aws-sdk-go/service/s3/s3manager", "minio", "exact"],
  ["gocloud.dev/blob/s3blob", "minio", "exact"],
  ["github.com/mattn/go-sqlite3", "sqlite", "tree"],
  ["modernc.org/sqlite", "sqlite", "tree"],
  ["github.com/glebarez/go-sqlite", "sqlite", "tree"],
  ["github.com/glebarez/sqlite", "sqlite", "tree"],
  ["gorm.io/driver/sqlite", "sqlite", "tree"],
  ["github.com/jinzhu/gorm/dialects/sqlite", "sqlite", "tree"],
  ["github.com/ncruces/go-sqlite3", "sqlite", "tree"],
  ["zombiezen.com/go/sqlite", "sqlite", "tree"],
  ["crawshaw.io/sqlite", "sqlite", "tree"],
];

const MAJOR = /^\/v\d+$/;

const known = new Map<string, Backend | undefined>();

/** The backend a package talks to, if it is (part of) a known client. */
export function backendOf(importPath: string): Backend | undefined {
  if (known.has(importPath)) return known.get(importPath);
  const b = lookup(importPath);
  known.set(importPath, b);
  return b;
}

function lookup(importPath: string): Backend | undefined {
  for (const [prefix, backend, mode] of DRIVERS) {
    if (importPath === prefix) return backend;
    if (!importPath.startsWith(`${prefix}/`)) continue;
    const rest = importPath.slice(prefix.length);
    if (mode === "tree" || MAJOR.test(rest)) return backend;
  }
  return undefined;
}

/**
 * Services that stand in for one another: an app that reaches two of a group uses one of them,
 * chosen by configuration (sqlite counts: it needs no service at all).
 */
export const ALTERNATIVE_GROUPS: readonly (readonly Backend[])[] = [
  ["postgres", "mysql", "sqlite"],
  ["redis", "memcached"],
  ["elasticsearch", "opensearch"],
];

/**
 * Last path elements of packages that keep data in the process or on local disk: a backend that
 * needs no service, next to which a service's package is a choice, not a requirement.
 */
export const EMBEDDED_NAMES = new Set([
  "memory",
  "mem",
  "inmem",
  "inmemory",
  "memstore",
  "local",
  "embedded",
  "file",
  "filesystem",
  "fs",
  "disk",
  "bolt",
  "boltdb",
  "badger",
  "leveldb",
  "sqlite",
  "sqlite3",
  "noop",
  "nop",
  "none",
]);

/** Words a configuration value uses to pick a backend ("driver: postgres"). */
export const BACKEND_WORDS: Record<string, Backend | "embedded"> = {
  ...Object.fromEntries([...EMBEDDED_NAMES].map((n) => [n, "embedded" as const])),
  postgres: "postgres",
  postgresql: "postgres",
  pg: "postgres",
  pgx: "postgres",
  mysql: "mysql",
  mariadb: "mysql",
  redis: "redis",
  memcache: "memcached",
  memcached: "memcached",
  mongo: "mongo",
  mongodb: "mongo",
  nats: "nats",
  kafka: "kafka",
  rabbitmq: "rabbitmq",
  amqp: "rabbitmq",
  elasticsearch: "elasticsearch",
  elastic: "elasticsearch",
  opensearch: "opensearch",
  clickhouse: "clickhouse",
  etcd: "etcd",
  s3: "minio",
  minio: "minio",
  sqlite: "sqlite",
  sqlite3: "sqlite",
};
