import { splitWords, structFields, tagValue } from "./go-structs.js";
import type { GoField } from "./go-structs.js";
import type { GoToken } from "./go-tokens.js";

/** An environment variable a configuration struct maps a field to. */
export interface StructEnvName {
  name: string;
  default: string | undefined;
  line: number;
}

const MAX_DEPTH = 6;

/** The struct type behind a field's type: nested fields, or a named struct of the package. */
function resolve(type: GoField["type"], types: Map<string, GoField[]>): GoField[] | undefined {
  if (Array.isArray(type)) return type;
  return types.get(type.replace(/^\*/, ""));
}

const exported = (name: string) => /^\p{Lu}/u.test(name);

/**
 * `env:"NAME"` / `envconfig:"NAME"` tags (caarlos0/env, sethvargo/go-envconfig, kong, cleanenv,
 * qiangxue/go-env, kelseyhightower/envconfig) below `fields`, with the prefixes nested structs
 * add: `envPrefix:"P_"` (caarlos0), `envprefix` (kong), `env-prefix` (cleanenv) and
 * `env:",prefix=P_"` (sethvargo).
 */
export function taggedEnvNames(
  fields: GoField[],
  types: Map<string, GoField[]>,
  prefix = "",
  depth = 0,
): StructEnvName[] {
  if (depth > MAX_DEPTH) return [];
  const out: StructEnvName[] = [];
  for (const f of fields) {
    const env = tagValue(f.tag, "env") ?? tagValue(f.tag, "envconfig");
    const name = env?.split(",")[0]?.trim();
    const def =
      tagValue(f.tag, "envDefault") ?? tagValue(f.tag, "env-default") ?? tagValue(f.tag, "default");
    if (name) out.push({ name: prefix + name, default: def, line: f.line });
    const nested = resolve(f.type, types);
    if (!nested) continue;
    const sub =
      tagValue(f.tag, "envPrefix") ??
      tagValue(f.tag, "envprefix") ??
      tagValue(f.tag, "env-prefix") ??
      /(?:^|,)prefix=([^,]*)/.exec(env ?? "")?.[1] ??
      "";
    out.push(...taggedEnvNames(nested, types, prefix + sub, depth + 1));
  }
  return out;
}

/** Named types some field nests under a prefix: their own names mean nothing unprefixed. */
export function prefixedTypes(types: Map<string, GoField[]>): Set<string> {
  const out = new Set<string>();
  for (const fields of types.values()) {
    for (const f of fields) {
      if (typeof f.type !== "string") continue;
      const env = tagValue(f.tag, "env") ?? "";
      if (
        tagValue(f.tag, "envPrefix") ??
        tagValue(f.tag, "envprefix") ??
        tagValue(f.tag, "env-prefix") ??
        (/(?:^|,)prefix=/.test(env) ? env : undefined)
      )
        out.add(f.type.replace(/^\*/, ""));
    }
  }
  return out;
}

/**
 * ardanlabs/conf: PREFIX_ + the field path, each name split at case changes, upper-cased and
 * joined by "_" (cfg.DB.MaxIdleConns -> SALES_DB_MAX_IDLE_CONNS); `conf:"env:NAME"` replaces the
 * path; `conf:"-"` and embedded fields (conf.Version) are skipped.
 */
export function confEnvNames(
  fields: GoField[],
  types: Map<string, GoField[]>,
  prefix: string,
  path: string[] = [],
  depth = 0,
): StructEnvName[] {
  if (depth > MAX_DEPTH) return [];
  const out: StructEnvName[] = [];
  for (const f of fields) {
    if (f.name === "" || !exported(f.name)) continue;
    const opts = (tagValue(f.tag, "conf") ?? "").split(",").map((o) => o.trim());
    if (opts.includes("-")) continue;
    const key = [...path, ...splitWords(f.name)];
    const nested = resolve(f.type, types);
    if (nested) {
      out.push(...confEnvNames(nested, types, prefix, key, depth + 1));
      continue;
    }
    const envOpt = opts.find((o) => o.startsWith("env:"))?.slice(4);
    const parts = envOpt ? envOpt.split("_") : key;
    const def = opts.find((o) => o.startsWith("default:"))?.slice(8);
    const name = [prefix, ...parts]
      .filter((p) => p !== "")
      .join("_")
      .toUpperCase()
      .replace(/-/g, "_");
    out.push({ name, default: def, line: f.line });
  }
  return out;
}

/**
 * kelseyhightower/envconfig: PREFIX_ + the `envconfig` tag, else the field name (split into words
 * with `split_words:"true"`), upper-cased; a nested struct's key prefixes its fields.
 */
export function envconfigNames(
  fields: GoField[],
  types: Map<string, GoField[]>,
  prefix: string,
  depth = 0,
): StructEnvName[] {
  if (depth > MAX_DEPTH) return [];
  const out: StructEnvName[] = [];
  for (const f of fields) {
    if (f.name !== "" && !exported(f.name)) continue;
    if (tagValue(f.tag, "ignored") === "true") continue;
    const tag = tagValue(f.tag, "envconfig")?.split(",")[0];
    const word =
      tag || (tagValue(f.tag, "split_words") === "true" ? splitWords(f.name).join("_") : f.name);
    const key = (prefix ? `${prefix}_${word}` : word).toUpperCase();
    const nested = resolve(f.type, types);
    if (nested) {
      const inner = f.name === "" && !tag ? prefix : key;
      out.push(...envconfigNames(nested, types, inner, depth + 1));
      continue;
    }
    if (f.name === "") continue;
    out.push({ name: key, default: tagValue(f.tag, "default"), line: f.line });
  }
  return out;
}

/**
 * The struct fields of variable `name` in a file: `name := struct{...}{...}`, `var name struct{...}`,
 * `name := T{...}`, `name := &T{...}`, `var name T`, or a parameter `name *T`.
 */
export function variableStruct(
  tokens: readonly GoToken[],
  name: string,
  types: Map<string, GoField[]>,
): GoField[] | undefined {
  for (let i = 0; i < tokens.length - 2; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind !== "ident" || t.text !== name) continue;
    let k = i + 1;
    if (tokens[k]?.text === ":=" || tokens[k]?.text === "=") k++;
    if (tokens[k]?.text === "&" || tokens[k]?.text === "*") k++;
    const ty = tokens[k];
    if (ty?.text === "struct" && tokens[k + 1]?.text === "{") return structFields(tokens, k + 1);
    if (ty?.kind === "ident" && types.has(ty.text)) return types.get(ty.text);
  }
  return undefined;
}
