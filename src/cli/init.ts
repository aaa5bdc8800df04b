import { join, resolve } from "node:path";
import { detect } from "../detect/index.js";
import { applyPlan } from "../generate/apply.js";
import { planFromSpecText, readText } from "../generate/pipeline.js";
import { draftSpec } from "../spec/draft.js";
import { serviceEvidence } from "../spec/draft-services.js";
import { SPEC_FILE } from "../spec/load.js";
import { specYaml } from "../spec/spec-yaml.js";
import { GopaveError } from "../util/errors.js";
import { writeFileAtomic } from "../util/fs-atomic.js";
import { colors, gopaveVersion } from "./io.js";
import type { CliIo } from "./io.js";
import { actionLines, actionsJson } from "./report-actions.js";

export interface InitOptions {
  dir?: string | undefined;
  yes?: boolean | undefined;
  force?: boolean | undefined;
  offline?: boolean | undefined;
  json?: boolean | undefined;
}

/**
 * `gopave init`: detect the repo, write gopave.yaml, render every file from it. Hand-written files
 * at generated paths are left alone and reported (replaced only with --force).
 */
export async function runInit(opts: InitOptions, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, opts.dir ?? ".");
  const c = colors(io);
  const specPath = join(root, SPEC_FILE);
  if (readText(specPath) !== undefined && !opts.force) {
    throw new GopaveError("SPEC_EXISTS", `${SPEC_FILE} already exists in ${root}`, {
      hint: "run `gopave sync` to regenerate from it, or `gopave init --force` to detect again and replace it",
    });
  }
  const d = await detect(root, { offline: opts.offline === true, env: io.env });
  const draft = draftSpec(d);
  // Plans before writing anything: a draft that fails validation is a gopave bug, not a half-init.
  let specText = specYaml(draft.spec, draft.comments);
  let { manifest, actions } = planFromSpecText(root, specText, gopaveVersion());
  const kept = opts.force ? [] : actions.filter((a) => a.kind === "unowned" && !a.section);
  if (kept.length > 0) {
    // The repo's own files stay, and the spec says so: gopave then neither writes nor checks them,
    // so `sync --check` passes until someone removes the override to adopt the generated file.
    draft.spec.overrides = Object.fromEntries(kept.map((a) => [a.path, { generate: false }]));
    draft.comments.overrides =
      "files this repo already had; remove an entry and run `gopave sync --force` to generate it";
    specText = specYaml(draft.spec, draft.comments);
    ({ manifest, actions } = planFromSpecText(root, specText, gopaveVersion()));
  }

  if (!opts.json) io.stdout(summary(d, draft.spec, c));
  if (draft.notes.length > 0 && !opts.json) {
    io.stdout(`${c.yellow("notes:")}\n${draft.notes.map((n) => `  - ${n}\n`).join("")}`);
  }
  if (!opts.yes && !opts.json && io.confirm) {
    const writes = actions.filter((a) => a.kind === "create" || a.kind === "update").length + 1;
    if (!(await io.confirm(`Write ${SPEC_FILE} and ${writes - 1} generated file(s)?`))) {
      io.stderr("gopave init: nothing written\n");
      return 1;
    }
  }
  writeFileAtomic(specPath, specText);
  const result = applyPlan(root, actions, manifest, opts.force === true);
  if (opts.json) {
    io.stdout(
      `${JSON.stringify(
        {
          spec: SPEC_FILE,
          detected: {
            module: d.modulePath,
            go: { version: d.goVersion, source: d.goVersionSource },
            apps: draft.spec.apps,
            services: d.services.map((s) => s.kind),
            private: d.privateGlobs,
          },
          notes: draft.notes,
          files: actionsJson(actions, new Set(result.applied)),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  io.stdout(`\nwrote ${c.bold(SPEC_FILE)} and:\n${actionLines(result.applied, c, true)}`);
  if (kept.length > 0) {
    io.stdout(
      `${c.yellow("kept")} (already there and not written by gopave; recorded in ${SPEC_FILE} as overrides.<file>.generate: false):\n` +
        kept.map((a) => `  ${c.yellow("kept".padEnd(15))} ${a.path}\n`).join("") +
        "  `gopave init --force` replaces them instead.\n",
    );
    const keptDockerfile = kept.some((a) => a.path === "Dockerfile");
    const apps = draft.spec.apps ?? [];
    if (keptDockerfile && apps.length > 0 && actions.some((a) => a.path === "compose.yaml")) {
      io.stdout(
        `${c.yellow("note:")} compose.yaml builds the targets ${apps.map((a) => a.name).join(", ")} (and <app>-debug) ` +
          "from Dockerfile, which is yours: give its stages those names, or let gopave generate it.\n",
      );
    }
  }
  io.stdout(
    `\nNext: review ${SPEC_FILE}, then commit it with the generated files (including .gopave/).\n` +
      `After editing ${SPEC_FILE}, run \`gopave sync\`; CI runs \`gopave sync --check\`.\n`,
  );
  return 0;
}

function summary(
  d: Awaited<ReturnType<typeof detect>>,
  spec: ReturnType<typeof draftSpec>["spec"],
  c: ReturnType<typeof colors>,
): string {
  const apps = (spec.apps ?? []).map(
    (a) => `${a.name} (${a.main}${a.port ? `, :${a.port}` : ""}${a.health ? `, ${a.health}` : ""})`,
  );
  const services = d.services.map((s) => `${s.kind} (${serviceEvidence(s, d.keptCompose?.path)})`);
  const tools = Object.entries(spec.tools ?? {}).map(
    ([k, v]) => `${k} ${typeof v === "string" ? v : v.version}`,
  );
  return [
    `${c.bold("gopave init")}: ${d.modulePath}${d.repo.workspace ? ` (go.work, ${d.repo.modules.length} modules)` : ""}`,
    `  Go       ${d.goVersion} (${d.goVersionSource === "toolchain" ? "go.mod toolchain line" : d.goVersionSource === "local" ? "local go, satisfies go.mod" : "go.mod go line"})`,
    `  apps     ${apps.length > 0 ? apps.join(", ") : "none (library)"}`,
    `  services ${services.length > 0 ? services.join("\n           ") : "none"}`,
    `  private  ${d.privateGlobs.length > 0 ? d.privateGlobs.join(", ") : "none detected"}`,
    `  tools    ${tools.join(", ")}`,
    "",
  ].join("\n");
}
