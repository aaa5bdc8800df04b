import type { Rand } from "./random.js";

/**
 * Random instances of a JSON Schema (the official compose, workflow and dev container schemas in
 * shared/schemas): every `oneOf`/`anyOf` branch, type union, optional property and pattern key
 * gets picked some of the time, so the rules meet each shape the schema allows, not only the ones
 * someone thought of. Strings come from pools chosen by property name (images for `image`, shell
 * lines for `run`...) so the rules see values they act on. Not every instance validates
 * (`not`, `if`/`then` and uniqueness are not solved), which is fine: near-valid files must not
 * crash a rule either.
 */

type Schema = boolean | { [key: string]: unknown };
type Obj = Record<string, unknown>;

const POOLS: Record<string, readonly string[]> = {
  image: [
    "golang:1.26.8",
    "golang:1.22-alpine",
    "postgres:17",
    "postgres",
    "redis:7",
    "mcr.microsoft.com/devcontainers/go:1-1.22-bookworm",
    "${IMAGE}",
    "app:latest",
  ],
  version: ["1.22", "1.26.8", "latest", "v1.64.8", "3.8"],
  "go-version": ["1.22", "1.26.8", "stable", "1.21.x", "${{ matrix.go }}"],
  "go-version-file": ["go.mod", "svc/go.mod", ".go-version"],
  uses: [
    "actions/setup-go@v5",
    "actions/checkout@v4",
    "golangci/golangci-lint-action@v6",
    "docker://golang:1.22",
    "./.github/actions/x",
    "./.github/workflows/test.yml",
  ],
  run: [
    "go build ./...",
    "go install github.com/go-delve/delve/cmd/dlv@latest",
    "go env -w GOFLAGS=-mod=mod\ngo test ./...",
    "make",
  ],
  command: ["go run .", "sleep infinity", "dlv exec /app --headless --listen=:2345"],
  entrypoint: ["/app", "dlv"],
  test: ["CMD-SHELL", "pg_isready", "NONE", "CMD"],
  context: [".", "./svc", ".."],
  dockerfile: ["Dockerfile", "build/Dockerfile.dev"],
  target: ["build", "debug", "2345", "80"],
  published: ["8080", "2345", "8000-8010"],
  host_ip: ["127.0.0.1", "0.0.0.0", "::"],
  cache: ["true", "false"],
  "runs-on": ["ubuntu-latest", "self-hosted"],
  GOFLAGS: ["-mod=mod", "-mod=vendor"],
  $schema: ["https://json.schemastore.org/github-workflow.json"],
  GOPROXY: ["off", "direct", "https://proxy.golang.org,direct"],
  dockerComposeFile: ["../compose.yaml", "docker-compose.yml"],
};

const STRINGS = [
  "",
  "x",
  "1.22",
  "go build ./...",
  "${VAR}",
  "${{ github.sha }}",
  "8080:80",
  "127.0.0.1:5432:5432",
  "a=b",
  "true",
  "./x",
  "secret",
];
/** Strings of common shapes, tried against a `pattern` when the pools have none that fits. */
const SHAPES = [
  "1",
  "8gb",
  "a",
  "x-a",
  "A_B",
  "v1",
  "1.2.3",
  "12:34",
  "0 0 * * 0",
  "linux/amd64",
  "https://example.com",
];
const KEYS = [
  "app",
  "db",
  "GOFLAGS",
  "GOPROXY",
  "DB_PASSWORD",
  "build",
  "x-note",
  "go",
  "default",
  "main",
];

export class SchemaSampler {
  private r: Rand;

  constructor(
    private readonly root: Obj,
    r: Rand,
  ) {
    this.r = r;
  }

  /** An instance, drawn from `r` (the fuzz test's one seeded source). */
  sample(r: Rand = this.r): unknown {
    this.r = r;
    return this.value(this.root, 0, "");
  }

  private resolve(s: Schema): Schema {
    let node = s;
    for (
      let hops = 0;
      typeof node === "object" && typeof node.$ref === "string" && hops < 20;
      hops++
    ) {
      const ref = node.$ref as string;
      const rest: Obj = { ...node };
      delete rest.$ref;
      const target = ref.startsWith("#")
        ? ref
            .slice(1)
            .split("/")
            .filter(Boolean)
            .reduce<unknown>(
              (v, k) =>
                (v as Obj | undefined)?.[
                  decodeURIComponent(k.replace(/~1/g, "/").replace(/~0/g, "~"))
                ],
              this.root,
            )
        : undefined;
      node = { ...((target as Obj | undefined) ?? {}), ...rest };
    }
    return node;
  }

  private value(schema: Schema, depth: number, name: string): unknown {
    const s = this.resolve(schema);
    if (s === true || s === false) return this.r.pick(STRINGS);
    if (Array.isArray(s.enum) && s.enum.length > 0) return this.r.pick(s.enum);
    if ("const" in s) return s.const;
    const merged = this.branch(s);
    const types = Array.isArray(merged.type)
      ? (merged.type as string[])
      : typeof merged.type === "string"
        ? [merged.type]
        : this.inferTypes(merged);
    const type = this.r.pick(types.length > 0 ? types : ["string"]);
    switch (type) {
      case "object":
        return depth > 7 ? {} : this.object(merged, depth, name);
      case "array":
        return depth > 7 ? [] : this.array(merged, depth, name);
      case "integer":
      case "number":
        return this.number(merged, type === "integer");
      case "boolean":
        return this.r.bool();
      case "null":
        return null;
      default:
        return this.string(merged, name);
    }
  }

  /** One branch of oneOf/anyOf (and all of allOf) merged into the node's own keywords. */
  private branch(s: Obj): Obj {
    let out: Obj = { ...s };
    for (const key of ["allOf", "oneOf", "anyOf"] as const) {
      const list = out[key];
      if (!Array.isArray(list) || list.length === 0) continue;
      Reflect.deleteProperty(out, key);
      const chosen = key === "allOf" ? (list as Schema[]) : [this.r.pick(list as Schema[])];
      for (const c of chosen) {
        const resolved = this.resolve(c);
        if (typeof resolved === "object") out = this.mergeSchemas(out, this.branch(resolved));
      }
    }
    return out;
  }

  private mergeSchemas(a: Obj, b: Obj): Obj {
    const out: Obj = { ...a, ...b };
    if (a.properties && b.properties)
      out.properties = { ...(a.properties as Obj), ...(b.properties as Obj) };
    if (Array.isArray(a.required) || Array.isArray(b.required)) {
      out.required = [...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])];
    }
    if (a.type && b.type && a.type !== b.type) {
      const ta = ([] as string[]).concat(a.type as string);
      const tb = ([] as string[]).concat(b.type as string);
      const both = ta.filter((t) => tb.includes(t));
      out.type = both.length > 0 ? both : tb;
    }
    return out;
  }

  private inferTypes(s: Obj): string[] {
    if (s.properties || s.patternProperties || s.additionalProperties) return ["object"];
    if (s.items) return ["array"];
    return ["string"];
  }

  private object(s: Obj, depth: number, _name: string): Obj {
    const out: Obj = {};
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const p = depth < 2 ? 0.5 : depth < 4 ? 0.3 : 0.12;
    for (const [key, sub] of Object.entries(props)) {
      if (required.has(key) || this.r.bool(p)) out[key] = this.value(sub, depth + 1, key);
    }
    for (const key of required) if (!(key in out)) out[key] = this.r.pick(STRINGS);
    const patterns = (s.patternProperties as Record<string, Schema> | undefined) ?? {};
    for (const [pattern, sub] of Object.entries(patterns)) {
      for (let n = this.r.int(depth < 2 ? 4 : 2); n > 0; n--) {
        const key = this.keyMatching(pattern);
        if (key !== undefined) out[key] = this.value(sub, depth + 1, key);
      }
    }
    const extra = s.additionalProperties;
    if (extra && typeof extra === "object" && Object.keys(props).length === 0) {
      for (let n = this.r.int(3); n > 0; n--) {
        const key = this.r.pick(KEYS);
        out[key] = this.value(extra as Schema, depth + 1, key);
      }
    }
    // minProperties (jobs, defaults): fill from the declared properties, then from the patterns.
    const min = typeof s.minProperties === "number" ? s.minProperties : 0;
    const fillers = [
      ...Object.entries(props).map(([k, sub]) => [k, sub] as const),
      ...Object.entries(patterns).flatMap(([pattern, sub]) => {
        const key = this.keyMatching(pattern);
        return key === undefined ? [] : [[key, sub] as const];
      }),
    ];
    for (const [key, sub] of fillers) {
      if (Object.keys(out).length >= min) break;
      if (!(key in out)) out[key] = this.value(sub, depth + 1, key);
    }
    return out;
  }

  private keyMatching(pattern: string): string | undefined {
    let re: RegExp;
    try {
      re = new RegExp(pattern, "u");
    } catch {
      return undefined;
    }
    const candidates = [
      ...KEYS,
      "x-common",
      "ghcr.io/devcontainers/features/go:1",
      "push",
      "job1",
    ].filter((k) => re.test(k));
    return candidates.length > 0 ? this.r.pick(candidates) : undefined;
  }

  private array(s: Obj, depth: number, name: string): unknown[] {
    const min = typeof s.minItems === "number" ? s.minItems : 0;
    const n = min + this.r.int(3);
    const items = s.items;
    return Array.from({ length: n }, (_, i) => {
      const sub = Array.isArray(items)
        ? ((items[i] as Schema | undefined) ?? true)
        : ((items as Schema | undefined) ?? true);
      return this.value(sub, depth + 1, name);
    });
  }

  private number(s: Obj, integer: boolean): number {
    const lo = typeof s.minimum === "number" ? s.minimum : 0;
    const hi = typeof s.maximum === "number" ? s.maximum : lo + 65535;
    const v = this.r.pick([lo, hi, lo + (hi - lo) / 3, 2345, 5432, 1.22]);
    const clamped = Math.min(hi, Math.max(lo, v));
    return integer ? Math.round(clamped) : clamped;
  }

  private string(s: Obj, name: string): string {
    const pool = [...(POOLS[name] ?? []), ...STRINGS];
    if (typeof s.pattern === "string") {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        re = undefined;
      }
      const fits = re ? [...pool, ...SHAPES].filter((x) => (re as RegExp).test(x)) : pool;
      if (fits.length > 0) return this.r.pick(fits);
    }
    return this.r.bool(0.7) && POOLS[name] ? this.r.pick(POOLS[name]) : this.r.pick(pool);
  }
}
