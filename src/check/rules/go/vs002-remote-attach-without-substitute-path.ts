import type { RepoModel, Rule, RuleFinding, TextFile } from "../../types.js";
import { remoteAttaches } from "./sources/launch.js";
import { moduleSettingSources } from "./sources/module-settings.js";

/** The first place a build strips file paths: a -trimpath flag in a build file or GOFLAGS. */
function trimpathAt(model: RepoModel): { file: string; line: number } | undefined {
  const files: TextFile[] = [
    ...model.dockerfiles,
    ...model.scripts,
    ...model.workflows,
    ...(model.gitlab ? [model.gitlab] : []),
  ];
  for (const f of files) {
    const i = f.lines.findIndex((l) => /(^|\s|["'=])--?trimpath\b/.test(l) && !/^\s*#/.test(l));
    if (i >= 0) return { file: f.path, line: i + 1 };
  }
  const flags = moduleSettingSources(model).find(
    (s) => s.name === "GOFLAGS" && /(^|\s)--?trimpath\b/.test(s.value),
  );
  return flags && { file: flags.file, line: flags.line };
}

export const VS002: Rule = {
  id: "VS002",
  severity: "warning",
  title: "remote attach without substitutePath while builds use -trimpath",
  doc: {
    why:
      "-trimpath records file names as module path + relative path (example.com/app/cmd/api/main.go) " +
      "instead of the build machine's paths. VS Code sets breakpoints by local absolute path, so " +
      "without a substitutePath mapping none of them bind and the debugger shows no source.",
    fix: 'Map the workspace to the module path: `"substitutePath": [{ "from": "${workspaceFolder}", "to": "<module path>" }]`.',
    example: {
      file: ".vscode/launch.json",
      bad: '{ "type": "go", "request": "attach", "mode": "remote", "debugAdapter": "dlv-dap", "port": 2345 }',
      good:
        '{ "type": "go", "request": "attach", "mode": "remote", "debugAdapter": "dlv-dap", "port": 2345,\n' +
        '  "substitutePath": [{ "from": "${workspaceFolder}", "to": "example.com/app" }] }',
    },
  },
  check({ model }) {
    const attaches = remoteAttaches(model).filter((a) => {
      const sp = a.config["substitutePath"];
      return !Array.isArray(sp) || sp.length === 0;
    });
    if (attaches.length === 0) return [];
    const trim = trimpathAt(model);
    if (!trim) return [];
    const module = model.gomods[0]?.mod.module.path ?? "<module path>";
    return attaches.map((a): RuleFinding => ({
      file: a.file.path,
      line: a.line,
      message: `"${a.name}" has no substitutePath, but ${trim.file}:${trim.line} builds with -trimpath, so the binary records paths like ${module}/…: breakpoints will not bind; map "\${workspaceFolder}" to "${module}"`,
      related: [{ file: trim.file, line: trim.line, message: "-trimpath" }],
    }));
  },
};
