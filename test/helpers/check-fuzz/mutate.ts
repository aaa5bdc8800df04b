import { parse as parseJsonc } from "jsonc-parser";
import { parse as parseYaml, stringify } from "yaml";
import type { Rand } from "./random.js";
import { junk } from "./values.js";

/** Mutations of real files: the repo's fixtures and golden files, changed a little. */

const TOKENS = [
  "\\",
  "<<EOF",
  "<<-EOF\n\tx\n\tEOF",
  "$",
  "${",
  "${X:-",
  '"',
  "'",
  "[",
  "]",
  "{",
  "}",
  "--from=",
  "--mount=",
  "--mount=type=cache",
  ":",
  ": ",
  "- ",
  "#",
  "*a",
  "&a ",
  "<<: *a",
  "\t",
  "\r",
  "@",
  "@v",
  "go ",
  "go1.",
  " AS ",
  "\u0000",
  "é",
  "${{ x }}",
  "=",
  ",",
  "\n",
];

/** Line-level and character-level edits; most keep the file mostly parseable. */
export function mutateText(r: Rand, text: string): string {
  let lines = text.split("\n");
  for (let n = r.between(1, 3); n > 0; n--) {
    const i = r.int(Math.max(1, lines.length));
    r.oneOf<unknown>([
      [3, () => void lines.splice(i, 1)],
      [2, () => void lines.splice(i, 0, lines[r.int(lines.length)] ?? "")],
      [
        2,
        () => {
          const j = r.int(lines.length);
          const a = lines[i] ?? "";
          lines[i] = lines[j] ?? "";
          lines[j] = a;
        },
      ],
      [
        4,
        () => {
          const l = lines[i] ?? "";
          const at = r.int(l.length + 1);
          lines[i] = l.slice(0, at) + r.pick(TOKENS) + l.slice(at);
        },
      ],
      [2, () => void (lines[i] = (lines[i] ?? "").slice(0, r.int((lines[i] ?? "").length + 1)))],
      [1, () => void (lines = lines.slice(0, i))],
      [
        1,
        () =>
          void (lines[i] = (lines[i] ?? "").replace(/\d+/, String(r.pick([0, 1, 99, 1.5, -1])))),
      ],
      [1, () => void (lines[i] = (lines[i] ?? "").toLowerCase())],
      [1, () => void (lines[i] = `  ${lines[i] ?? ""}`)],
    ]);
  }
  return lines.join("\n");
}

type Path = (string | number)[];

/** Every path into a parsed document, for picking a node to change. */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root) as
    Record<string | number, unknown> | unknown[];
  const key = path.at(-1) as string | number;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else Reflect.deleteProperty(parent, key);
  } else {
    (parent as Record<string | number, unknown>)[key] = value;
  }
  return root;
}

/**
 * Parses a YAML or JSON(C) file, changes one to three nodes to values of another type (or
 * removes them, or wraps them in a list, or turns them into strings), and writes it back.
 * Unparseable input falls back to a text mutation.
 */
export function mutateStructure(r: Rand, text: string, json: boolean): string {
  let data: unknown;
  try {
    data = json
      ? (parseJsonc(text) as unknown)
      : (parseYaml(text, { merge: true, logLevel: "error" }) as unknown);
  } catch {
    return mutateText(r, text);
  }
  for (let n = r.between(1, 3); n > 0; n--) {
    const all = paths(data);
    const path = r.pick(all);
    const current = path.reduce<unknown>(
      (v, k) => (v as Record<string | number, unknown>)?.[k],
      data,
    );
    data = r.oneOf<unknown>([
      [4, () => setAt(data, path, junk(r), false)],
      [2, () => setAt(data, path, undefined, path.length > 0)],
      [1, () => setAt(data, path, [current], false)],
      [
        1,
        () =>
          setAt(
            data,
            path,
            typeof current === "object" ? JSON.stringify(current) : String(current),
            false,
          ),
      ],
      [
        1,
        () =>
          setAt(
            data,
            path,
            typeof current === "string" && /^\d/.test(current)
              ? Number.parseFloat(current)
              : current,
            false,
          ),
      ],
    ]);
  }
  return json ? JSON.stringify(data ?? null, null, 2) : stringify(data ?? null);
}
