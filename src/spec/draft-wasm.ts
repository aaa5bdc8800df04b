import type { Detection } from "../detect/index.js";
import { nameApps } from "./draft-apps.js";
import type { SpecInput } from "./schema.js";
import type { SpecComments } from "./spec-yaml.js";
import { defaultToolPin } from "./tools.js";

type DraftWasm = NonNullable<SpecInput["wasm"]>;

/**
 * wasm programs from their build constraints, named like apps. wasip1 needs a wazero pin for the
 * Go release: without one in gopave's table the target is left out and init says so, rather than
 * writing a spec that does not load.
 */
export function draftWasm(
  d: Detection,
  appNames: readonly string[],
  comments: SpecComments,
  notes: string[],
): DraftWasm {
  if (d.wasm.length === 0) return [];
  const wazero = defaultToolPin("wazero", d.goVersion).version;
  const { names } = nameApps(
    d.wasm.map((w) => w.main),
    d.name,
  );
  const taken = new Set(appNames.flatMap((a) => [a, `build-${a}`, `${a}-debug`]));
  const out: DraftWasm = [];
  d.wasm.forEach((w, i) => {
    let name = names[i] ?? d.name;
    for (let n = 2; taken.has(`${name}-wasm`) || taken.has(`build-${name}-wasm`); n++)
      name = `${names[i] ?? d.name}-${n}`;
    const targets = w.targets.filter((t) => t !== "wasip1" || wazero !== undefined);
    if (targets.length < w.targets.length) {
      notes.push(
        `${w.main} targets wasip1, and gopave has no wazero pin for Go ${d.goVersion}: pin one in tools (wazero: vX.Y.Z) and add wasip1 to its targets`,
      );
    }
    if (targets.length === 0) return;
    out.push({ name, main: w.main, targets });
  });
  if (out.length > 0)
    comments.wasm = `built for wasm by their own files: ${d.wasm.flatMap((w) => w.evidence).join(", ")}`;
  return out;
}
