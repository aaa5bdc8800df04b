import { isTextFile } from "../model-files.js";
import type { RepoModel, StructuredFile, TextFile } from "../types.js";

/**
 * Where a rule was in the repo when it threw. The runner calls this only after a rule failed: the
 * rule (pure, so deterministic) runs once more on a copy of the model whose files are wrapped in
 * proxies that note the last file, YAML/JSON data path and Dockerfile node the rule touched. The
 * happy path never pays for the proxies, and a proxy quirk can only blur a location, never a
 * result.
 */

export interface FailureSpot {
  file: string;
  line: number;
}

type DataPath = (string | number)[];

interface Touch {
  file: TextFile;
  /** Path into a StructuredFile's data, turned into a line with lineOf once the rule threw. */
  path?: DataPath;
  line?: number;
}

class Tracer {
  last: Touch | undefined;
  private readonly wrapped = new WeakMap<object, object>();
  private readonly targets = new WeakMap<object, object>();

  touch(t: Touch): void {
    this.last = t;
  }

  unwrap(v: unknown): unknown {
    return (typeof v === "object" && v !== null && this.targets.get(v)) || v;
  }

  /** The model as rules see it, every file (found by shape) behind a recording proxy. */
  model(model: RepoModel): RepoModel {
    const traced: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(model)) {
      traced[key] = Array.isArray(v)
        ? v.map((x: unknown) => (isTextFile(x) ? this.file(x) : x))
        : isTextFile(v)
          ? this.file(v)
          : v;
    }
    const readFile = model.readFile;
    if (readFile) {
      traced["readFile"] = (path: string) => {
        this.touch({ file: { path, text: "", lines: [] } });
        return readFile(path);
      };
    }
    return traced as unknown as RepoModel;
  }

  private file<T extends TextFile>(f: T): T {
    return new Proxy(f, {
      get: (target, key, receiver) => {
        this.touch({ file: target });
        const v: unknown = Reflect.get(target, key, receiver);
        if (key === "data") return this.wrap(v, target, []);
        if (key === "ast" || key === "mod" || key === "work")
          return this.wrap(v, target, undefined);
        return v;
      },
    });
  }

  /**
   * Plain data (YAML/JSON values, arrays) is wrapped with its data path; class instances (the
   * Dockerfile AST, go.mod) have their methods run on the real object, so internal slots and
   * Map/Set receivers keep working, and what they return is wrapped in turn.
   */
  private wrap(v: unknown, file: TextFile, path: DataPath | undefined): unknown {
    if (typeof v !== "object" || v === null || v instanceof Promise) return v;
    const known = this.wrapped.get(v);
    if (known) return known;
    const proto: unknown = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === Array.prototype || proto === null;
    const proxy = new Proxy(v, plain ? this.dataHandler(file, path) : this.nodeHandler(file));
    this.wrapped.set(v, proxy);
    this.targets.set(proxy, v);
    return proxy;
  }

  private dataHandler(file: TextFile, path: DataPath | undefined): ProxyHandler<object> {
    return {
      get: (target, key, receiver) => {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== "string" || fixed(target, key)) return v;
        if (!Object.hasOwn(target, key)) {
          // A key the value lacks (`service.image` on a service without one) or a method: the
          // rule is still reading this value.
          if (path) this.touch({ file, path });
          return v;
        }
        const seg = Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key;
        const at = path ? [...path, seg] : undefined;
        if (at) this.touch({ file, path: at });
        return this.wrap(v, file, at);
      },
    };
  }

  private nodeHandler(file: TextFile): ProxyHandler<object> {
    const methods = new Map<PropertyKey, unknown>();
    return {
      get: (target, key) => {
        const v: unknown = Reflect.get(target, key, target);
        if (fixed(target, key)) return v;
        if (typeof v !== "function") return this.wrap(v, file, undefined);
        let m = methods.get(key);
        if (!m) {
          m = (...args: unknown[]) => {
            const line = nodeLine(target, file);
            if (line !== undefined) this.touch({ file, line });
            const out: unknown = Reflect.apply(
              v,
              target,
              args.map((a) => this.unwrap(a)),
            );
            return this.wrap(out, file, undefined);
          };
          methods.set(key, m);
        }
        return m;
      },
    };
  }
}

/** A non-configurable, read-only property must read as itself through a proxy. */
function fixed(target: object, key: PropertyKey): boolean {
  const d = Object.getOwnPropertyDescriptor(target, key);
  return d !== undefined && !d.configurable && d.writable === false;
}

/** 1-based line of a Dockerfile node (instruction, argument, flag...), not of the whole file. */
function nodeLine(node: object, file: TextFile): number | undefined {
  if ((file as { ast?: unknown }).ast === node) return undefined;
  const getRange = (node as { getRange?: unknown }).getRange;
  if (typeof getRange !== "function") return undefined;
  try {
    const range = getRange.call(node) as { start?: { line?: unknown } } | null;
    const line = range?.start?.line;
    return typeof line === "number" ? line + 1 : undefined;
  } catch {
    return undefined;
  }
}

function spotOf(t: Touch): FailureSpot {
  let line = t.line ?? 1;
  if (t.path && "lineOf" in t.file) {
    try {
      line = (t.file as StructuredFile).lineOf(t.path);
    } catch {
      line = 1;
    }
  }
  const max = Math.max(1, t.file.lines.length);
  return { file: t.file.path, line: Number.isInteger(line) && line >= 1 && line <= max ? line : 1 };
}

/**
 * Runs `check` again on a traced model; the spot it last touched when it threw, or undefined
 * when it touched no file or (a proxy quirk) did not throw this time.
 */
export async function locateFailure(
  model: RepoModel,
  check: (model: RepoModel) => unknown,
): Promise<FailureSpot | undefined> {
  const tracer = new Tracer();
  try {
    await check(tracer.model(model));
    return undefined;
  } catch {
    return tracer.last ? spotOf(tracer.last) : undefined;
  }
}
