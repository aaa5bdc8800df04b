import type { Rule, RuleFinding } from "../../types.js";
import { pinsAgree } from "./sources/go-lines.js";
import { setupGoProblems } from "./sources/setup-go.js";
import { goVersionPins } from "./sources/version-pins.js";
import type { GoVersionPin } from "./sources/version-pins.js";

type Pinned = GoVersionPin & { version: string; precision: "exact" | "minor" };

function isPinned(p: GoVersionPin): p is Pinned {
  return p.version !== undefined && (p.precision === "exact" || p.precision === "minor");
}

function shown(p: Pinned): string {
  return p.precision === "minor" ? `${p.version}.x` : p.version;
}

/**
 * The pin the others are measured against: gopave.yaml, else the toolchain line that governs the
 * repo (go.work's, else the root go.mod's), else the exact version most places name. Without one
 * (a tie, or only minor pins) every pin that disagrees with another is reported.
 */
function reference(pins: Pinned[]): Pinned | undefined {
  const exact = pins.filter((p) => p.precision === "exact");
  const spec = exact.find((p) => p.kind === "spec");
  if (spec) return spec;
  const toolchains = exact.filter((p) => p.kind === "toolchain");
  const governing =
    toolchains.find((p) => p.file === "go.work") ?? toolchains.find((p) => p.file === "go.mod");
  if (governing) return governing;
  const counts = new Map<string, Pinned[]>();
  for (const p of exact) counts.set(p.version, [...(counts.get(p.version) ?? []), p]);
  const ranked = [...counts.values()].sort((a, b) => b.length - a.length);
  const [top, next] = ranked;
  return top && (!next || top.length > next.length) ? top[0] : undefined;
}

export const GV001: Rule = {
  id: "GV001",
  severity: "error",
  title: "Go versions pinned in different places disagree",
  doc: {
    why:
      "The toolchain line, the Docker builder image, the dev container, CI and version files each decide " +
      "which Go compiles the code in that place. When they name different releases, a bug or a vet " +
      'finding can appear in one place and not another, and "works on my machine" comes back. ' +
      "A source that names only a minor (golang:1.26, setup-go '1.26') agrees with any 1.26.x; " +
      "go.mod's go line is a minimum, not a pin, and is checked by GV002. Each place is measured " +
      "against gopave.yaml's go.version, else the governing toolchain line, else the version most " +
      "places name.",
    fix:
      "Pick one exact release and write it everywhere (or declare it once as go.version in gopave.yaml " +
      "and let `gopave sync` render the files).",
    example: {
      file: "Dockerfile",
      bad: "# go.mod: toolchain go1.26.8\nFROM golang:1.25.4 AS build",
      good: "# go.mod: toolchain go1.26.8\nFROM golang:1.26.8 AS build",
    },
  },
  check({ model }) {
    const pins = goVersionPins(model)
      .filter((p) => p.kind !== "go-line")
      .filter(isPinned);
    // setup-go locations that CI001 already reports would otherwise be reported twice.
    const ci = new Set(setupGoProblems(model).map((f) => `${f.file}:${f.line}`));
    const out: RuleFinding[] = [];
    const ref = reference(pins);
    for (const p of pins) {
      const others = pins.filter((q) => q !== p);
      const disagree = ref
        ? pinsAgree(p, ref)
          ? []
          : [ref]
        : others.filter((q) => !pinsAgree(p, q));
      if (disagree.length === 0) continue;
      if (p.kind === "setup-go" && ci.has(`${p.file}:${p.line}`)) continue;
      const list = disagree.map((q) => `${shown(q)} (${q.label})`).join(", ");
      const verb = ref ? "but the repo pins" : "disagrees with";
      out.push({
        file: p.file,
        line: p.line,
        message: `Go ${shown(p)} here (${p.label}), ${verb} ${list}`,
        related: others.map((q) => ({
          file: q.file,
          line: q.line,
          message: `Go ${shown(q)}: ${q.label}`,
        })),
      });
    }
    return out;
  },
};
