/**
 * Dockerfile variable substitution (`$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}`)
 * against known values. A plain reference to a variable with no known value leaves the result
 * unresolved instead of guessing: rules then skip what they cannot know.
 */

/** name -> value; `undefined` = declared without a value (set by --build-arg or not at all). */
export type Vars = ReadonlyMap<string, string | undefined>;

export interface Expanded {
  value: string;
  resolved: boolean;
}

const VAR_RE =
  /\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function expandVars(text: string, vars: Vars): Expanded {
  let resolved = true;
  const value = text.replace(
    VAR_RE,
    (whole, braced?: string, op?: string, word?: string, bare?: string) => {
      if (whole === "\\$") return "$";
      const name = (braced ?? bare) as string;
      const v = vars.get(name);
      // With an operator the default stands in for a value nobody passed: what a plain build uses.
      const set = v !== undefined && (op === "-" || op === "+" || v !== "");
      if (op === ":-" || op === "-") return set ? (v as string) : (word ?? "");
      if (op === ":+" || op === "+") return set ? (word ?? "") : "";
      if (v === undefined) {
        resolved = false;
        return "";
      }
      return v;
    },
  );
  return { value, resolved };
}

/** Names a text refers to as `$NAME` / `${NAME...}`, in order of appearance. */
export function referencedVars(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VAR_RE)) {
    const name = m[1] ?? m[4];
    if (name !== undefined) out.push(name);
  }
  return out;
}
