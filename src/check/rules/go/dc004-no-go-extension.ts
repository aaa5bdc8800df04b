import type { Rule, RuleFinding } from "../../types.js";
import { devcontainerSource, goFeature } from "./sources/devcontainer.js";
import { isDevcontainerGoImage } from "./sources/go-image.js";
import { isRecord, recordAt } from "./sources/values.js";

export const DC004: Rule = {
  id: "DC004",
  severity: "note",
  title: "dev container without the Go extension",
  doc: {
    why:
      "Without golang.go in customizations.vscode.extensions, VS Code in the container has no gopls, " +
      "debugging or test integration until each person installs it by hand. The Go feature and the " +
      "mcr.microsoft.com/devcontainers/go images add it themselves, so they are not reported.",
    fix: 'Add "golang.go" to customizations.vscode.extensions.',
    example: {
      file: ".devcontainer/devcontainer.json",
      bad: '"customizations": { "vscode": { "extensions": [] } }',
      good: '"customizations": { "vscode": { "extensions": ["golang.go"] } }',
    },
  },
  check({ model }) {
    if (model.gomods.length === 0) return [];
    const out: RuleFinding[] = [];
    for (const dc of model.devcontainers) {
      if (goFeature(dc)) continue;
      const image = devcontainerSource(model, dc).image;
      if (image && isDevcontainerGoImage(image)) continue;
      const vscode = recordAt(recordAt(dc.data, "customizations"), "vscode");
      // Top-level `extensions` is deprecated but still honoured.
      const lists = [vscode?.["extensions"], isRecord(dc.data) ? dc.data["extensions"] : undefined];
      const ids = lists
        .flatMap((l) => (Array.isArray(l) ? l : []))
        .filter((e): e is string => typeof e === "string");
      if (ids.some((e) => e.split("@")[0]?.toLowerCase() === "golang.go")) continue;
      out.push({
        file: dc.path,
        line: dc.lineOf(["customizations", "vscode", "extensions"]),
        message:
          'no "golang.go" in customizations.vscode.extensions: VS Code in this container starts without Go support',
      });
    }
    return out;
  },
};
