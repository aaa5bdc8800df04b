import {
  confEnvNames,
  envconfigNames,
  prefixedTypes,
  taggedEnvNames,
  variableStruct,
} from "./config-structs.js";
import type { StructEnvName } from "./config-structs.js";
import { importNames, namedStructs, structFields } from "./go-structs.js";
import type { GoField } from "./go-structs.js";
import { choices } from "./go-choices.js";
import type { RawChoice } from "./go-choices.js";
import { parseImports } from "./go-imports.js";
import { closing, goCalls, goTokens, splitTop, stringArgs } from "./go-tokens.js";
import type { GoToken } from "./go-tokens.js";
import type { GoSource } from "./package-sources.js";

/** An environment variable name found in the sources, and how strongly it says the app reads it. */
export interface EnvFinding {
  name: string;
  /** code: read through os.Getenv, a config library or a flag; literal: only a string that looks like one. */
  how: "code" | "literal";
  /** "dir/file.go:12" */
  where: string;
  default?: string | undefined;
}

/** What one package's sources say about settings and backends. */
export interface PackageFacts {
  env: EnvFinding[];
  /** Names from `env:"..."` style tags, before any library-wide prefix. */
  tagNames: EnvFinding[];
  /** Library-wide prefixes for tag names: go-env's env.New("APP_"), envconfig.PrefixLookuper, Options{Prefix}. */
  tagPrefixes: string[];
  viper: {
    keys: string[];
    prefix: string | undefined;
    automatic: boolean;
    replace: [string, string][];
  };
  /** bool struct fields by name, for configuration switches ("KafkaEnabled"). */
  bools: { name: string; where: string }[];
  /** A struct of the package has a bool field named Enabled or Enable. */
  hasEnabledField: boolean;
  choices: RawChoice[];
}

/** Go's convention: a `// Code generated ... DO NOT EDIT.` line before the package clause. */
export function isGenerated(text: string): boolean {
  const pkg = text.search(/^package\s/m);
  const head = pkg < 0 ? text.slice(0, 4096) : text.slice(0, pkg);
  return /^\/\/ Code generated .* DO NOT EDIT\.$/m.test(head);
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*[A-Z0-9]$/;

/** Text that calls for reading the file token by token: settings read in code or tagged structs. */
const NEEDS_TOKENS =
  /nv\w*\(\s*"|nv(?:config|Prefix|prefix|-prefix)?:"|EnvVar|Envar\(|viper\.|conf\.Parse|Lookuper|Prefix:\s*"/;
/** Calls whose target struct may be declared in any file of the package. */
const STRUCT_TARGETS = /conf\.Parse|envconfig\.(?:Must)?Process/;
const LITERALS = /"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g;
const BOOL_FIELDS = /^[ \t]*([A-Za-z_]\w*)[ \t]+bool\b/gm;

const BACKEND_CASE =
  /case [^:\n]*(?:postgres|mysql|mariadb|sqlite|redis|memcache|mongo|nats|kafka|rabbit|amqp|elastic|opensearch|clickhouse|etcd|s3|minio|local|memory|inmem|filesystem)/i;

/** A switch on a setting named like a backend choice (see SETTING in service-choice.ts). */
const SETTING_SWITCH =
  /switch [^{\n]*(?:type|driver|backend|dialect|store|storage|engine|provider|kind|dbms) *\{/i;

/**
 * Whether a file can hold a choice between backends: it imports two backend packages, or names
 * backends in a case label (case "postgres", case backend.Local) of a switch that also runs one's
 * code or looks at a setting named like a backend choice (switch storage.Type).
 */
function mayChoose(text: string, choosableImports: number): boolean {
  if (choosableImports >= 2) return true;
  return BACKEND_CASE.test(text) && (choosableImports === 1 || SETTING_SWITCH.test(text));
}

/**
 * 1-based line of an offset, for offsets asked in increasing order (as matchAll yields them):
 * counts newlines forward from the last one instead of indexing the whole text.
 */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    for (let nl = text.indexOf("\n", at); nl >= 0 && nl < offset; nl = text.indexOf("\n", nl + 1)) {
      line++;
      at = nl + 1;
    }
    return line;
  };
}
/**
 * Reads the facts of one package; `dir` is its repo-relative directory for `where`. Files are
 * tokenized only when a cheap look at their text says they can hold what is read here; switches
 * and maps only in files that import a package `choosable` accepts (one leading to a backend).
 */
export function packageFacts(
  dir: string,
  sources: readonly GoSource[],
  choosable: (importPath: string) => boolean = () => true,
): PackageFacts {
  const facts: PackageFacts = {
    env: [],
    tagNames: [],
    tagPrefixes: [],
    viper: { keys: [], prefix: undefined, automatic: false, replace: [] },
    bools: [],
    hasEnabledField: false,
    choices: [],
  };
  const at = (file: string, line: number) =>
    `${dir === "." ? "" : `${dir.replace(/^\.\//, "")}/`}${file}:${line}`;
  // Generated code (protobuf, ent, mocks) reads no settings and picks no backends, and is often
  // most of a repo's code: it is left out.
  const own = sources.filter((s) => !isGenerated(s.text));
  const allTokens = own.some((s) => STRUCT_TARGETS.test(s.text));
  const files: { name: string; tokens: GoToken[]; settings: boolean; choices: boolean }[] = [];
  for (const s of own) {
    const literalLine = lineCounter(s.text);
    for (const m of s.text.matchAll(LITERALS)) {
      const where = at(s.name, literalLine(m.index));
      facts.env.push({ name: m[1] as string, how: "literal", where });
    }
    const line = lineCounter(s.text);
    for (const m of s.text.matchAll(BOOL_FIELDS)) {
      const name = m[1] as string;
      facts.bools.push({ name, where: at(s.name, line(m.index)) });
      if (name === "Enabled" || name === "Enable") facts.hasEnabledField = true;
    }
    const settings = allTokens || NEEDS_TOKENS.test(s.text);
    const choices =
      /\bswitch\b|map\[string\]/.test(s.text) &&
      mayChoose(s.text, parseImports(s.text).filter((p) => choosable(p)).length);
    if (settings || choices)
      files.push({ name: s.name, tokens: goTokens(s.text), settings, choices });
  }
  const structs = new Map(files.map((f) => [f, namedStructs(f.tokens)]));
  const types = new Map<string, GoField[]>();
  for (const m of structs.values()) for (const [k, v] of m) types.set(k, v);
  const prefixed = prefixedTypes(types);

  for (const f of files) {
    const where = (line: number) => at(f.name, line);
    const imports = importNames(f.tokens);
    if (f.choices) facts.choices.push(...choices(f.tokens, imports, where));
    if (!f.settings) continue;
    const push = (list: EnvFinding[], n: StructEnvName) =>
      list.push({ name: n.name, how: "code", where: where(n.line), default: n.default });
    const usesViper = [...imports.values()].some((p) => p.startsWith("github.com/spf13/viper"));
    scanCalls(f.tokens, types, facts, where, push, usesViper);
    scanFlagEnv(f.tokens, facts, where);
    // Tags of named structs (those nested under a prefix are reached through their parent) and
    // of anonymous ones declared as variables.
    for (const [name, fields] of structs.get(f) ?? []) {
      if (!prefixed.has(name))
        for (const n of taggedEnvNames(fields, types)) push(facts.tagNames, n);
    }
    for (let i = 1; i < f.tokens.length - 1; i++) {
      const prev = f.tokens[i - 1]?.text;
      if (
        f.tokens[i]?.text === "struct" &&
        f.tokens[i + 1]?.text === "{" &&
        (prev === ":=" || prev === "=" || f.tokens[i - 2]?.text === "var")
      ) {
        for (const n of taggedEnvNames(structFields(f.tokens, i + 1), types))
          push(facts.tagNames, n);
      }
    }
  }
  return facts;
}

type Push = (list: EnvFinding[], n: StructEnvName) => void;

const ENV_CALLS =
  /env|^(?:Parse|Process|MustProcess|New|PrefixLookuper|SetEnvPrefix|AutomaticEnv|SetEnvKeyReplacer|NewReplacer|Envar|EnvVar|EnvVars)$/i;
const VIPER_CALLS = /^(?:Get\w*|SetDefault|BindEnv|BindPFlag|IsSet)$/;

function scanCalls(
  tokens: readonly GoToken[],
  types: Map<string, GoField[]>,
  facts: PackageFacts,
  where: (line: number) => string,
  push: Push,
  usesViper: boolean,
): void {
  for (const call of goCalls(
    tokens,
    (n) => ENV_CALLS.test(n) || (usesViper && VIPER_CALLS.test(n)),
  )) {
    const last = call.callee.split(".").pop() ?? "";
    const strs = stringArgs(call.args);
    const first =
      call.args[0]?.length === 1 && call.args[0][0]?.kind === "string"
        ? call.args[0][0].text
        : undefined;
    // os.Getenv, os.LookupEnv, and the app's own getenv-style helpers (first argument the name).
    if (
      /env/i.test(call.callee) &&
      !/^(?:Set|Unset)env$/i.test(last) &&
      first &&
      ENV_NAME.test(first) &&
      !/^(?:Envar|EnvVars?|BindEnv)$/.test(last)
    ) {
      const second =
        call.args[1]?.length === 1 && call.args[1][0]?.kind === "string"
          ? call.args[1][0].text
          : undefined;
      facts.env.push({ name: first, how: "code", where: where(call.line), default: second });
      continue;
    }
    switch (last) {
      case "EnvVars": // urfave/cli v3 cli.EnvVars("A", "B")
      case "EnvVar": // urfave/cli v3 cli.EnvVar("A")
      case "Envar": // kingpin .Envar("A")
        // An unqualified EnvVar("X") is the app's own helper, which may well add a prefix.
        if (last !== "Envar" && call.callee === last) break;
        for (const s of strs)
          if (ENV_NAME.test(s)) facts.env.push({ name: s, how: "code", where: where(call.line) });
        break;
      case "BindEnv": // viper.BindEnv("key", "ENV", ...)
        if (first && usesViper) facts.viper.keys.push(first);
        for (const s of strs.slice(1))
          if (ENV_NAME.test(s)) facts.env.push({ name: s, how: "code", where: where(call.line) });
        break;
      case "SetEnvPrefix":
        if (first !== undefined) facts.viper.prefix = first;
        break;
      case "AutomaticEnv":
        facts.viper.automatic = true;
        break;
      case "NewReplacer":
        for (let i = 0; i + 1 < strs.length; i += 2)
          facts.viper.replace.push([strs[i] as string, strs[i + 1] as string]);
        break;
      case "PrefixLookuper": // sethvargo/go-envconfig
        if (first) facts.tagPrefixes.push(first);
        break;
      case "New": // qiangxue/go-env: env.New("APP_", logger)
        if (call.callee === "env.New" && first !== undefined && /^[A-Z0-9_]*$/.test(first))
          facts.tagPrefixes.push(first);
        break;
      case "Parse": // ardanlabs/conf: conf.Parse(prefix, &cfg)
        if (call.callee === "conf.Parse") {
          const prefix = first ?? constString(tokens, call.args[0]);
          const fields = prefix === undefined ? undefined : target(tokens, call.args[1], types);
          if (prefix !== undefined && fields)
            for (const n of confEnvNames(fields, types, prefix)) push(facts.env, n);
        }
        break;
      case "Process":
      case "MustProcess": // kelseyhightower/envconfig: envconfig.Process("app", &cfg)
        if (call.callee.startsWith("envconfig.") && first !== undefined) {
          const fields = target(tokens, call.args[1], types);
          if (fields) for (const n of envconfigNames(fields, types, first)) push(facts.env, n);
        }
        break;
      default:
        // viper.GetString("key"), v.SetDefault("key", ...), viper.BindPFlag("key", ...)
        if (
          usesViper &&
          /^(?:Get\w*|SetDefault|BindPFlag|IsSet)$/.test(last) &&
          first &&
          /^[a-z][\w.-]*$/.test(first)
        )
          facts.viper.keys.push(first);
    }
  }
}

/** `&cfg` / `cfg` as a call argument: the struct fields of that variable. */
function target(
  tokens: readonly GoToken[],
  arg: GoToken[] | undefined,
  types: Map<string, GoField[]>,
): GoField[] | undefined {
  const name = arg?.filter((t) => t.kind === "ident").at(-1)?.text;
  return name === undefined ? undefined : variableStruct(tokens, name, types);
}

/** The value of `const name = "..."` in the file, for an identifier argument. */
function constString(tokens: readonly GoToken[], arg: GoToken[] | undefined): string | undefined {
  const name = arg?.length === 1 && arg[0]?.kind === "ident" ? arg[0].text : undefined;
  if (!name) return undefined;
  for (let i = 0; i < tokens.length - 2; i++) {
    if (
      tokens[i]?.text === name &&
      tokens[i + 1]?.text === "=" &&
      tokens[i + 2]?.kind === "string"
    ) {
      return tokens[i + 2]?.text;
    }
  }
  return undefined;
}

/** urfave/cli v1/v2 `EnvVar: "A,B"` / `EnvVars: []string{"A"}`; caarlos0/env `Options{Prefix: "P"}`. */
function scanFlagEnv(
  tokens: readonly GoToken[],
  facts: PackageFacts,
  where: (l: number) => string,
): void {
  for (let i = 0; i < tokens.length - 2; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind !== "ident" || tokens[i + 1]?.text !== ":") continue;
    if (t.text === "EnvVar" && tokens[i + 2]?.kind === "string") {
      for (const s of (tokens[i + 2] as GoToken).text.split(",")) {
        if (ENV_NAME.test(s.trim()))
          facts.env.push({ name: s.trim(), how: "code", where: where(t.line) });
      }
    } else if (t.text === "EnvVars") {
      const open = tokens.findIndex((x, k) => k > i && x.text === "{");
      if (open < 0 || open > i + 6) continue;
      // Only the list's own strings: EnvVar("X") inside it is an app helper that may prefix X.
      for (const el of splitTop(tokens, open + 1, closing(tokens, open), ",")) {
        const only = el.filter((x) => x.text !== ";");
        const s = only[0];
        if (only.length === 1 && s?.kind === "string" && ENV_NAME.test(s.text))
          facts.env.push({ name: s.text, how: "code", where: where(s.line) });
      }
    } else if (
      t.text === "Prefix" &&
      tokens[i + 2]?.kind === "string" &&
      /^[A-Z0-9_]+$/.test((tokens[i + 2] as GoToken).text)
    ) {
      facts.tagPrefixes.push((tokens[i + 2] as GoToken).text);
    }
  }
}

/**
 * The variables an app reads, from the facts of its packages: direct reads, config-struct tags
 * with the library-wide prefixes the app sets, and viper keys when viper reads the environment
 * (SetEnvPrefix, SetEnvKeyReplacer, AutomaticEnv), all found anywhere in the app.
 */
export function appEnvFindings(facts: readonly PackageFacts[]): EnvFinding[] {
  const out: EnvFinding[] = facts.flatMap((f) => f.env);
  const prefixes = [...new Set(facts.flatMap((f) => f.tagPrefixes))];
  for (const f of facts) {
    for (const t of f.tagNames) {
      if (prefixes.length === 0) out.push(t);
      for (const p of prefixes) out.push({ ...t, name: p + t.name });
    }
  }
  if (facts.some((f) => f.viper.automatic)) {
    const prefix = facts.map((f) => f.viper.prefix).find((p) => p !== undefined);
    const replace = facts.flatMap((f) => f.viper.replace);
    for (const f of facts) {
      for (const key of f.viper.keys) {
        let name = key;
        for (const [from, to] of replace) name = name.split(from).join(to);
        name = `${prefix ? `${prefix}_` : ""}${name}`.toUpperCase();
        if (ENV_NAME.test(name)) out.push({ name, how: "code", where: `viper key "${key}"` });
      }
    }
  }
  return out;
}
