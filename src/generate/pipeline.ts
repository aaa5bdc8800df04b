import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRepoFacts } from "../detect/index.js";
import { loadSpec, SPEC_FILE } from "../spec/load.js";
import type { LoadedSpec } from "../spec/load.js";
import { GopaveError } from "../util/errors.js";
import { MANIFEST_PATH, parseManifest } from "./manifest.js";
import type { Manifest } from "./manifest.js";
import { planSync } from "./plan.js";
import type { FileAction } from "./plan.js";
import { GENERATORS } from "./registry.js";
import { renderAll } from "./render-all.js";

export interface RepoPlan {
  loaded: LoadedSpec;
  manifest: Manifest;
  actions: FileAction[];
}

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Loads gopave.yaml from text and plans what sync would do in `root`. Reads only. */
export function planFromSpecText(root: string, specText: string, version: string): RepoPlan {
  const loaded = loadSpec(specText, SPEC_FILE);
  const repo = readRepoFacts(root, loaded.spec.keep);
  const desired = renderAll(loaded, repo, GENERATORS, version);
  const manifest = parseManifest(readText(join(root, MANIFEST_PATH)));
  const actions = planSync({ desired, manifest, read: (p) => readText(join(root, p)) });
  return { loaded, manifest, actions };
}

/** Plans a sync of the repo at `root` from its gopave.yaml. Reads only. */
export function planRepo(root: string, version: string): RepoPlan {
  const text = readText(join(root, SPEC_FILE));
  if (text === undefined) {
    throw new GopaveError("SPEC_MISSING", `no ${SPEC_FILE} in ${root}`, {
      hint: "run `gopave init` to detect the repo and write one",
    });
  }
  return planFromSpecText(root, text, version);
}
