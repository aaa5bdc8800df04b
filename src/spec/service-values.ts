/**
 * What a connection variable holds. The value's format follows the role, so a variable named
 * REDIS_ADDR gets "redis:6379" and REDIS_URL gets "redis://redis:6379/0".
 */
export const ENV_ROLES = [
  "url",
  "dsn",
  "addr",
  "host",
  "port",
  "user",
  "password",
  "database",
  "region",
  "driver",
] as const;
export type EnvRole = (typeof ENV_ROLES)[number];

/**
 * Where a service is reached and with which credentials. Credentials are what compose or .env
 * supply: literal values, or `${VAR}` references that compose (or the shell) expands.
 */
export interface Endpoint {
  host: string;
  port: number;
  user?: string | undefined;
  password?: string | undefined;
  database?: string | undefined;
}

/** A credential inside a URL: literals percent-encoded, `${VAR}` references left for expansion. */
function enc(v: string): string {
  return v.includes("${") ? v : encodeURIComponent(v);
}

function userinfo(e: Endpoint): string {
  if (e.user === undefined) return "";
  return e.password === undefined ? `${enc(e.user)}@` : `${enc(e.user)}:${enc(e.password)}@`;
}

const path = (e: Endpoint) => (e.database === undefined ? "" : enc(e.database));

/** URL forms per service; the schemes and options each client library documents. */
const URLS: Record<string, (e: Endpoint) => string> = {
  postgres: (e) => `postgres://${userinfo(e)}${e.host}:${e.port}/${path(e)}?sslmode=disable`,
  mysql: (e) => `mysql://${userinfo(e)}${e.host}:${e.port}/${path(e)}`,
  redis: (e) => `redis://${e.host}:${e.port}/0`,
  mongo: (e) => `mongodb://${userinfo(e)}${e.host}:${e.port}/?authSource=admin`,
  nats: (e) => `nats://${e.host}:${e.port}`,
  rabbitmq: (e) => `amqp://${userinfo(e)}${e.host}:${e.port}/`,
  clickhouse: (e) => `clickhouse://${userinfo(e)}${e.host}:${e.port}/${path(e)}`,
};

/** go-sql-driver/mysql takes its own DSN form, not a URL; every other driver takes its URL. */
function mysqlDsn(e: Endpoint): string {
  const auth =
    e.user === undefined ? "" : `${e.user}${e.password === undefined ? "" : `:${e.password}`}@`;
  return `${auth}tcp(${e.host}:${e.port})/${e.database ?? ""}?parseTime=true`;
}

/** The value of a connection variable; undefined when the service has no such value. */
export function connectionValue(kind: string, role: EnvRole, e: Endpoint): string | undefined {
  const url = URLS[kind] ?? ((x: Endpoint) => `http://${x.host}:${x.port}`);
  switch (role) {
    case "url":
      return url(e);
    case "dsn":
      return kind === "mysql" ? mysqlDsn(e) : url(e);
    case "addr":
      return `${e.host}:${e.port}`;
    case "host":
      return e.host;
    case "port":
      return String(e.port);
    case "user":
      return e.user;
    case "password":
      return e.password;
    case "database":
      return e.database;
    case "region":
      // MinIO accepts any region; the SDKs need one to sign requests.
      return "us-east-1";
    case "driver":
      // The name apps that support several databases take (database/sql, gorm, xorm): it picks
      // the service this variable set connects to.
      return kind;
  }
}
