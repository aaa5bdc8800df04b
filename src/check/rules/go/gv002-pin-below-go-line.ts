import type { RepoModel, Rule, RuleFinding } from "../../types.js";
import { DF012 } from "../docker/df012-golang-image-older-than-go-mod.js";
import { belowGoLineEffect } from "./sources/below-go-line.js";
import type { ToolchainMode } from "./sources/below-go-line.js";
import { pinBelow, requiredGo } from "./sources/go-lines.js";
import { goVersionPins } from "./sources/version-pins.js";
import type { GoVersionPin } from "./sources/version-pins.js";

/**
 * GOTOOLCHAIN where a pin's Go runs: the golang images set local; Go installed from go.dev (the
 * dev container feature, version files read by goenv, asdf or mise) keeps go.env's auto.
 */
function modeOf(model: RepoModel, p: GoVersionPin): ToolchainMode {
  const text = model.readFile?.(p.file) ?? "";
  // A file that sets GOTOOLCHAIN itself overrides the image's default.
  if (/\bGOTOOLCHAIN\b/.test(text)) return "unknown";
  if (/\bgolang:/.test(p.label)) return "local";
  if (p.kind === "version-file" || p.kind === "devcontainer-feature") return "auto";
  return "unknown";
}

export const GV002: Rule = {
  id: "GV002",
  severity: "error",
  title: "a pinned Go version is below go.mod's go line",
  doc: {
    why:
      "Since Go 1.21 the go line of go.mod (or go.work) is a minimum. With GOTOOLCHAIN=local — " +
      'which the official golang images set — an older Go stops with "go.mod requires go >= …"; ' +
      "with the default GOTOOLCHAIN=auto the go command downloads the newer toolchain on every " +
      "fresh machine, so the pinned version is never the one that runs. A Go before 1.21 treats " +
      "the go line as advisory and builds anyway (it cannot parse a `go 1.21.0`-style line, " +
      "though), so it tests a Go the module says it does not support.",
    fix: "Raise the pin to a release at or above the go line (or lower the go line if the code allows).",
    example: {
      file: "Dockerfile",
      bad: "# go.mod: go 1.25.0\nFROM golang:1.24.9 AS build",
      good: "# go.mod: go 1.25.0\nFROM golang:1.25.4 AS build",
    },
  },
  async check(ctx) {
    const { model } = ctx;
    // DF012 reports the Dockerfile case where the golang image's GOTOOLCHAIN=local breaks the
    // build; one problem should be one finding.
    const docker = new Set((await DF012.check(ctx)).map((f) => `${f.file}:${f.line}`));
    const out: RuleFinding[] = [];
    for (const p of goVersionPins(model)) {
      if (p.version === undefined || (p.precision !== "exact" && p.precision !== "minor")) continue;
      // setup-go is CI001's; a toolchain line below its own file's go line is GV003's.
      if (p.kind === "go-line" || p.kind === "setup-go") continue;
      const need = requiredGo(
        model,
        p.file,
        p.kind === "dockerfile" || p.kind === "toolchain" ? "module" : "repo",
      );
      if (!need || (p.kind === "toolchain" && need.file === p.file)) continue;
      if (!pinBelow(p.version, p.precision, need.version)) continue;
      if (p.kind === "dockerfile" && docker.has(`${p.file}:${p.fromLine ?? p.line}`)) continue;
      const what = p.precision === "minor" ? `Go ${p.version}.x` : `Go ${p.version}`;
      const effect = belowGoLineEffect(
        { version: p.version, precision: p.precision },
        need.version,
        modeOf(model, p),
        "the golang image's default",
      );
      out.push({
        file: p.file,
        line: p.line,
        message: `${what} (${p.label}) is below the go line \`go ${need.version}\` in ${need.file}: ${effect}`,
        related: [{ file: need.file, line: need.line, message: `go ${need.version}` }],
      });
    }
    return out;
  },
};
