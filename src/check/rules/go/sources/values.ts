/** Narrowing helpers for parsed YAML/JSON, where every value is `unknown`. */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A scalar as the tool reading it would see it; YAML numbers and booleans become text. */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

export function recordAt(v: unknown, key: string): Record<string, unknown> | undefined {
  if (!isRecord(v)) return undefined;
  const child = v[key];
  return isRecord(child) ? child : undefined;
}

/**
 * The value a shell or compose file ends up with when it only references variables that are
 * not set here: `${X:-d}` and `${X-d}` become d; a bare `$X` / `${X}` is set somewhere else, so
 * the value is unknown (undefined). Text without references is returned as is.
 */
export function withDefaults(value: string): string | undefined {
  const out = value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, "$1");
  return /\$(\{|[A-Za-z_])/.test(out) ? undefined : out;
}

/** Lower-case comparison helper for ids that tools treat case-insensitively. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The value at a data path of object keys and array indexes; undefined when a step is missing. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const k of path) {
    if (typeof k === "number" && Array.isArray(v)) v = v[k];
    else if (typeof k === "string" && isRecord(v)) v = v[k];
    else return undefined;
  }
  return v;
}
