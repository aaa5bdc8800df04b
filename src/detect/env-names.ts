import { SERVICE_CATALOG } from "../spec/services.js";
import type { EnvRole, ServiceKind } from "../spec/services.js";

/** Generic words that name whichever database (or cache) the app has, when it has one. */
export type GenericService = "database" | "cache";

/** Words of a variable name that name a service. */
const SERVICE_WORDS: Record<string, ServiceKind | GenericService> = {
  PG: "postgres",
  POSTGRES: "postgres",
  POSTGRESQL: "postgres",
  PGSQL: "postgres",
  PSQL: "postgres",
  MYSQL: "mysql",
  MARIADB: "mysql",
  REDIS: "redis",
  VALKEY: "redis",
  MONGO: "mongo",
  MONGODB: "mongo",
  NATS: "nats",
  KAFKA: "kafka",
  RABBITMQ: "rabbitmq",
  RABBIT: "rabbitmq",
  RMQ: "rabbitmq",
  AMQP: "rabbitmq",
  MEMCACHE: "memcached",
  MEMCACHED: "memcached",
  ELASTICSEARCH: "elasticsearch",
  ELASTIC: "elasticsearch",
  ES: "elasticsearch",
  OPENSEARCH: "opensearch",
  CLICKHOUSE: "clickhouse",
  CH: "clickhouse",
  ETCD: "etcd",
  MINIO: "minio",
  S3: "minio",
  AWS: "minio",
  DB: "database",
  DATABASE: "database",
  SQL: "database",
  CACHE: "cache",
};

/** What the words after the service's word say the variable holds. */
const ROLE_WORDS: Record<string, EnvRole> = {
  URL: "url",
  URI: "url",
  URLS: "url",
  ENDPOINT_URL: "url",
  CONNECTION_URL: "url",
  CONNECTION_STRING: "url",
  CONN_STRING: "url",
  CONNSTR: "url",
  DSN: "dsn",
  DATASOURCE: "dsn",
  DATA_SOURCE: "dsn",
  SOURCE: "dsn",
  CONNECTION: "dsn",
  CONN: "dsn",
  ADDR: "addr",
  ADDRS: "addr",
  ADDRESS: "addr",
  ADDRESSES: "addr",
  HOSTPORT: "addr",
  HOST_PORT: "addr",
  SERVER: "addr",
  SERVERS: "addr",
  HOSTS: "addr",
  BROKER: "addr",
  BROKERS: "addr",
  BROKER_LIST: "addr",
  BOOTSTRAP_SERVERS: "addr",
  NODES: "addr",
  ENDPOINT: "addr",
  ENDPOINTS: "addr",
  HOST: "host",
  HOSTNAME: "host",
  PORT: "port",
  USER: "user",
  USERNAME: "user",
  LOGIN: "user",
  ACCESS_KEY: "user",
  ACCESS_KEY_ID: "user",
  KEY_ID: "user",
  PASSWORD: "password",
  PASS: "password",
  PASSWD: "password",
  PWD: "password",
  SECRET: "password",
  SECRET_KEY: "password",
  SECRET_ACCESS_KEY: "password",
  NAME: "database",
  DB: "database",
  DBNAME: "database",
  DB_NAME: "database",
  DATABASE: "database",
  DATABASE_NAME: "database",
  REGION: "region",
  DEFAULT_REGION: "region",
  DRIVER: "driver",
  DIALECT: "driver",
  DBMS: "driver",
  TYPE: "driver",
};

/** The AWS SDKs' own names for S3 endpoints, which put the service word last. */
const KNOWN: Record<string, [ServiceKind, EnvRole]> = {
  AWS_ENDPOINT_URL_S3: ["minio", "url"],
  AWS_ENDPOINT_URL: ["minio", "url"],
  AWS_S3_ENDPOINT: ["minio", "url"],
};

/** Services reached over HTTP, whose "endpoint" is a URL; and those with no URL scheme at all. */
const HTTP_KINDS = new Set<ServiceKind>(["elasticsearch", "opensearch", "etcd", "minio"]);
const NO_URL_KINDS = new Set<ServiceKind>(["kafka", "memcached"]);

export interface NamedConnection {
  service: ServiceKind | GenericService;
  role: EnvRole;
}

/**
 * What a variable name says it connects to: the last word naming a service (a specific one before
 * DB/DATABASE/CACHE), and the role the remaining words spell, e.g. SALES_DB_HOST -> database host,
 * REDIS_ADDR -> redis addr, APP_DSN -> database dsn. Undefined for anything else (DB_MAX_CONNS).
 */
export function parseEnvName(name: string): NamedConnection | undefined {
  const known = KNOWN[name];
  if (known) return { service: known[0], role: known[1] };
  const words = name
    .toUpperCase()
    .split("_")
    .filter((w) => w !== "");
  const isGeneric = (w: string) => {
    const s = SERVICE_WORDS[w];
    return s === "database" || s === "cache";
  };
  const at = Math.max(
    words.findLastIndex((w) => SERVICE_WORDS[w] !== undefined && !isGeneric(w)),
    // A generic word after a specific one is part of the role (PG_DB_NAME); alone it names one.
    words.some((w) => SERVICE_WORDS[w] !== undefined && !isGeneric(w))
      ? -1
      : words.findLastIndex((w) => isGeneric(w)),
  );
  if (at < 0) {
    // APP_DSN, MEMOS_DSN, WOODPECKER_DATASOURCE: a data source name is a database's, and so is
    // the driver that reads it (MEMOS_DRIVER).
    const last = words.at(-1);
    if (last === "DSN" || last === "DATASOURCE") return { service: "database", role: "dsn" };
    if (last === "DRIVER" || last === "DIALECT") return { service: "database", role: "driver" };
    return undefined;
  }
  const role = ROLE_WORDS[words.slice(at + 1).join("_")];
  if (!role) return undefined;
  return { service: SERVICE_WORDS[words[at] as string] as ServiceKind | GenericService, role };
}

/** The role a name's role takes for a service (an "endpoint" is a URL for HTTP services). */
export function roleFor(
  kind: ServiceKind,
  named: NamedConnection,
  name: string,
): EnvRole | undefined {
  let role = named.role;
  if (HTTP_KINDS.has(kind) && /ENDPOINTS?$/.test(name) && role === "addr") role = "url";
  if (NO_URL_KINDS.has(kind) && (role === "url" || role === "dsn")) role = "addr";
  return SERVICE_CATALOG[kind].roles.includes(role) ? role : undefined;
}

/** Services a generic word may stand for. */
export const GENERIC_KINDS: Record<GenericService, readonly ServiceKind[]> = {
  database: ["postgres", "mysql", "mongo"],
  cache: ["redis", "memcached"],
};
