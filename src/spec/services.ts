import { connectionValue } from "./service-values.js";
import type { Endpoint, EnvRole } from "./service-values.js";

export { ENV_ROLES } from "./service-values.js";
export type { Endpoint, EnvRole } from "./service-values.js";

/** Backing services gopave can run next to the apps, keyed by the name used in the spec. */
export const SERVICE_KINDS = [
  "postgres",
  "mysql",
  "redis",
  "mongo",
  "nats",
  "kafka",
  "rabbitmq",
  "memcached",
  "elasticsearch",
  "opensearch",
  "clickhouse",
  "etcd",
  "minio",
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface ServiceCatalogEntry {
  image: string;
  /** Default pinned tag. Official images ship no HEALTHCHECK, so each entry brings its own. */
  version: string;
  /** Appended to the tag (e.g. "-alpine" where the probe needs a shell tool). */
  tagSuffix: string;
  port: number;
  /** Where the image keeps its data (a named volume); undefined for caches. */
  dataPath: string | undefined;
  /** Run with the tools the image ships (checked per image: see the comment on each). */
  healthcheck: string[];
  /** Seconds before failed probes count; the JVM services need longer than the rest. */
  startPeriod?: string;
  command?: string[];
  /** A fixed host name where the image keys its data by it (RabbitMQ's node name). */
  hostname?: string;
  /**
   * Container environment. Credentials are `${VAR:-value}` (see devCredentials): compose runs
   * with the development value when neither .env nor the shell sets VAR.
   */
  environment: Record<string, string>;
  /** The development values: .env.example's, and the defaults of the compose references. */
  envExample: Record<string, string>;
  /** The container variables that hold the credentials apps connect with. */
  credentials: { user?: string; password?: string; database?: string };
  /** What an app's connection variable may hold for this service. */
  roles: readonly EnvRole[];
  /** The variables set when the spec names none (gopave's conventional names). */
  defaultEnv: Record<string, EnvRole>;
  /** Last path element of images that run this service, for reading a repo's own compose file. */
  images: readonly string[];
}

/**
 * A compose reference to `name` with its development value as the default: `docker compose up`
 * works on a fresh clone with no .env, and a .env (or the shell) that sets the variable wins.
 */
export function devDefault(name: string, value: string): string {
  return `\${${name}:-${value}}`;
}

/**
 * A service's credential variables, from one record of development values: the container
 * environment refers to each with its value as the default, and .env.example holds the same
 * values, so the two cannot disagree.
 */
function devCredentials(
  values: Record<string, string>,
): Pick<ServiceCatalogEntry, "environment" | "envExample"> {
  return {
    environment: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, devDefault(k, v)])),
    envExample: values,
  };
}

const SQL_ROLES = ["url", "dsn", "addr", "host", "port", "user", "password", "database"] as const;
const ADDR_ROLES = ["addr", "host", "port"] as const;
const HTTP_ROLES = ["url", "addr", "host", "port"] as const;

/** Elasticsearch and OpenSearch ship curl; yellow is healthy for one node (no replicas placed). */
const CLUSTER_HEALTH = [
  "CMD",
  "curl",
  "-fsS",
  "http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=2s",
];

export const SERVICE_CATALOG: Record<ServiceKind, ServiceCatalogEntry> = {
  postgres: {
    image: "postgres",
    version: "17.6",
    tagSuffix: "",
    port: 5432,
    dataPath: "/var/lib/postgresql/data",
    healthcheck: ["CMD-SHELL", 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
    ...devCredentials({
      POSTGRES_USER: "app",
      POSTGRES_PASSWORD: "app-dev-password",
      POSTGRES_DB: "app",
    }),
    credentials: { user: "POSTGRES_USER", password: "POSTGRES_PASSWORD", database: "POSTGRES_DB" },
    roles: [...SQL_ROLES, "driver"],
    defaultEnv: { DATABASE_URL: "url" },
    images: ["postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "pgvector"],
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
    ...devCredentials({
      MYSQL_ROOT_PASSWORD: "root-dev-password",
      MYSQL_DATABASE: "app",
      MYSQL_USER: "app",
      MYSQL_PASSWORD: "app-dev-password",
    }),
    credentials: { user: "MYSQL_USER", password: "MYSQL_PASSWORD", database: "MYSQL_DATABASE" },
    roles: [...SQL_ROLES, "driver"],
    defaultEnv: { MYSQL_DSN: "dsn" },
    images: ["mysql", "mysql-server", "mariadb", "percona-server", "percona"],
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
    credentials: {},
    roles: ["url", ...ADDR_ROLES],
    defaultEnv: { REDIS_URL: "url" },
    images: ["redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly"],
  },
  mongo: {
    image: "mongo",
    version: "8.0.12",
    tagSuffix: "",
    port: 27017,
    dataPath: "/data/db",
    healthcheck: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"],
    ...devCredentials({
      MONGO_INITDB_ROOT_USERNAME: "app",
      MONGO_INITDB_ROOT_PASSWORD: "app-dev-password",
    }),
    credentials: { user: "MONGO_INITDB_ROOT_USERNAME", password: "MONGO_INITDB_ROOT_PASSWORD" },
    roles: ["url", ...ADDR_ROLES, "user", "password"],
    defaultEnv: { MONGODB_URI: "url" },
    images: ["mongo", "mongodb", "mongodb-community-server"],
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
    credentials: {},
    roles: ["url", ...ADDR_ROLES],
    defaultEnv: { NATS_URL: "url" },
    images: ["nats"],
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
    credentials: {},
    roles: ADDR_ROLES,
    defaultEnv: { KAFKA_BROKERS: "addr" },
    images: ["kafka", "cp-kafka", "redpanda"],
  },
  rabbitmq: {
    image: "rabbitmq",
    // The 4.3 line, as the corpus's own compose files pin it (evrone/go-clean-template).
    version: "4.3.2",
    tagSuffix: "",
    port: 5672,
    dataPath: "/var/lib/rabbitmq",
    // The node name, and so the data directory, follows the host name: keep it fixed.
    hostname: "rabbitmq",
    // RabbitMQ's documented basic health check; the CLI tools ship in the image.
    healthcheck: ["CMD", "rabbitmq-diagnostics", "-q", "ping"],
    startPeriod: "20s",
    ...devCredentials({ RABBITMQ_DEFAULT_USER: "app", RABBITMQ_DEFAULT_PASS: "app-dev-password" }),
    credentials: { user: "RABBITMQ_DEFAULT_USER", password: "RABBITMQ_DEFAULT_PASS" },
    roles: ["url", ...ADDR_ROLES, "user", "password"],
    defaultEnv: { RABBITMQ_URL: "url" },
    images: ["rabbitmq"],
  },
  memcached: {
    image: "memcached",
    version: "1.6.45",
    // The Debian image has no nc; Alpine's busybox does. A cache keeps no data: no volume.
    tagSuffix: "-alpine",
    port: 11211,
    dataPath: undefined,
    healthcheck: ["CMD-SHELL", "echo version | nc -w 1 127.0.0.1 11211 | grep -q VERSION"],
    environment: {},
    envExample: {},
    credentials: {},
    roles: ADDR_ROLES,
    defaultEnv: { MEMCACHED_ADDR: "addr" },
    images: ["memcached"],
  },
  elasticsearch: {
    image: "docker.elastic.co/elasticsearch/elasticsearch",
    version: "9.4.2",
    tagSuffix: "",
    port: 9200,
    dataPath: "/usr/share/elasticsearch/data",
    // The image ships curl. Yellow is healthy for a single node (replicas cannot be placed).
    healthcheck: CLUSTER_HEALTH,
    startPeriod: "60s",
    // One node, no TLS or users: a development server on 127.0.0.1, with a bounded heap.
    environment: {
      "discovery.type": "single-node",
      "xpack.security.enabled": "false",
      ES_JAVA_OPTS: "-Xms512m -Xmx512m",
    },
    envExample: {},
    credentials: {},
    roles: HTTP_ROLES,
    // go-elasticsearch reads ELASTICSEARCH_URL itself when no address is configured.
    defaultEnv: { ELASTICSEARCH_URL: "url" },
    images: ["elasticsearch"],
  },
  opensearch: {
    image: "opensearchproject/opensearch",
    version: "3.7.0",
    tagSuffix: "",
    port: 9200,
    dataPath: "/usr/share/opensearch/data",
    // The image ships curl.
    healthcheck: CLUSTER_HEALTH,
    startPeriod: "60s",
    // Without the security plugin no admin password is needed (and no demo certificates).
    environment: {
      "discovery.type": "single-node",
      DISABLE_SECURITY_PLUGIN: "true",
      DISABLE_INSTALL_DEMO_CONFIG: "true",
      OPENSEARCH_JAVA_OPTS: "-Xms512m -Xmx512m",
    },
    envExample: {},
    credentials: {},
    roles: HTTP_ROLES,
    defaultEnv: { OPENSEARCH_URL: "url" },
    images: ["opensearch"],
  },
  clickhouse: {
    image: "clickhouse/clickhouse-server",
    version: "26.5.1",
    tagSuffix: "",
    // The native protocol, clickhouse-go's default.
    port: 9000,
    dataPath: "/var/lib/clickhouse",
    // clickhouse-client is the server binary itself, so it is always there.
    healthcheck: [
      "CMD-SHELL",
      'clickhouse-client --user "$${CLICKHOUSE_USER}" --password "$${CLICKHOUSE_PASSWORD}" --query "SELECT 1"',
    ],
    ...devCredentials({
      CLICKHOUSE_USER: "app",
      CLICKHOUSE_PASSWORD: "app-dev-password",
      CLICKHOUSE_DB: "app",
    }),
    credentials: {
      user: "CLICKHOUSE_USER",
      password: "CLICKHOUSE_PASSWORD",
      database: "CLICKHOUSE_DB",
    },
    roles: SQL_ROLES,
    defaultEnv: { CLICKHOUSE_URL: "url" },
    images: ["clickhouse-server", "clickhouse"],
  },
  etcd: {
    image: "gcr.io/etcd-development/etcd",
    version: "v3.6.14",
    tagSuffix: "",
    port: 2379,
    dataPath: "/etcd-data",
    // The image is distroless (no shell, no curl); etcdctl ships in it and asks 127.0.0.1:2379.
    healthcheck: ["CMD", "etcdctl", "endpoint", "health"],
    command: ["/usr/local/bin/etcd"],
    environment: {
      ETCD_NAME: "etcd",
      ETCD_DATA_DIR: "/etcd-data",
      ETCD_LISTEN_CLIENT_URLS: "http://0.0.0.0:2379",
      ETCD_ADVERTISE_CLIENT_URLS: "http://etcd:2379",
    },
    envExample: {},
    credentials: {},
    roles: HTTP_ROLES,
    defaultEnv: { ETCD_ENDPOINTS: "url" },
    images: ["etcd"],
  },
  minio: {
    image: "minio/minio",
    // The last image MinIO published: since October 2025 the community edition is source-only.
    version: "RELEASE.2025-09-07T16-13-09Z",
    tagSuffix: "",
    port: 9000,
    dataPath: "/data",
    command: ["server", "/data", "--console-address", ":9001"],
    // The image has no curl since late 2023; it ships the mc client, whose `ready` asks the server.
    healthcheck: ["CMD", "mc", "ready", "local"],
    // MinIO refuses a root password shorter than 8 characters.
    ...devCredentials({ MINIO_ROOT_USER: "app", MINIO_ROOT_PASSWORD: "app-dev-password" }),
    credentials: { user: "MINIO_ROOT_USER", password: "MINIO_ROOT_PASSWORD" },
    roles: [...HTTP_ROLES, "user", "password", "region"],
    // The AWS SDKs read these names themselves; minio-go's credentials.NewEnvAWS does too.
    defaultEnv: {
      AWS_ENDPOINT_URL_S3: "url",
      AWS_ACCESS_KEY_ID: "user",
      AWS_SECRET_ACCESS_KEY: "password",
      AWS_REGION: "region",
    },
    images: ["minio"],
  },
};

/** The value of a connection variable of `kind` at `e`; undefined for a role it does not have. */
export function serviceValue(kind: ServiceKind, role: EnvRole, e: Endpoint): string | undefined {
  if (!SERVICE_CATALOG[kind].roles.includes(role)) return undefined;
  return connectionValue(kind, role, e);
}

/** The service run by an image, from its last path element ("bitnami/postgresql:16" -> postgres). */
export function serviceOfImage(image: string): ServiceKind | undefined {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.slice(noDigest.lastIndexOf("/") + 1);
  const base = (last.split(":")[0] ?? last).toLowerCase();
  return SERVICE_KINDS.find((k) => SERVICE_CATALOG[k].images.includes(base));
}
