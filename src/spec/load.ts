import { isMap, isPair, isScalar, isSeq } from "yaml";
import type { Document, Node } from "yaml";
import type { z } from "zod";
import { GopaveError, GopaveErrors } from "../util/errors.js";
import type { SourcePosition } from "../util/errors.js";
import { parseYamlSource } from "../util/yaml-source.js";
import { didYouMean } from "../util/did-you-mean.js";
import { specSchema } from "./schema.js";
import type { Spec } from "./schema.js";
import { KNOWN_TOOLS, resolveTools } from "./tools.js";
import { WASIP1_SINCE } from "./wasm.js";
import { TOOLCHAIN_MODULES_SINCE } from "./devbox.js";
import { compareGoVersions } from "../gomod/go-version.js";

export const SPEC_FILE = "gopave.yaml";

export type SpecPath = readonly (string | number)[];

/** A loaded spec and the positions of its nodes, for errors raised after loading. */
export interface LoadedSpec {
  spec: Spec;
  file: string;
  /** Position of the key at `path` (or of its value with `value: true`), else the nearest parent. */
  positionOf(path: SpecPath, opts?: { value?: boolean }): SourcePosition;
}

/** Parses and validates gopave.yaml text; every problem is reported with file:line:col. */
export function loadSpec(text: string, file = SPEC_FILE): LoadedSpec {
  const { doc, at } = parseYamlSource(text, file);
  const positionOf = (path: SpecPath, opts: { value?: boolean } = {}) =>
    at(nodeOffset(doc, path, opts.value === true));
  const parsed = specSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new GopaveErrors(parsed.error.issues.map((i) => issueToError(i, doc, positionOf, file)));
  }
  const problems = semanticProblems(parsed.data).map(
    (p) =>
      new GopaveError("SPEC_INVALID", `${dotted(p.path)}: ${p.message}`, {
        position: positionOf(p.path),
        hint: p.hint,
      }),
  );
  if (problems.length > 0) throw new GopaveErrors(problems);
  return { spec: parsed.data, file, positionOf };
}

interface Problem {
  path: SpecPath;
  message: string;
  hint: string;
}

/** Rules that span several keys, which the schema alone cannot express. */
function semanticProblems(spec: Spec): Problem[] {
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(spec.tools ?? {})) {
    if (typeof value === "string" && !(name in KNOWN_TOOLS)) {
      const guess = didYouMean(name, Object.keys(KNOWN_TOOLS));
      out.push({
        path: ["tools", name],
        message: `unknown tool "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
        hint: `known tools: ${Object.keys(KNOWN_TOOLS).join(", ")}; for another tool write { package: <import path>, version: vX.Y.Z }`,
      });
    }
  }
  const seenNames = new Map<string, number>();
  const ports = new Map<number, string>();
  spec.apps.forEach((app, i) => {
    const prev = seenNames.get(app.name);
    if (prev !== undefined) {
      out.push({
        path: ["apps", i, "name"],
        message: `app name "${app.name}" is already used by apps[${prev}]`,
        hint: "each app needs its own name (it names the image target and compose service)",
      });
    }
    seenNames.set(app.name, i);
    if (app.port !== undefined) {
      const owner = ports.get(app.port);
      if (owner) {
        out.push({
          path: ["apps", i, "port"],
          message: `port ${app.port} is already used by ${owner}`,
          hint: "give each app its own port",
        });
      }
      ports.set(app.port, `app ${app.name}`);
    }
    if (app.health !== undefined && app.port === undefined) {
      out.push({
        path: ["apps", i, "health"],
        message: "a health path needs a port",
        hint: "set port, or remove health",
      });
    }
    if (app.cgo && spec.image.runtime === "scratch") {
      out.push({
        path: ["apps", i, "cgo"],
        message: "cgo binaries need a C library, and the scratch runtime has none",
        hint: 'set image.runtime to "distroless" (uses distroless/base) or "alpine", or cgo: false',
      });
    }
  });
  out.push(...wasmProblems(spec));
  if (
    spec.devbox !== undefined &&
    compareGoVersions(spec.go.version, TOOLCHAIN_MODULES_SINCE) < 0
  ) {
    out.push({
      path: ["devbox"],
      message: `the dev box downloads go.version as a toolchain module, and those exist from Go ${TOOLCHAIN_MODULES_SINCE}; go.version is ${spec.go.version}`,
      hint: `raise go.version to ${TOOLCHAIN_MODULES_SINCE} or later, or leave devbox out`,
    });
  }
  return out;
}

/** wasm programs: unique names, Dockerfile stages that no app's stage shadows, a Go that has them. */
function wasmProblems(spec: Spec): Problem[] {
  const out: Problem[] = [];
  // Stage names the apps take in the generated Dockerfile.
  const appStages = new Set(
    spec.apps.flatMap((a) => [a.name, `build-${a.name}`, `${a.name}-debug`]),
  );
  const seen = new Map<string, number>();
  spec.wasm.forEach((p, i) => {
    const prev = seen.get(p.name);
    if (prev !== undefined) {
      out.push({
        path: ["wasm", i, "name"],
        message: `wasm name "${p.name}" is already used by wasm[${prev}]`,
        hint: "each wasm program needs its own name (it names the .wasm file and its export stage)",
      });
    }
    seen.set(p.name, i);
    const clash = [`${p.name}-wasm`, `build-${p.name}-wasm`].find((s) => appStages.has(s));
    if (clash !== undefined) {
      out.push({
        path: ["wasm", i, "name"],
        message: `the Dockerfile stage "${clash}" of this wasm program is already an app's stage`,
        hint: "rename the wasm program or the app",
      });
    }
    const dup = p.targets.findIndex((t, k) => p.targets.indexOf(t) !== k);
    if (dup >= 0) {
      out.push({
        path: ["wasm", i, "targets", dup],
        message: `target "${p.targets[dup]}" is listed twice`,
        hint: "list each of js, wasip1 at most once",
      });
    }
    if (p.targets.includes("wasip1") && compareGoVersions(spec.go.version, WASIP1_SINCE) < 0) {
      out.push({
        path: ["wasm", i, "targets"],
        message: `GOOS=wasip1 needs Go ${WASIP1_SINCE} or later; go.version is ${spec.go.version}`,
        hint: "raise go.version, or build this program for js only",
      });
    }
  });
  const wasip1 = spec.wasm.findIndex((p) => p.targets.includes("wasip1"));
  if (wasip1 >= 0 && !resolveTools(spec).some((t) => t.name === "wazero")) {
    out.push({
      path: ["wasm", wasip1, "targets"],
      message: `wasip1 tests run under wazero, and gopave has no wazero pin for Go ${spec.go.version}`,
      hint: "pin one in tools (wazero: vX.Y.Z) whose go.mod go line is at most go.version",
    });
  }
  return out;
}

function dotted(path: SpecPath): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

function issueToError(
  issue: z.core.$ZodIssue,
  doc: Document,
  positionOf: LoadedSpec["positionOf"],
  file: string,
): GopaveError {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = dotted(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const allowed = allowedKeysAt(path);
    const guess = didYouMean(key, allowed);
    return new GopaveError(
      "SPEC_INVALID",
      `unknown key "${key}" in ${where}${guess ? ` (did you mean "${guess}"?)` : ""}`,
      {
        position: positionOf([...path, key]),
        hint: `allowed keys: ${allowed.join(", ")}`,
      },
    );
  }
  const present = nodeAt(doc, path) !== undefined;
  if (!present) {
    const key = String(path[path.length - 1]);
    const parent = dotted(path.slice(0, -1));
    return new GopaveError(
      "SPEC_INVALID",
      `${parent || "(top level)"}: missing required key "${key}"`,
      {
        position: positionOf(path.slice(0, -1)),
        hint: `add "${key}:" (${expected(issue)})${parent ? ` under ${parent}` : ""}`,
      },
    );
  }
  const actual = scalarText(doc, path);
  if (issue.code === "invalid_value" && issue.values.every((v) => typeof v === "string")) {
    const values = issue.values as string[];
    const guess = actual === undefined ? undefined : didYouMean(actual, values);
    return new GopaveError(
      "SPEC_INVALID",
      `${where}: ${actual === undefined ? "value" : JSON.stringify(actual)} is not allowed${guess ? ` (did you mean "${guess}"?)` : ""}`,
      {
        position: positionOf(path, { value: true }),
        hint: `expected one of: ${values.join(", ")}`,
      },
    );
  }
  return new GopaveError(
    "SPEC_INVALID",
    `${where}: ${actual === undefined ? "" : `${JSON.stringify(actual)}: `}expected ${expected(issue)}`,
    {
      position: positionOf(path, { value: true }),
      hint: `see "The spec" in gopave's README, or hover the key in an editor using ${file}'s schema`,
    },
  );
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "record"
        ? "a mapping"
        : issue.expected === "array"
          ? "a list"
          : `a ${issue.expected}`;
    case "invalid_value":
      return issue.values.map((v) => JSON.stringify(v)).join(" or ");
    case "too_small":
      return `at least ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : ""}`;
    case "too_big":
      return `at most ${String(issue.maximum)}${issue.origin === "array" ? " item(s)" : ""}`;
    case "invalid_union":
      return 'a version string "vX.Y.Z" or { package, version }';
    default:
      return issue.message;
  }
}

/** Keys of the strict object at a path of the schema (for "allowed keys" and did-you-mean). */
function allowedKeysAt(path: SpecPath): string[] {
  let schema: unknown = specSchema;
  for (const p of path) {
    schema = unwrap(schema);
    const def = (
      schema as {
        def?: {
          type?: string;
          shape?: Record<string, unknown>;
          element?: unknown;
          valueType?: unknown;
        };
      }
    ).def;
    if (def?.type === "object" && typeof p === "string") schema = def.shape?.[p];
    else if (def?.type === "array") schema = def.element;
    else if (def?.type === "record") schema = def.valueType;
    else return [];
  }
  schema = unwrap(schema);
  const def = (schema as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  if (def?.type === "union") {
    const opts = (def as { options?: unknown[] }).options ?? [];
    for (const o of opts) {
      const od = (unwrap(o) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
      if (od?.type === "object") return Object.keys(od.shape ?? {});
    }
  }
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown } } | undefined;
  while (
    s?.def &&
    (s.def.type === "optional" || s.def.type === "default" || s.def.type === "nullable")
  ) {
    s = s.def.innerType as typeof s;
  }
  return s;
}

function nodeAt(doc: Document, path: SpecPath): Node | undefined {
  if (path.length === 0) return (doc.contents as Node | null) ?? undefined;
  const n = doc.getIn(path, true);
  return n as Node | undefined;
}

function scalarText(doc: Document, path: SpecPath): string | undefined {
  const n = nodeAt(doc, path);
  return isScalar(n) && n.value !== null ? String(n.value) : undefined;
}

/** Offset of the key (for a map entry) or the value at a path; falls back to the nearest parent. */
function nodeOffset(doc: Document, path: SpecPath, value: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const parent = nodeAt(doc, path.slice(0, n - 1));
    const last = path[n - 1];
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find(
        (it) => isPair(it) && isScalar(it.key) && it.key.value === last,
      );
      const v = pair && isPair(pair) ? (pair.value as Node | null) : undefined;
      if (value && n === path.length && v?.range) return v.range[0];
      if (pair && isPair(pair) && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (n > 0 && isSeq(parent) && typeof last === "number") {
      const item = parent.items[last] as Node | undefined;
      if (item?.range) return item.range[0];
    }
    if (n === 0) {
      const root = nodeAt(doc, []);
      return root?.range?.[0] ?? 0;
    }
  }
  return 0;
}
