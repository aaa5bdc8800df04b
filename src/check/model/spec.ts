import { loadSpec } from "../../spec/load.js";
import { GopaveError } from "../../util/errors.js";
import type { SpecModel } from "../types.js";
import { textFile } from "./text-file.js";

/** A spec that does not load is rule GP002's finding, never a reason to stop checking. */
export function readSpec(path: string, text: string): SpecModel {
  const base = textFile(path, text);
  try {
    return { ...base, loaded: loadSpec(base.text, path), error: undefined };
  } catch (err) {
    const error =
      err instanceof GopaveError
        ? err
        : new GopaveError("SPEC_INVALID", `cannot load ${path}: ${(err as Error).message}`);
    return { ...base, loaded: undefined, error };
  }
}
