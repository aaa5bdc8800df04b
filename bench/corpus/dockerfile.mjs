// Just enough Dockerfile reading for the corpus runner: logical instructions (continuations
// joined, comment lines dropped), word splitting with quotes and $VAR expansion as Docker does it
// for ARG/ENV/COPY/WORKDIR, and the steps of the `deps` stage up to its `go mod download`.

/** Logical instructions: {keyword, rest, line} with `\` continuations joined. */
export function instructions(text) {
  const out = [];
  let current = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // Comment lines (and parser directives) are dropped, also inside a continuation.
    if (trimmed.startsWith("#")) return;
    if (current === null && trimmed === "") return;
    const continued = /(^|[^\\])\\$/.test(trimmed) || trimmed === "\\";
    const body = continued ? trimmed.slice(0, -1) : trimmed;
    if (current === null) current = { text: body, line: i + 1 };
    else current.text += ` ${body}`;
    if (!continued) {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(current.text.trim());
      if (m) out.push({ keyword: m[1].toUpperCase(), rest: m[2].trim(), line: current.line });
      current = null;
    }
  });
  if (current !== null) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(current.text.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), rest: m[2].trim(), line: current.line });
  }
  return out;
}

/**
 * Splits on unquoted whitespace, removing quotes and expanding $VAR, ${VAR}, ${VAR:-x} and
 * ${VAR:+x} from `vars` (a Map) outside single quotes; `\` escapes the next character.
 */
export function words(text, vars = new Map()) {
  const out = [];
  let word = null;
  let quote = null;
  const add = (s) => (word = (word ?? "") + s);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quote !== "'" && i + 1 < text.length) {
      add(text[++i]);
    } else if (quote !== null && c === quote) {
      quote = null;
    } else if (quote === null && (c === '"' || c === "'")) {
      quote = c;
      add("");
    } else if (quote === null && /\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (c === "$" && quote !== "'") {
      const [value, end] = expandAt(text, i, vars);
      add(value);
      i = end - 1;
    } else {
      add(c);
    }
  }
  if (word !== null) out.push(word);
  return out;
}

/** The value of the variable reference at text[i] ("$") and the index just past it. */
function expandAt(text, i, vars) {
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/.exec(text.slice(i));
  if (braced) {
    const [all, name, op, alt] = braced;
    const value = vars.get(name) ?? "";
    const result =
      op === ":-" ? (value === "" ? alt : value) : op === ":+" ? (value === "" ? "" : alt) : value;
    return [result, i + all.length];
  }
  const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
  if (plain) return [vars.get(plain[1]) ?? "", i + plain[0].length];
  return ["$", i + 1];
}

/** Leading `--name=value` flags of an instruction, and what follows them. */
export function splitFlags(rest) {
  const flags = [];
  let remaining = rest;
  for (;;) {
    const m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(remaining);
    if (!m) return { flags, remaining };
    flags.push({ name: m[1], value: m[2] ?? "" });
    remaining = remaining.slice(m[0].length);
  }
}

/** A JSON (exec) form array, or undefined for the shell form. */
function jsonForm(rest) {
  if (!rest.startsWith("[")) return undefined;
  try {
    const parsed = JSON.parse(rest);
    return Array.isArray(parsed) && parsed.every((s) => typeof s === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Names and values of `ARG A B=c`: an ARG without a default is "" (unset). */
function argPairs(rest, vars) {
  return words(rest, vars).map((w) => {
    const eq = w.indexOf("=");
    return eq < 0 ? [w, ""] : [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** `ENV A=b C="d e"` or the old `ENV A b c` form. */
function envPairs(rest, vars) {
  const ws = words(rest, vars);
  if (ws.length > 0 && !ws[0].includes("=")) {
    const name = /^\S+/.exec(rest)?.[0] ?? "";
    return [[name, words(rest.slice(name.length), vars).join(" ")]];
  }
  return ws.map((w) => {
    const eq = w.indexOf("=");
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function baseImage(rest) {
  return words(splitFlags(rest).remaining)[0] ?? "";
}

function stageName(rest) {
  const ws = words(splitFlags(rest).remaining);
  return ws.length >= 3 && ws[1].toUpperCase() === "AS" ? ws[2] : undefined;
}

const DOWNLOAD = /\bgo\b[^;&|]*\bmod\s+download\b/;

/**
 * The `deps` stage: its base image, its ARG/ENV values (`vars`, in order of declaration), and the
 * WORKDIR/COPY/RUN steps up to and including the RUN that runs `go mod download`. Other RUNs
 * before it are listed in `ignored` (they cannot run outside the image). Returns {error} when
 * there is no such stage or no download in it.
 */
export function depsStage(text, name = "deps") {
  const all = instructions(text);
  const from = all.findIndex(
    (ins) => ins.keyword === "FROM" && stageName(ins.rest)?.toLowerCase() === name,
  );
  if (from < 0) return { error: `no stage named ${name}` };
  const vars = new Map();
  const steps = [];
  const ignored = [];
  for (const ins of all.slice(from + 1)) {
    if (ins.keyword === "FROM") break;
    const step = stageStep(ins, vars);
    if (step === undefined) continue;
    if (step.kind === "run" && !DOWNLOAD.test(step.command.join(" "))) {
      ignored.push(`line ${ins.line}: RUN ${ins.rest}`);
      continue;
    }
    steps.push(step);
    if (step.kind === "run") return { base: baseImage(all[from].rest), vars, steps, ignored };
  }
  return { error: `stage ${name} has no RUN with go mod download` };
}

/** One instruction of the stage as a step (or undefined), updating `vars` for ARG and ENV. */
function stageStep(ins, vars) {
  switch (ins.keyword) {
    case "ARG":
      for (const [k, v] of argPairs(ins.rest, vars)) if (!vars.has(k) || v !== "") vars.set(k, v);
      return undefined;
    case "ENV":
      for (const [k, v] of envPairs(ins.rest, vars)) vars.set(k, v);
      return undefined;
    case "WORKDIR":
      return { kind: "workdir", path: words(ins.rest, vars).join(" "), line: ins.line };
    case "COPY":
    case "ADD": {
      const { flags, remaining } = splitFlags(ins.rest);
      const args = jsonForm(remaining) ?? words(remaining, vars);
      const from = flags.find((f) => f.name === "from")?.value;
      return {
        kind: "copy",
        sources: args.slice(0, -1),
        dest: args.at(-1) ?? "",
        from,
        line: ins.line,
      };
    }
    case "RUN": {
      const { remaining } = splitFlags(ins.rest);
      const exec = jsonForm(remaining);
      return { kind: "run", command: exec ?? ["sh", "-c", remaining], line: ins.line };
    }
    default:
      return undefined;
  }
}

/** Shell-form RUN commands (flags removed) of every stage, for shellcheck. */
export function runCommands(text) {
  return instructions(text)
    .filter((ins) => ins.keyword === "RUN")
    .map((ins) => ({ line: ins.line, command: splitFlags(ins.rest).remaining }))
    .filter((r) => jsonForm(r.command) === undefined);
}
