import type { Rule, RuleFinding } from "../../types.js";
import { remoteAttaches } from "./sources/launch.js";

export const VS001: Rule = {
  id: "VS001",
  severity: "warning",
  title: "VS Code remote attach without debugAdapter dlv-dap",
  doc: {
    why:
      'For `"request": "attach", "mode": "remote"` the Go extension uses Delve\'s DAP adapter ' +
      "only when asked to, or when it can guess substitutePath itself; otherwise stable releases fall " +
      "back to the legacy adapter, which behaves differently from the dlv-dap launch configurations " +
      "next to it. vscode-go's debugging guide says to set dlv-dap explicitly for remote mode.",
    fix: 'Add `"debugAdapter": "dlv-dap"` to every remote attach configuration.',
    example: {
      file: ".vscode/launch.json",
      bad: '{ "name": "Attach", "type": "go", "request": "attach", "mode": "remote", "port": 2345 }',
      good: '{ "name": "Attach", "type": "go", "request": "attach", "mode": "remote", "port": 2345,\n  "debugAdapter": "dlv-dap" }',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const a of remoteAttaches(model)) {
      const adapter = a.config["debugAdapter"];
      if (adapter === "dlv-dap") continue;
      const line =
        adapter === undefined ? a.line : a.file.lineOf(["configurations", a.index, "debugAdapter"]);
      out.push({
        file: a.file.path,
        line,
        message:
          adapter === undefined
            ? `"${a.name}" attaches to a remote Delve without "debugAdapter": "dlv-dap": the Go extension falls back to the legacy adapter unless it can guess substitutePath`
            : `"${a.name}" uses "debugAdapter": ${JSON.stringify(adapter)}: vscode-go's debugging guide asks for "dlv-dap" in remote mode`,
      });
    }
    return out;
  },
};
