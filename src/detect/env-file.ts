import { findSection } from "../generate/section.js";

/**
 * The variables of a .env file as compose reads them: `KEY=VALUE` or `export KEY=VALUE` lines,
 * `#` comments, single quotes literal, double quotes with `\` escapes, an unquoted value ending
 * at ` #`. gopave's own marked block is left out: it describes what gopave adds, not the repo.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const own = findSection(text);
  const body = own ? text.slice(0, own.start) + text.slice(own.end) : text;
  const vars: Record<string, string> = {};
  for (const raw of body.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1] as string;
    let value = (m[2] as string).trim();
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end < 0 ? value.slice(1) : value.slice(1, end);
    } else if (value.startsWith('"')) {
      const mm = /^"((?:[^"\\]|\\.)*)"/.exec(value);
      value = mm
        ? (mm[1] as string).replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c))
        : value.slice(1);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    vars[key] = value;
  }
  return vars;
}

/**
 * Compose-style `${VAR}`, `${VAR:-default}` and `${VAR-default}` references resolved from `vars`;
 * a reference that cannot be resolved is left as written.
 */
export function expandRefs(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g,
    (
      ref,
      name: string,
      colon: string | undefined,
      op: string | undefined,
      alt: string | undefined,
    ) => {
      const v = vars[name];
      const unset = v === undefined || (colon === ":" && v === "");
      if (!unset) return v;
      if (op === "-") return expandRefs(alt ?? "", vars);
      return ref;
    },
  );
}
