import { posix } from "node:path";
import { parseGoMod } from "../../gomod/gomod-file.js";
import { parseGoWork } from "../../gomod/gowork-file.js";
import { GopaveError, GopaveErrors } from "../../util/errors.js";
import type { GoModModel, GoWorkModel } from "../types.js";
import { textFile } from "./text-file.js";
import type { Malformed } from "./text-file.js";
import type { Parsed } from "./structured.js";

/** Each of a parser's errors becomes its own malformed entry, so every one is positioned. */
export function errorsToMalformed(path: string, err: unknown): Malformed[] {
  if (err instanceof GopaveErrors && err.errors.length > 0) {
    return err.errors.map((e) => ({ path, line: e.position?.line ?? 1, message: e.message }));
  }
  if (err instanceof GopaveError) {
    return [{ path, line: err.position?.line ?? 1, message: err.message }];
  }
  throw err;
}

type ParsedMany<T> = { ok: true; file: T } | { ok: false; malformed: Malformed[] };

export function readGoMod(path: string, text: string): ParsedMany<GoModModel> {
  const base = textFile(path, text);
  try {
    const mod = parseGoMod(base.text, path);
    const dir = posix.dirname(path);
    return { ok: true, file: { ...base, dir, mod } };
  } catch (err) {
    return { ok: false, malformed: errorsToMalformed(path, err) };
  }
}

export function readGoWork(path: string, text: string): ParsedMany<GoWorkModel> {
  const base = textFile(path, text);
  try {
    return { ok: true, file: { ...base, work: parseGoWork(base.text, path) } };
  } catch (err) {
    return { ok: false, malformed: errorsToMalformed(path, err) };
  }
}

export type { Parsed };
