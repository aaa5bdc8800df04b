import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

/**
 * VS Code Go settings shared by .vscode/settings.json and the dev container's customizations, so
 * the editor behaves the same on a laptop and in the container.
 */
export function goExtensionSettings(ctx: GenerateContext): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    // The tools are pinned (setup script, dev image): the extension must not swap in @latest.
    "go.toolsManagement.autoUpdate": false,
    "go.toolsManagement.checkForUpdates": "off",
  };
  // Without a pinned golangci-lint the extension would offer to install whatever is newest.
  const lint = ctx.tools.find((t) => t.name === "golangci-lint");
  if (lint)
    settings["go.lintTool"] = lint.version.startsWith("v1.") ? "golangci-lint" : "golangci-lint-v2";
  const gopls: Record<string, unknown> = {};
  // gopls formats on save; it must agree with the gofumpt formatter golangci-lint enforces.
  if (ctx.spec.lint.formatters.includes("gofumpt")) gopls["formatting.gofumpt"] = true;
  if (Object.keys(gopls).length > 0) settings["gopls"] = gopls;
  return settings;
}

export const generateVscodeSettings: Generator = (ctx): GeneratedFile[] => {
  if (ctx.spec.editor.kind !== "vscode") return [];
  return [{ path: ".vscode/settings.json", format: "jsonc", data: goExtensionSettings(ctx) }];
};
