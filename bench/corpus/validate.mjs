// Checks one generated file with what the ecosystem uses: the official JSON Schemas (compiled by
// test/helpers/official-schemas.js, shared with the tests), actionlint, shellcheck, and at least
// a parse for every YAML and JSON file. shellcheck runs with --norc: the files are measured
// against its defaults, not against whatever optional checks a repo's .shellcheckrc turns on.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import { parseDocument } from "yaml";
import { officialSchemaValidator } from "../../test/helpers/official-schemas.js";
import { runCommands } from "./dockerfile.mjs";
import { run } from "./proc.mjs";

const MAX_LINES = 12;

/** Which checks a path gets, or undefined when there is none for it. */
export function fileKind(path, text) {
  const name = basename(path);
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return "workflow";
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(name)) return "compose";
  if (/^\.golangci\.ya?ml$/.test(name)) return "golangci";
  if (
    name === ".devcontainer.json" ||
    /(^|\/)\.devcontainer\/(.+\/)?devcontainer\.json$/.test(path)
  )
    return "devcontainer";
  if (/^(Dockerfile|Containerfile)(\..+)?$|\.Dockerfile$/.test(name)) return "dockerfile";
  if (name.endsWith(".sh") || /^#![^\n]*\b(sh|bash|dash)\b/.test(text)) return "shell";
  if (name.endsWith(".json"))
    return /(^|\/)\.(vscode|devcontainer)\//.test(path) ? "jsonc" : "json";
  if (/\.ya?ml$/.test(name)) return "yaml";
  return undefined;
}

function parseYaml(text) {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => `parse: ${e.message}`) };
  return { data: doc.toJS() };
}

function parseJsoncText(text) {
  const errors = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    return {
      errors: errors.map((e) => `parse: ${printParseErrorCode(e.error)} at offset ${e.offset}`),
    };
  }
  return { data };
}

function parseJson(text) {
  try {
    return { data: JSON.parse(text) };
  } catch (e) {
    return { errors: [`parse: ${e.message}`] };
  }
}

/** Tool output as lines, or [] when the tool passed; a tool that cannot run throws. */
async function toolLines(argv, opts, label) {
  const r = await run(argv, { ...opts, timeoutMs: 120_000 });
  if (r.code === 0) return [];
  if (r.code === 1) {
    return `${r.stdout}${r.stderr}`
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => `${label}: ${l}`);
  }
  throw new Error(`${argv[0]} failed (exit ${r.code ?? r.signal}): ${r.stderr.trim()}`);
}

/**
 * A validator for generated files under a repo root.
 * @param {{schemasDir: string, actionlint: string, shellcheck: string}} tools
 */
export function fileValidator({ schemasDir, actionlint, shellcheck }) {
  const schemaErrors = officialSchemaValidator(schemasDir);
  const withSchema = (name, parsed) =>
    parsed.errors ?? schemaErrors(name, parsed.data).map((l) => `schema: ${l}`);
  const shellcheckRuns = async (text, root) => {
    const out = [];
    for (const r of runCommands(text)) {
      const lines = await toolLines(
        [shellcheck, "--norc", "-s", "sh", "-f", "gcc", "-"],
        { cwd: root, input: r.command },
        `shellcheck (RUN at line ${r.line})`,
      );
      out.push(...lines);
    }
    return out;
  };

  const checks = {
    workflow: async (text, root, path) => [
      ...withSchema("github-workflow", parseYaml(text)),
      ...(await toolLines([actionlint, "-no-color", path], { cwd: root }, "actionlint")),
    ],
    compose: async (text) => withSchema("compose", parseYaml(text)),
    golangci: async (text) => withSchema("golangci", parseYaml(text)),
    devcontainer: async (text) => withSchema("devcontainer", parseJsoncText(text)),
    dockerfile: shellcheckRuns,
    // POSIX sh unless the script asks for bash.
    shell: async (text, root, path) => {
      const dialect = /^#![^\n]*\bbash\b/.test(text) ? "bash" : "sh";
      return toolLines(
        [shellcheck, "--norc", "-s", dialect, "-f", "gcc", path],
        { cwd: root },
        "shellcheck",
      );
    },
    jsonc: async (text) => parseJsoncText(text).errors ?? [],
    json: async (text) => parseJson(text).errors ?? [],
    yaml: async (text) => parseYaml(text).errors ?? [],
  };

  /** {path, kind, ok, errors} for one file, or undefined when nothing checks its kind. */
  return async (root, path) => {
    const text = readFileSync(join(root, path), "utf8");
    const kind = fileKind(path, text);
    if (kind === undefined) return undefined;
    const errors = await checks[kind](text, root, path);
    return {
      path,
      kind,
      ok: errors.length === 0,
      errors: errors.slice(0, MAX_LINES),
      ...(errors.length > MAX_LINES ? { more: errors.length - MAX_LINES } : {}),
    };
  };
}
