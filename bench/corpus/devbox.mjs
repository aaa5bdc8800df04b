// node bench/corpus/devbox.mjs CHECKOUTS_DIR [--only NAME,...] [--provider hcloud|openstack]
//
// `gopave init --devbox` on the real repos of repos.tsv, then the module's CI commands with the
// real Terraform (providers from the mirror .ci/run builds): fmt -check, init -backend=false,
// validate, test. Each repo is copied into a fresh git work tree with an origin remote named
// after it (init takes the clone URL from there); CHECKOUTS_DIR is only read. Prints a Markdown
// table; a failing step's output goes to stderr.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { assertBuilt } from "./preflight.mjs";
import { run } from "./proc.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { only: { type: "string" }, provider: { type: "string", default: "hcloud" } },
});
const checkouts = positionals[0];
if (!checkouts) {
  console.error(
    "usage: node bench/corpus/devbox.mjs CHECKOUTS_DIR [--only NAME,...] [--provider hcloud|openstack]",
  );
  process.exit(2);
}
assertBuilt(ROOT);

// The mirror .ci/run builds, named after the providers gopave pins.
const { providerMirrorName } = await import(
  join(ROOT, "dist", "generate", "devbox", "providers", "index.js")
);
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gopave-ci");
const mirror = join(cache, providerMirrorName());
if (!existsSync(mirror)) {
  console.error(`no provider mirror at ${mirror}: run .ci/run, which builds it`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "gopave-corpus-devbox-"));
const rc = join(work, "terraformrc");
writeFileSync(
  rc,
  `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
);
const tfEnv = {
  ...process.env,
  TF_CLI_CONFIG_FILE: rc,
  TF_IN_AUTOMATION: "1",
  CHECKPOINT_DISABLE: "1",
  NO_COLOR: "1",
};

const repos = readFileSync(join(ROOT, "bench", "corpus", "repos.tsv"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "" && !l.startsWith("#"))
  .map((l) => l.split("\t"))
  .slice(1)
  .map(([name, repo, commit, branch, subdir]) => ({ name, repo, commit, branch, subdir }));
const only = values.only?.split(",");
const rows = [
  "| repo | commit | init | fmt -check | init -backend=false | validate | test |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];
for (const r of repos) {
  if (only && !only.includes(r.name)) continue;
  const src = join(checkouts, r.name);
  if (!existsSync(src)) {
    console.error(`${r.name}: no checkout, skipped`);
    continue;
  }
  const copy = join(work, r.name);
  cpSync(src, copy, { recursive: true });
  const dir = join(copy, r.subdir);
  await run(["git", "init", "-q", "-b", r.branch, copy]);
  await run(["git", "-C", copy, "remote", "add", "origin", `https://github.com/${r.repo}.git`]);
  const steps = [];
  const step = async (label, argv, cwd, env) => {
    const res = await run(argv, { cwd, env, timeoutMs: 300_000 });
    steps.push(res.code === 0 ? "ok" : `exit ${res.code}`);
    if (res.code !== 0) console.error(`${r.name}: ${label}\n${res.stdout}${res.stderr}`);
    return res.code === 0;
  };
  const env = { ...process.env, NO_COLOR: "1", GOPAVE_OFFLINE: "1" };
  if (
    await step(
      "init",
      [
        process.execPath,
        join(ROOT, "bin", "gopave.js"),
        "init",
        "--yes",
        "--offline",
        "--devbox",
        values.provider,
      ],
      dir,
      env,
    )
  ) {
    const module = join(dir, "devbox");
    await step("fmt", ["terraform", "fmt", "-check", "-recursive"], module, tfEnv);
    // Each step needs the one before it; what is not run shows as "—".
    if (
      await step("init", ["terraform", "init", "-backend=false", "-input=false"], module, tfEnv)
    ) {
      if (await step("validate", ["terraform", "validate"], module, tfEnv)) {
        await step("test", ["terraform", "test"], module, tfEnv);
      }
    }
  }
  while (steps.length < 5) steps.push("—");
  rows.push(`| ${r.repo} | ${r.commit.slice(0, 12)} | ${steps.join(" | ")} |`);
  rmSync(copy, { recursive: true, force: true });
}
rmSync(work, { recursive: true, force: true });
console.log(rows.join("\n"));
