/**
 * Build constraints as go/build/constraint reads them, evaluated in three-valued logic so a tag
 * whose value gopave cannot know (goexperiment.*) leaves the answer open instead of guessing.
 */
export type Constraint =
  | { kind: "tag"; tag: string }
  | { kind: "not"; x: Constraint }
  | { kind: "and" | "or"; x: Constraint; y: Constraint };

/** true / false, or undefined when the value depends on a tag of unknown value. */
export type Tri = boolean | undefined;

const TAG_RE = /^[\p{L}\p{Nd}_.]+$/u;

/** The expression of a `//go:build` line, or undefined if `line` is not one. */
export function goBuildExpr(line: string): string | undefined {
  const t = line.trim();
  if (!t.startsWith("//go:build")) return undefined;
  const rest = t.slice("//go:build".length);
  // "//go:buildfoo" is not a constraint; "//go:build" followed by space (or nothing) is.
  if (rest !== "" && rest.trim().length === rest.length) return undefined;
  return rest.trim();
}

/** The expression of a `// +build` line, or undefined if `line` is not one. */
export function plusBuildExpr(line: string): string | undefined {
  const t = line.trim();
  if (!t.startsWith("//")) return undefined;
  const body = t.slice(2).trim();
  if (!body.startsWith("+build")) return undefined;
  const rest = body.slice("+build".length);
  if (rest !== "" && rest.trim().length === rest.length) return undefined;
  return rest.trim();
}

/** Parses a //go:build expression; undefined on a syntax error. */
export function parseGoBuild(expr: string): Constraint | undefined {
  const toks = expr.match(/&&|\|\||[()!]|[^\s()!&|]+|[&|]/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const fail = (): never => {
    throw new SyntaxError("bad build expression");
  };
  const or = (): Constraint => {
    let x = and();
    while (peek() === "||") {
      i++;
      x = { kind: "or", x, y: and() };
    }
    return x;
  };
  const and = (): Constraint => {
    let x = not();
    while (peek() === "&&") {
      i++;
      x = { kind: "and", x, y: not() };
    }
    return x;
  };
  const not = (): Constraint => {
    if (peek() !== "!") return atom();
    i++;
    if (peek() === "!") fail();
    return { kind: "not", x: atom() };
  };
  const atom = (): Constraint => {
    const t = toks[i++];
    if (t === "(") {
      const x = or();
      if (toks[i++] !== ")") fail();
      return x;
    }
    if (t === undefined || !TAG_RE.test(t)) return fail();
    return { kind: "tag", tag: t };
  };
  try {
    const x = or();
    return i === toks.length ? x : undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** Parses a `// +build` expression: space = OR, comma = AND, "!" = NOT; bad words mean "ignore". */
export function parsePlusBuild(expr: string): Constraint {
  const ignore: Constraint = { kind: "tag", tag: "ignore" };
  let x: Constraint | undefined;
  for (const clause of expr.split(/\s+/).filter((s) => s !== "")) {
    let y: Constraint | undefined;
    for (const lit of clause.split(",")) {
      let z: Constraint;
      if (lit.startsWith("!!") || lit === "!") z = ignore;
      else {
        const neg = lit.startsWith("!");
        const word = neg ? lit.slice(1) : lit;
        z = TAG_RE.test(word) ? { kind: "tag", tag: word } : ignore;
        if (neg) z = { kind: "not", x: z };
      }
      y = y ? { kind: "and", x: y, y: z } : z;
    }
    if (y) x = x ? { kind: "or", x, y } : y;
  }
  return x ?? ignore;
}

export function evalConstraint(c: Constraint, tag: (name: string) => Tri): Tri {
  switch (c.kind) {
    case "tag":
      return tag(c.tag);
    case "not": {
      const v = evalConstraint(c.x, tag);
      return v === undefined ? undefined : !v;
    }
    case "and": {
      const a = evalConstraint(c.x, tag);
      const b = evalConstraint(c.y, tag);
      if (a === false || b === false) return false;
      return a === true && b === true ? true : undefined;
    }
    case "or": {
      const a = evalConstraint(c.x, tag);
      const b = evalConstraint(c.y, tag);
      if (a === true || b === true) return true;
      return a === false && b === false ? false : undefined;
    }
  }
}
