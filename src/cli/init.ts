import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { detect } from "../detect/index.js";
import { originUrl } from "../detect/origin-url.js";
import type { Detection } from "../detect/index.js";
import { applyPlan } from "../generate/apply.js";
import { DEVBOX_DIR } from "../generate/devbox/devbox.js";
import { hasMarker } from "../generate/marker.js";
import { planFromSpecText, readText } from "../generate/pipeline.js";
import { compareGoVersions } from "../gomod/go-version.js";
import { draftSpec } from "../spec/draft.js";
import { TOOLCHAIN_MODULES_SINCE } from "../spec/devbox.js";
import { draftDevbox } from "../spec/draft-devbox.js";
import { serviceEvidence } from "../spec/draft-services.js";
import { SPEC_FILE } from "../spec/load.js";
import { specYaml } from "../spec/spec-yaml.js";
import { GopaveError } from "../util/errors.js";
import { writeFileAtomic } from "../util/fs-atomic.js";
import { colors, gopaveVersion } from "./io.js";
import type { CliIo, Colors } from "./io.js";
import { actionLines, actionsJson } from "./report-actions.js";

export interface InitOptions {
  dir?: string | undefined;
  yes?: boolean | undefined;
  force?: boolean | undefined;
  offline?: boolean | undefined;
  /** Comma-separated app names or ./dirs. */
  apps?: string | undefined;
  /** Also propose a Terraform dev box on this cloud. */
  devbox?: "hcloud" | "openstack" | undefined;
  json?: boolean | undefined;
}

function splitList(v: string | undefined): string[] | undefined {
  const list = v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return list && list.length > 0 ? list : undefined;
}

/**
 * On a terminal, shows every main package and lets the user pick the apps. Returns the choice, or
 * undefined to keep the proposal.
 */
async function askApps(d: Detection, io: CliIo): Promise<string[] | undefined> {
  if (!io.ask || d.mainPackages.length < 2) return undefined;
  const chosen = new Set(d.apps.map((a) => a.pkg.dir));
  const why = new Map(d.leftOut.map((l) => [l.dir, l.reason]));
  const lines = d.mainPackages.map(
    (m, i) =>
      `  ${String(i + 1).padStart(2)}. [${chosen.has(m.dir) ? "x" : " "}] ${m.dir}${why.has(m.dir) ? `  (${why.get(m.dir)})` : ""}`,
  );
  io.stderr(`main packages ([x] = proposed as apps):\n${lines.join("\n")}\n`);
  const answer = await io.ask(
    "apps to build (numbers, names or ./dirs, comma-separated; Enter keeps [x]): ",
  );
  if (answer === "") return undefined;
  return answer
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((a) => (/^\d+$/.test(a) ? (d.mainPackages[Number(a) - 1]?.dir ?? a) : a));
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
  const detectOpts = { offline: opts.offline === true, env: io.env, apps: splitList(opts.apps) };
  let d = await detect(root, detectOpts);
  if (!opts.yes && !opts.json && !detectOpts.apps) {
    const picked = await askApps(d, io);
    if (picked) d = await detect(root, { ...detectOpts, apps: picked });
  }
  // --force: gopave's own files everywhere, the repo's replaced.
  if (opts.force) d = { ...d, kept: { github: d.kept.github, notes: [] } };
  const draft = draftSpec(d);
  if (opts.devbox !== undefined) {
    refuseForeignDevboxModule(root);
    if (compareGoVersions(d.goVersion, TOOLCHAIN_MODULES_SINCE) < 0) {
      throw new GopaveError(
        "USAGE",
        `--devbox: the dev box downloads the repo's Go as a toolchain module, and those exist from Go ${TOOLCHAIN_MODULES_SINCE}; this repo's Go is ${d.goVersion}`,
        { hint: "raise the repo's Go to 1.21.0 or later (go.mod), or run init without --devbox" },
      );
    }
    const repo = await originUrl(root, io.env, 5_000);
    draft.spec.devbox = draftDevbox(opts.devbox, repo, draft.notes);
    draft.comments.devbox =
      "each developer: `terraform workspace new <name>` and `terraform apply` in devbox/";
  }
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
            name: d.name,
            go: { version: d.goVersion, source: d.goVersionSource },
            apps: draft.spec.apps,
            wasm: draft.spec.wasm ?? [],
            appsBasis: d.appsBasis,
            leftOut: d.leftOut,
            services: d.services.map((s) => s.kind),
            private: d.privateGlobs,
            kept: draft.spec.keep ?? {},
            branch: d.branch,
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
  const keptArtifacts = Object.entries(draft.spec.keep ?? {}).flatMap(([kind, v]) =>
    (Array.isArray(v) ? v : [v]).map((path) => ({ path: String(path), why: `keep.${kind}` })),
  );
  const keptFiles = kept.map((a) => ({ path: a.path, why: `overrides.${a.path}.generate: false` }));
  if (keptArtifacts.length + keptFiles.length > 0) {
    io.stdout(
      `${c.yellow("kept")} (the repo's own; gopave writes nothing in their place):\n` +
        [...keptArtifacts, ...keptFiles]
          .map((k) => `  ${c.yellow("kept".padEnd(15))} ${k.path}  ${c.dim(`(${k.why})`)}\n`)
          .join("") +
        "  `gopave init --force` generates gopave's own files instead.\n",
    );
  }
  io.stdout(
    `\nNext: review ${SPEC_FILE}, then commit it with the generated files (including .gopave/).\n` +
      `After editing ${SPEC_FILE}, run \`gopave sync\`; CI runs \`gopave sync --check\`.\n`,
  );
  return 0;
}

const GO_SOURCE: Record<Detection["goVersionSource"], string> = {
  toolchain: "go.mod toolchain line",
  "go-line": "go.mod go line",
  "kept-files": "the repo's Dockerfiles, CI or version files",
  local: "local go, satisfies go.mod",
  "go-line-minimum": "go.mod go line, as a release",
};

/**
 * gopave's module beside a hand-written one in the same directory would be one module with two
 * sets of declarations, which Terraform refuses; gopave writes nothing then.
 */
function refuseForeignDevboxModule(root: string): void {
  const dir = join(root, DEVBOX_DIR);
  const foreign = (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith(".tf"))
    .filter((f) => !hasMarker(readText(join(dir, f)) ?? ""));
  if (foreign.length > 0) {
    throw new GopaveError(
      "DEVBOX_EXISTS",
      `${DEVBOX_DIR}/ already holds a Terraform module gopave did not write (${foreign.join(", ")})`,
      {
        hint: `move that module elsewhere before \`gopave init --devbox\`, or leave --devbox out (\`gopave check\` reads it: TF001, TF002)`,
      },
    );
  }
}

function summary(d: Detection, spec: ReturnType<typeof draftSpec>["spec"], c: Colors): string {
  const apps = (spec.apps ?? []).map(
    (a) => `${a.name} (${a.main}${a.port ? `, :${a.port}` : ""}${a.health ? `, ${a.health}` : ""})`,
  );
  const basis =
    d.appsBasis === "shipped"
      ? " — what the repo builds"
      : d.appsBasis === "chosen"
        ? " — chosen"
        : "";
  const services = d.services.map((s) => `${s.kind} (${serviceEvidence(s, d.keptCompose?.path)})`);
  const wasm = (spec.wasm ?? []).map((w) => `${w.name} (${w.main}: ${w.targets.join(", ")})`);
  const tools = Object.entries(spec.tools ?? {}).map(
    ([k, v]) => `${k} ${typeof v === "string" ? v : v.version}`,
  );
  const kept = Object.entries(spec.keep ?? {}).map(
    ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`,
  );
  return [
    `${c.bold("gopave init")}: ${d.modulePath}${d.repo.workspace ? ` (go.work, ${d.repo.modules.length} modules)` : ""}`,
    `  name     ${spec.name}`,
    `  Go       ${d.goVersion} (${GO_SOURCE[d.goVersionSource]})`,
    `  apps     ${apps.length > 0 ? `${apps.join(", ")}${basis}` : "none"}`,
    `  services ${services.length > 0 ? services.join("\n           ") : "none"}`,
    ...(wasm.length > 0 ? [`  wasm     ${wasm.join(", ")}`] : []),
    `  private  ${d.privateGlobs.length > 0 ? d.privateGlobs.join(", ") : "none detected"}`,
    `  kept     ${kept.length > 0 ? kept.join("; ") : "nothing"}`,
    `  CI       ${spec.ci?.provider ?? "github"} on ${(spec.ci?.branches ?? []).join(", ")}`,
    ...(spec.devbox
      ? [
          `  devbox   ${spec.devbox.provider} ${spec.devbox.size}, cloning ${spec.devbox.repo ?? "(no repo_url yet)"}`,
        ]
      : []),
    `  tools    ${tools.join(", ")}`,
    "",
  ].join("\n");
}
