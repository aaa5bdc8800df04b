import { join } from "node:path";
import { packageSources } from "./package-sources.js";

/** Where an app's port was found. */
export interface PortEvidence {
  port: number;
  file: string;
  line: number;
  kind: "listen call" | "default" | "EXPOSE" | "compose";
}

// Ports of backing services: a default such as REDIS_ADDR=":6379" is where the app connects to.
const SERVICE_PORTS = new Set([
  2379, 3306, 4222, 5432, 5672, 6379, 8123, 9000, 9042, 9092, 9200, 11211, 15672, 27017,
]);
/** Names of what the app connects to, or of listeners that are not its main one. */
const CLIENT_WORDS =
  /redis|postgres|mysql|maria|mongo|nats|kafka|memcache|smtp|mail|database|\bdb|dsn|ldap|proxy|upstream|remote|target|endpoint|url|otlp|jaeger|zipkin|collector|agent|client|peer|join|seed|advertise/i;
/** Names of numbers that are not listen ports. */
const NOT_LISTEN = /min|max|random|range|count|size|limit|timeout/i;
const SECONDARY_WORDS =
  /ssl|tls|https|metric|debug|pprof|admin|grpc|telemetry|profil|health|monitor|internal|private|memberlist|gossip|cluster|udp|thrift/i;
/** A name that is the app's listen address or port: "port", "http-addr", "web.listen-address", "LISTEN_ADDR". */
const LISTEN_NAME =
  /(?:^|[-_.])(?:listen|bind|addr|address|port)$|(?:^|[-_.])(?:http|web|server|listen)[-_.]?(?:listen[-_.]?)?(?:addr|address|port)$/i;

const LISTEN_CALL =
  /\b(?:ListenAndServe(?:TLS)?|Listen(?:TCP)?)\(\s*(?:"tcp[46]?"\s*,\s*)?"([\w.[\]-]*):(\d{2,5})"/;
const PORT_VALUE = String.raw`"?(?:[\w.[\]-]*:)?(\d{2,5})"?`;
/** `"name", <value>`: flag definitions, getenv-with-default helpers, viper.SetDefault. */
const NAMED_ARG = new RegExp(
  String.raw`"([\w.-]+)"\s*,\s*(?:"\w?"\s*,\s*)?` +
    `(?:"(?:[\\w.[\\]-]*:)?(\\d{2,5})"|(\\d{2,5})\\b)`,
);
/** A struct field set to a port: `Port: 80,`, `ListenAddr: ":8080",`. */
const FIELD = new RegExp(
  String.raw`\b(\w*(?:port|addr|address|listen))\s*(?::|=|:=)\s*` +
    PORT_VALUE +
    String.raw`\s*[,;)]?\s*(?://.*)?$`,
  "i",
);
/** A default on a line of its own, named by a nearby `Flag("x"` or `Name: "x"` (kingpin, urfave/cli). */
const DEFAULT_LINE = new RegExp(
  String.raw`(?:(?:\.|^\s*)Default\(|\b(?:Value|DefValue)\s*:\s*)` + PORT_VALUE,
);
const NEARBY_NAME = /(?:Flag\(|\bName:\s*)"([\w.-]+)"/;
/** Struct tags: a listen-ish name (field, long, env, json, yaml...) with a default. */
const TAG_DEFAULT =
  /(?:default|envDefault|env-default)\s*:\s*\\?"(?:[\w.[\]-]*:)?(\d{2,5})"|conf:"[^"]*default:(?:[\w.[\]-]*:)?(\d{2,5})/;

interface Candidate extends PortEvidence {
  secondary: boolean;
}

function usable(port: number): boolean {
  return port >= 80 && port <= 65535 && !SERVICE_PORTS.has(port);
}

/** The (name, port) an option or setting on this line defines, if any. */
function namedPort(
  lines: readonly string[],
  i: number,
  fields: boolean,
): { name: string; port: number } | undefined {
  const line = lines[i] as string;
  const arg = NAMED_ARG.exec(line);
  if (arg?.[1]) return { name: arg[1], port: Number(arg[2] ?? arg[3]) };
  const field = fields ? FIELD.exec(line) : null;
  if (field?.[1]) return { name: field[1], port: Number(field[2]) };
  const tag = /`[^`]*`/.exec(line)?.[0];
  const tagPort = tag ? TAG_DEFAULT.exec(tag) : null;
  if (tag && tagPort) {
    const names = [
      /^\s*(\w+)/.exec(line)?.[1] ?? "",
      ...[
        ...tag.matchAll(/\b(?:long|env|json|yaml|mapstructure|koanf|toml|flag)\s*:\s*"([\w.-]+)/g),
      ].map((m) => m[1] as string),
    ];
    const name = names.find((n) => LISTEN_NAME.test(n)) ?? names[0] ?? "";
    return { name, port: Number(tagPort[1] ?? tagPort[2]) };
  }
  const dflt = DEFAULT_LINE.exec(line);
  if (dflt?.[1]) {
    for (let k = i; k >= Math.max(0, i - 4); k--) {
      const near = NEARBY_NAME.exec(lines[k] as string);
      if (near?.[1]) return { name: near[1], port: Number(dflt[1]) };
    }
  }
  return undefined;
}

/** Candidates in one directory, in file and line order. */
function dirCandidates(root: string, dir: string, fields: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const { name: f, text } of packageSources(join(root, dir))) {
    const file = `${dir}/${f}`.replace(/^\.\//, "");
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (/^\s*\/\//.test(line)) continue;
      const call = LISTEN_CALL.exec(line);
      if (call?.[2] && usable(Number(call[2])) && !CLIENT_WORDS.test(line)) {
        const secondary = SECONDARY_WORDS.test(line);
        out.push({ port: Number(call[2]), file, line: i + 1, kind: "listen call", secondary });
        continue;
      }
      const named = namedPort(lines, i, fields);
      // A field's struct may name what it is for a few lines up (`SMTP: SMTPConfig{ ... Port: 587`).
      if (
        named &&
        FIELD.test(line) &&
        CLIENT_WORDS.test(lines.slice(Math.max(0, i - 6), i).join(" "))
      ) {
        continue;
      }
      if (!named || !usable(named.port)) continue;
      // camelCase to words, so "ListenAddr" reads as "listen-addr".
      const name = named.name.replace(/([a-z0-9])([A-Z])/g, "$1-$2");
      if (!LISTEN_NAME.test(name) || CLIENT_WORDS.test(name) || NOT_LISTEN.test(name)) continue;
      const secondary = SECONDARY_WORDS.test(name);
      out.push({ port: named.port, file, line: i + 1, kind: "default", secondary });
    }
  }
  return out;
}

/**
 * The port an app listens on, from its own packages, nearest first (the main package, then the
 * repo packages it imports): a literal in a Listen call, else a default next to a name that says
 * address or port (a flag, an env var, a struct tag, a config default). Client addresses
 * (databases, collectors) and backing-service ports are not listen ports; metrics, admin, TLS and
 * gRPC listeners count only when nothing else is found.
 */
export function findPort(
  root: string,
  dirs: readonly { dir: string; depth: number }[],
): PortEvidence | undefined {
  let fallback: Candidate | undefined;
  for (const { dir, depth } of dirs) {
    // A struct field `Port: 80` far from main is some client's or plugin's default.
    const found = dirCandidates(root, dir, depth <= 1);
    const primary = found.filter((c) => !c.secondary);
    const best = primary.find((c) => c.kind === "listen call") ?? primary[0];
    if (best) return strip(best);
    fallback ??= found[0];
  }
  return fallback ? strip(fallback) : undefined;
}

function strip(c: Candidate): PortEvidence {
  return { port: c.port, file: c.file, line: c.line, kind: c.kind };
}

/** An HTTP health route among the app's own packages: /healthz, /health, /livez, /readyz, /ping. */
export function findHealthPath(root: string, dirs: readonly string[]): string | undefined {
  const order = ["/healthz", "/health", "/livez", "/readyz", "/-/healthy", "/ping"];
  let best: number | undefined;
  for (const dir of dirs) {
    for (const { text } of packageSources(join(root, dir))) {
      for (const m of text.matchAll(
        /"(?:GET )?(\/(?:healthz|health|livez|readyz|-\/healthy|ping))"/g,
      )) {
        const rank = order.indexOf(m[1] as string);
        if (best === undefined || rank < best) best = rank;
      }
    }
  }
  return best === undefined ? undefined : order[best];
}
