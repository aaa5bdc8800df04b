import type { RepoModel, Rule, RuleFinding, TextFile } from "../../types.js";
import { remoteAttaches } from "./sources/launch.js";
import { imageCommand, runsDelve } from "../docker/util/repo.js";
import { stageGraph } from "../docker/util/stages.js";
import { moduleSettingSources } from "./sources/module-settings.js";

const TRIMPATH = /(^|\s|["'=])--?trimpath\b/;
/** Optimisations off (`-gcflags=all=-N -l`): a build meant for the debugger. */
const DEBUG_BUILD = /-N\s+-l\b|-l\s+-N\b/;

/**
 * The first place a debug build strips file paths — the build a remote attach talks to: a
 * -trimpath in GOFLAGS (every build), in a Dockerfile that runs Delve, or on a line that also
 * turns optimisations off. A -trimpath release build elsewhere says nothing about the binary
 * being debugged.
 */
function trimpathAt(model: RepoModel): { file: string; line: number } | undefined {
  const flags = moduleSettingSources(model).find(
    (s) => s.name === "GOFLAGS" && /(^|\s)--?trimpath\b/.test(s.value),
  );
  if (flags) return { file: flags.file, line: flags.line };
  const delve = new Set(
    model.dockerfiles
      .filter((d) => stageGraph(d).stages.some((s) => runsDelve(imageCommand(s))))
      .map((d) => d.path),
  );
  const files: TextFile[] = [
    ...model.dockerfiles,
    ...model.scripts,
    ...model.workflows,
    ...(model.gitlab ? [model.gitlab] : []),
  ];
  for (const f of files) {
    const i = f.lines.findIndex(
      (l) => TRIMPATH.test(l) && !/^\s*#/.test(l) && (delve.has(f.path) || DEBUG_BUILD.test(l)),
    );
    if (i >= 0) return { file: f.path, line: i + 1 };
  }
  return undefined;
}

export const VS002: Rule = {
  id: "VS002",
  severity: "warning",
  title: "remote attach without substitutePath while builds use -trimpath",
  doc: {
    why:
      "-trimpath records file names as module path + relative path (example.com/app/cmd/api/main.go) " +
      "instead of the build machine's paths. VS Code sets breakpoints by local absolute path, so " +
      "without a substitutePath mapping none of them bind and the debugger shows no source. Only " +
      "debug builds count: -trimpath in GOFLAGS, in a Dockerfile that runs Delve, or beside " +
      "`-gcflags=all=-N -l`.",
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
