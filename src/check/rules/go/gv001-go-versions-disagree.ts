import type { RepoModel, Rule, RuleFinding } from "../../types.js";
import { pinBelow, pinsAgree, requiredGo } from "./sources/go-lines.js";
import { setupGoProblems } from "./sources/setup-go.js";
import { goVersionPins } from "./sources/version-pins.js";
import type { GoVersionPin } from "./sources/version-pins.js";

type Pinned = GoVersionPin & { version: string; precision: "exact" | "minor" };

function isPinned(p: GoVersionPin): p is Pinned {
  return p.version !== undefined && (p.precision === "exact" || p.precision === "minor");
}

/** Nested modules that are neither the root module nor a go.work member. */
function foreignModuleDirs(model: RepoModel): string[] {
  const used = new Set(
    (model.gowork?.work.use ?? []).map(
      (u) => u.dir.replace(/^\.\/?/, "").replace(/\/$/, "") || ".",
    ),
  );
  return model.gomods.map((m) => m.dir).filter((d) => d !== "." && !used.has(d));
}

function shown(p: Pinned): string {
  return p.precision === "minor" ? `${p.version}.x` : p.version;
}

/** The repo's declared Go: gopave.yaml, else the governing toolchain line (go.work's, else go.mod's). */
function authority(pins: Pinned[]): Pinned | undefined {
  const exact = pins.filter((p) => p.precision === "exact");
  const spec = exact.find((p) => p.kind === "spec");
  if (spec) return spec;
  const toolchains = exact.filter((p) => p.kind === "toolchain");
  return (
    toolchains.find((p) => p.file === "go.work") ?? toolchains.find((p) => p.file === "go.mod")
  );
}

/** Without an authority: the exact version most places name, if one leads. */
function majority(exact: Pinned[]): Pinned | undefined {
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
      "go.mod's go line is a minimum, not a pin, and is checked by GV002. When the repo declares its " +
      "Go (gopave.yaml's go.version, else the governing toolchain line), every place is measured " +
      "against it: an exact release that differs is an error, a floating minor (golang:1.26, " +
      "setup-go '1.26.x') of another minor a warning. Without a declaration only exact releases " +
      "are compared, with each other: floating minors and CI matrices often differ on purpose. " +
      "A hand-written Tiltfile (and the .tiltfile/.star files it loads) counts too: the " +
      "GO_VERSION/GOLANG_VERSION build args it passes to docker_build (build_args=) or " +
      "custom_build (--build-arg) and the release a GOTOOLCHAIN=go1.X.Y names (env=, " +
      "serve_env=, or before a command), top-level string variables followed (computed values " +
      "are not); gopave's own Tiltfile is GP001's.",
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
    const foreign = foreignModuleDirs(model);
    const pins = goVersionPins(model)
      .filter((p) => p.kind !== "go-line")
      .filter(isPinned)
      // A nested module of its own (a test fixture, a tool) answers to its own go.mod.
      .filter((p) => !foreign.some((d) => p.file.startsWith(`${d}/`)))
      // Below the go line is GV002's (or DF012's, CI001's) finding, whatever else it disagrees with.
      .filter((p) => {
        const need = requiredGo(model, p.file, p.kind === "dockerfile" ? "module" : "repo");
        return !need || !pinBelow(p.version, p.precision, need.version);
      });
    // setup-go locations that CI001 already reports would otherwise be reported twice.
    const ci = new Set(setupGoProblems(model).map((f) => `${f.file}:${f.line}`));
    const out: RuleFinding[] = [];
    const declared = authority(pins);
    const compared = declared ? pins : pins.filter((p) => p.precision === "exact");
    const ref = declared ?? majority(compared);
    for (const p of compared) {
      const others = pins.filter((q) => q !== p);
      let disagree = ref
        ? pinsAgree(p, ref)
          ? []
          : [ref]
        : others.filter((q) => !pinsAgree(p, q));
      // Undeclared, an exact release is also measured against the minors the rest floats on
      // (a Dockerfile on 1.26.4 while CI installs 1.25.x), as a warning: they may differ on purpose.
      let severity: "warning" | undefined = p.precision === "minor" ? "warning" : undefined;
      if (!declared && disagree.length === 0) {
        disagree = others.filter((q) => q.precision === "minor" && !pinsAgree(p, q));
        if (disagree.length > 0) severity = "warning";
      }
      if (disagree.length === 0) continue;
      if (p.kind === "setup-go" && ci.has(`${p.file}:${p.line}`)) continue;
      const list = disagree.map((q) => `${shown(q)} (${q.label})`).join(", ");
      const verb =
        disagree.length === 1 && disagree[0] === ref ? "but the repo pins" : "disagrees with";
      out.push({
        ...(severity ? { severity } : {}),
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
