import { hasUrlPassword, isSecretName } from "./secrets.js";

/**
 * Whether a variable holds a secret, judged by its name and by the shape of its value: a name
 * with "TOKEN" or "SECRET" in it often configures a secret rather than holding one
 * (`JWT_TOKEN_EXPIRY: 24h`, `PASSWORD_RESET_URI: https://…`), and such a value has a shape no
 * secret has.
 */

/** Go's time.ParseDuration units, plus days and weeks that many config libraries accept. */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/i;
const BOOLEAN = /^(?:true|false|yes|no|on|off|enabled|disabled)$/i;
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const URL = /^[a-z][a-z0-9+.-]*:\/\/\S*$/i;
/** A file the secret lives in: an absolute or relative path. */
const PATH = /^(?:\/|\.{1,2}\/|~\/)\S*$/;
/** A file name: `kafka.keystore.jks`, `broker_keystore_creds` (Confluent images read those). */
const FILE_NAME =
  /^[\w.-]+\.(?:jks|p12|pfx|pem|key|crt|json|txt|conf|creds)$|^\w+_(?:creds|credentials)$/i;

/**
 * A value no secret looks like: a duration, a boolean, a URL without a password, a path, a
 * number (unless `numbers` is false: `PASSWD: 123456` is a password), or a `${VAR}` reference
 * when `references` allows it (compose interpolates those from the environment; in a Dockerfile
 * ENV a `${ARG}` copies the build argument in, so it does not).
 */
export function isNonSecretValue(value: unknown, references: boolean, numbers = true): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "boolean") return true;
  if (typeof value === "number") return numbers;
  if (typeof value !== "string") return true;
  const v = value.trim();
  if (v === "") return true;
  if (references && /\$(?:\{|[A-Za-z_])/.test(v.replace(/\$\$/g, ""))) return true;
  if (numbers && NUMBER.test(v)) return true;
  if (DURATION.test(v) || BOOLEAN.test(v) || PATH.test(v)) return true;
  return URL.test(v) && !hasUrlPassword(v);
}

/** A name that ends in one of these holds the secret itself, whatever its shape. */
const SECRET_LAST_WORDS = new Set([
  "PASSWORD",
  "PASSWD",
  "PASS",
  "PWD",
  "SECRET",
  "TOKEN",
  "APIKEY",
  "KEY",
]);

/** `PASSWD: 123456` is a password; `TOKEN_REFRESH: 3600` is a setting about one. */
export function endsInSecret(name: string): boolean {
  return SECRET_LAST_WORDS.has(words(name).at(-1) ?? "");
}

const words = (name: string) =>
  name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== "");

/**
 * Whether `name=value` is a literal secret among its `siblings` (the other names set beside it).
 * Beyond the name and the value's shape: `*_CREDENTIALS` naming a file points at the secret
 * (GOOGLE_APPLICATION_CREDENTIALS, Confluent's KAFKA_SSL_KEYSTORE_CREDENTIALS); and an
 * `*_ACCESS_KEY` beside a `*_SECRET_KEY` is the public half of the pair (the key id, as with
 * MinIO and S3), not the secret.
 */
export function isLiteralSecret(
  name: string,
  value: unknown,
  siblings: readonly string[],
  references = true,
): boolean {
  const w = words(name);
  if (!isSecretName(name) || isNonSecretValue(value, references, !endsInSecret(name))) return false;
  const text = typeof value === "string" ? value.trim() : "";
  if (w.at(-1)?.startsWith("CREDENTIAL") && FILE_NAME.test(text)) return false;
  const accessKey = w.includes("ACCESS") && w.at(-1) === "KEY" && !w.includes("SECRET");
  if (accessKey) {
    const pair = siblings.some((s) => {
      const sw = words(s);
      return sw.includes("SECRET") && sw.at(-1) === "KEY";
    });
    if (pair) return false;
  }
  return true;
}

/**
 * A value that stands for a secret someone still has to choose: `_admin_password_` (replaced by
 * a setup script), `__TOKEN__`, `<your-password>`, `{{ .Password }}`, `changeme`, `xxxxxx`.
 */
export function isPlaceholder(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const v = value.trim();
  return (
    /^_{1,2}[A-Za-z0-9_]+_{1,2}$/.test(v) ||
    /^<[^<>]+>$/.test(v) ||
    /^\{\{.*\}\}$/.test(v) ||
    /^(?:change[-_ ]?me|replace[-_ ]?me|your[-_ ]?\w+|x{4,}|\*{4,})$/i.test(v)
  );
}
