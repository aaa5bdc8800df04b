import { goMinor } from "../gomod/go-version.js";
import type { GeneratedFile, Generator } from "./types.js";

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const generateGolangci: Generator = (ctx): GeneratedFile[] => {
  const { lint, go, keep } = ctx.spec;
  if (keep.golangci !== undefined) return [];
  const linters = [...lint.linters].sort(byCodeUnits);
  const formatters = [...lint.formatters].sort(byCodeUnits);
  return [
    {
      path: ".golangci.yml",
      format: "yaml",
      data: {
        // Config format 2: golangci-lint v2, which is what gopave pins.
        version: "2",
        run: { go: goMinor(go.version) },
        linters: { default: "standard", ...(linters.length > 0 ? { enable: linters } : {}) },
        ...(formatters.length > 0 ? { formatters: { enable: formatters } } : {}),
      },
    },
  ];
};
