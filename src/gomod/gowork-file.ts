import type { GopaveError } from "../util/errors.js";
import type { GoModReplace } from "./gomod-file.js";
import { parseGoOrToolchain, parseGodebug, parseReplaceDirective } from "./gomod-file.js";
import type { ModDirective, ModToken } from "./modfile-syntax.js";
import {
  flattenDirectives,
  modError,
  parseModStatements,
  parseModString,
  throwIfAny,
} from "./modfile-syntax.js";

/** go.work, with modfile.ParseWork's rules (same grammar as go.mod, fewer directives). */
export interface GoWorkFile {
  go?: { version: string; line: number };
  toolchain?: { name: string; line: number };
  godebug: { key: string; value: string; line: number }[];
  /** Directories as written ("./api", "../shared", "/abs"), in file order. */
  use: { dir: string; line: number }[];
  replaces: GoModReplace[];
}

const WORK_BLOCK_VERBS = new Set(["godebug", "use", "replace"]);

/** Parses go.work text. `file` is only used in error positions. Throws GOMOD_INVALID. */
export function parseGoWork(text: string, file: string): GoWorkFile {
  const errs: GopaveError[] = [];
  const dirs = flattenDirectives(parseModStatements(text, file), file, WORK_BLOCK_VERBS, errs);
  const w: GoWorkFile = { godebug: [], use: [], replaces: [] };
  for (const d of dirs) {
    const line = d.at.line;
    switch (d.verb) {
      case "go":
      case "toolchain": {
        if ((d.verb === "go" ? w.go : w.toolchain) !== undefined) {
          errs.push(modError(file, d.at, `repeated ${d.verb} statement`));
          break;
        }
        const v = parseGoOrToolchain(d, file, errs);
        if (v === undefined) break;
        if (d.verb === "go") w.go = { version: v, line };
        else w.toolchain = { name: v, line };
        break;
      }
      case "godebug": {
        const g = parseGodebug(d, file, errs);
        if (g) w.godebug.push(g);
        break;
      }
      case "use": {
        const dir = useDir(d, file, errs);
        if (dir !== undefined) w.use.push({ dir, line });
        break;
      }
      case "replace": {
        const r = parseReplaceDirective(d, file, errs);
        if (r) w.replaces.push(r);
        break;
      }
      default:
        errs.push(modError(file, d.at, `unknown directive: ${d.verb}`));
    }
  }
  throwIfAny(errs);
  return w;
}

function useDir(d: ModDirective, file: string, errs: GopaveError[]): string | undefined {
  if (d.args.length !== 1) {
    errs.push(modError(file, d.at, `usage: ${d.verb} local/dir`));
    return undefined;
  }
  return parseModString(d.args[0] as ModToken, file, errs);
}
