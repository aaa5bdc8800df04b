import type { GeneratedFile, Generator } from "./types.js";

/** The Go extension id as the marketplace and devcontainer.json spell it. */
export const GO_EXTENSION = "golang.go";

export const generateVscodeExtensions: Generator = (ctx): GeneratedFile[] => {
  if (ctx.spec.editor.kind !== "vscode") return [];
  return [
    { path: ".vscode/extensions.json", format: "jsonc", data: { recommendations: [GO_EXTENSION] } },
  ];
};
