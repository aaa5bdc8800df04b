/** Backing services gopave can run next to the apps, keyed by the name used in the spec. */
export const SERVICE_KINDS = ["postgres", "mysql", "redis", "mongo", "nats", "kafka"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface ServiceCatalogEntry {
  image: string;
  /** Default pinned tag. Official images ship no HEALTHCHECK, so each entry brings its own. */
  version: string;
  /** Appended to the tag (e.g. "-alpine" where the probe needs a shell tool). */
  tagSuffix: string;
  port: number;
  dataPath: string | undefined;
  healthcheck: string[];
  command?: string[];
  /** Container environment; `${VAR}` values come from .env. */
  environment: Record<string, string>;
  /** Development defaults written to .env.example. */
  envExample: Record<string, string>;
  /** Name of the variable the app reads to connect, and its value inside compose / on the host. */
  urlEnv: string;
  url: (host: string, port: number) => string;
}

const q = (name: string) => `\${${name}:?set ${name} in .env (copy .env.example)}`;

export const SERVICE_CATALOG: Record<ServiceKind, ServiceCatalogEntry> = {
  postgres: {
    image: "postgres",
    version: "17.6",
    tagSuffix: "",
    port: 5432,
    dataPath: "/var/lib/postgresql/data",
    healthcheck: ["CMD-SHELL", 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
    environment: {
      POSTGRES_USER: q("POSTGRES_USER"),
      POSTGRES_PASSWORD: q("POSTGRES_PASSWORD"),
      POSTGRES_DB: q("POSTGRES_DB"),
    },
    envExample: { POSTGRES_USER: "app", POSTGRES_PASSWORD: "app-dev-password", POSTGRES_DB: "app" },
    urlEnv: "DATABASE_URL",
    url: (h, p) =>
      `postgres://\${POSTGRES_USER}:\${POSTGRES_PASSWORD}@${h}:${p}/\${POSTGRES_DB}?sslmode=disable`,
  },
  mysql: {
    image: "mysql",
    version: "8.4.6",
    tagSuffix: "",
    port: 3306,
    dataPath: "/var/lib/mysql",
    // -h 127.0.0.1: during initialisation mysqld listens on the socket only, so a TCP ping
    // answers only once the real server is up.
    healthcheck: [
      "CMD-SHELL",
      'mysqladmin ping -h 127.0.0.1 -u root --password="$${MYSQL_ROOT_PASSWORD}" --silent',
    ],
    environment: {
      MYSQL_ROOT_PASSWORD: q("MYSQL_ROOT_PASSWORD"),
      MYSQL_DATABASE: q("MYSQL_DATABASE"),
      MYSQL_USER: q("MYSQL_USER"),
      MYSQL_PASSWORD: q("MYSQL_PASSWORD"),
    },
    envExample: {
      MYSQL_ROOT_PASSWORD: "root-dev-password",
      MYSQL_DATABASE: "app",
      MYSQL_USER: "app",
      MYSQL_PASSWORD: "app-dev-password",
    },
    urlEnv: "MYSQL_DSN",
    url: (h, p) =>
      `\${MYSQL_USER}:\${MYSQL_PASSWORD}@tcp(${h}:${p})/\${MYSQL_DATABASE}?parseTime=true`,
  },
  redis: {
    image: "redis",
    version: "8.2.1",
    tagSuffix: "",
    port: 6379,
    dataPath: "/data",
    healthcheck: ["CMD", "redis-cli", "ping"],
    environment: {},
    envExample: {},
    urlEnv: "REDIS_URL",
    url: (h, p) => `redis://${h}:${p}/0`,
  },
  mongo: {
    image: "mongo",
    version: "8.0.12",
    tagSuffix: "",
    port: 27017,
    dataPath: "/data/db",
    healthcheck: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"],
    environment: {
      MONGO_INITDB_ROOT_USERNAME: q("MONGO_INITDB_ROOT_USERNAME"),
      MONGO_INITDB_ROOT_PASSWORD: q("MONGO_INITDB_ROOT_PASSWORD"),
    },
    envExample: {
      MONGO_INITDB_ROOT_USERNAME: "app",
      MONGO_INITDB_ROOT_PASSWORD: "app-dev-password",
    },
    urlEnv: "MONGODB_URI",
    url: (h, p) =>
      `mongodb://\${MONGO_INITDB_ROOT_USERNAME}:\${MONGO_INITDB_ROOT_PASSWORD}@${h}:${p}/?authSource=admin`,
  },
  nats: {
    image: "nats",
    version: "2.11.8",
    // The plain image has no shell or wget; the alpine one can probe the monitoring endpoint.
    tagSuffix: "-alpine",
    port: 4222,
    dataPath: "/data",
    command: ["--jetstream", "--store_dir=/data", "--http_port=8222"],
    healthcheck: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8222/healthz"],
    environment: {},
    envExample: {},
    urlEnv: "NATS_URL",
    url: (h, p) => `nats://${h}:${p}`,
  },
  kafka: {
    image: "apache/kafka",
    version: "4.1.0",
    tagSuffix: "",
    port: 9092,
    dataPath: "/var/lib/kafka/data",
    healthcheck: [
      "CMD-SHELL",
      "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server 127.0.0.1:9092 >/dev/null 2>&1",
    ],
    // Single-node KRaft; clients in compose reach it as kafka:9092, so that is what it advertises.
    environment: {
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@kafka:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_LOG_DIRS: "/var/lib/kafka/data",
    },
    envExample: {},
    urlEnv: "KAFKA_BROKERS",
    url: (h, p) => `${h}:${p}`,
  },
};

/**
 * Go modules whose presence in go.mod means the code talks to a service. Matched on the module
 * path without a /vN suffix.
 */
export const SERVICE_DRIVERS: Record<string, ServiceKind> = {
  "github.com/jackc/pgx": "postgres",
  "github.com/lib/pq": "postgres",
  "github.com/go-sql-driver/mysql": "mysql",
  "github.com/redis/go-redis": "redis",
  "github.com/go-redis/redis": "redis",
  "github.com/redis/rueidis": "redis",
  "github.com/gomodule/redigo": "redis",
  "go.mongodb.org/mongo-driver": "mongo",
  "github.com/nats-io/nats.go": "nats",
  "github.com/segmentio/kafka-go": "kafka",
  "github.com/IBM/sarama": "kafka",
  "github.com/Shopify/sarama": "kafka",
  "github.com/twmb/franz-go": "kafka",
  "github.com/confluentinc/confluent-kafka-go": "kafka",
};
