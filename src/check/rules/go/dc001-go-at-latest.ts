import type { Rule, RuleFinding } from "../../types.js";
import { goFeature } from "./sources/devcontainer.js";
import { goImageVersion } from "./sources/go-image.js";
import { isRecord, scalarString } from "./sources/values.js";

const TOOLS_AT_LATEST =
  "the feature also installs gopls, dlv, staticcheck, revive and other tools @latest, so pin those " +
  "separately (e.g. go install …@vX.Y.Z in postCreateCommand, or gopave.yaml tools)";

export const DC001: Rule = {
  id: "DC001",
  severity: "warning",
  title: "dev container Go or golangci-lint at latest",
  doc: {
    why:
      "The Go feature (ghcr.io/devcontainers/features/go) defaults both `version` and " +
      "`golangciLintVersion` to latest, and a Go image without a version tag is `latest`: each " +
      "rebuild of the container can bring a different Go or linter than CI and the Docker build use. " +
      "The feature also installs its Go tools (gopls, dlv, staticcheck, …) @latest, whatever the options say.",
    fix:
      "Pin `version` to the repo's exact Go release and `golangciLintVersion` to the linter release CI " +
      "uses (without a leading v); tag Go images with the exact release.",
    example: {
      file: ".devcontainer/devcontainer.json",
      bad: '"features": { "ghcr.io/devcontainers/features/go:1": {} }',
      good: '"features": { "ghcr.io/devcontainers/features/go:1": { "version": "1.26.8", "golangciLintVersion": "2.13.1" } }',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const dc of model.devcontainers) {
      const image = isRecord(dc.data) ? dc.data["image"] : undefined;
      if (
        typeof image === "string" &&
        !image.includes("$") &&
        goImageVersion(image)?.precision === "floating"
      ) {
        out.push({
          file: dc.path,
          line: dc.lineOf(["image"]),
          message: `image ${image} does not name a Go version (it follows latest): each rebuild can bring another Go; tag it with the exact release`,
        });
      }
      const f = goFeature(dc);
      if (!f) continue;
      for (const option of ["version", "golangciLintVersion"] as const) {
        const value = scalarString(f.options[option]);
        if (option === "version" && value === "none") continue;
        if (value !== undefined && value !== "latest") continue;
        const line = value === undefined ? f.line : dc.lineOf([...f.path, option]);
        const state = value === undefined ? "is not set (default: latest)" : 'is "latest"';
        const what = option === "version" ? "Go" : "golangci-lint";
        out.push({
          file: dc.path,
          line,
          message: `${f.key}: ${option} ${state}, so each rebuild can install a different ${what}; pin the exact release${option === "version" ? `; ${TOOLS_AT_LATEST}` : ""}`,
        });
      }
    }
    return out;
  },
};
