// node bench/corpus/run.mjs CHECKOUTS_DIR [--only NAME,...] [--repos TSV] [--json FILE] [--gopave PATH]
//                           [--keep] [--cache DIR] [--timeout MINUTES] [--toolchain goX.Y.Z]
//
// Measures `gopave init` on the real repos listed in repos.tsv (see README.md): on a fresh copy
// of each checkout, check before, init, validate what init wrote, sync --check, check after,
// and the generated Dockerfile's `deps` stage with the real go. Prints one Markdown table and the
// details; CHECKOUTS_DIR is only ever copied from.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runDepsStage } from "./deps-stage.mjs";
import { judge, precisionSection, readVerdicts } from "./verdicts.mjs";
import { gopaveCli, newFindings, readSpec } from "./gopave.mjs";
import { assertBuilt, findTools, redactor, schemasDir } from "./preflight.mjs";
import { killRunning, run } from "./proc.mjs";
import { details, table } from "./report.mjs";
import { fileValidator } from "./validate.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..");
const USAGE = `usage: node bench/corpus/run.mjs CHECKOUTS_DIR [--only NAME,...] [--repos TSV] [--json FILE] [--gopave PATH]
                                  [--keep] [--cache DIR] [--timeout MINUTES] [--toolchain goX.Y.Z]
Build first: npm run build (the run refuses a dist/ older than src/).`;

/** Rows of repos.tsv: {name, repo, commit, subdir, shapes}. */
function readRepos(file) {
  const rows = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
  const [header, ...data] = rows;
  return data.map((cols) => Object.fromEntries(header.map((h, i) => [h, (cols[i] ?? "").trim()])));
}

function options(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: "string" },
      repos: { type: "string" },
      json: { type: "string" },
      gopave: { type: "string" },
      keep: { type: "boolean", default: false },
      cache: { type: "string" },
      timeout: { type: "string", default: "10" },
      toolchain: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length !== 1) return undefined;
  const minutes = Number(values.timeout);
  if (!(minutes > 0)) throw new Error(`--timeout takes minutes > 0, not ${values.timeout}`);
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return {
    checkouts: resolve(positionals[0]),
    only: values.only
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    repos: resolve(values.repos ?? join(HERE, "repos.tsv")),
    json: values.json && resolve(values.json),
    bin: resolve(values.gopave ?? join(ROOT, "bin", "gopave.js")),
    keep: values.keep,
    cacheDir: resolve(values.cache ?? join(cacheHome, "gopave-corpus")),
    timeoutMs: minutes * 60_000,
    toolchain: values.toolchain,
  };
}

const log = (s) => process.stderr.write(`${s}\n`);

/** Files init created or updated (what it wrote), from its JSON. */
function writtenFiles(result) {
  return (result.files ?? [])
    .filter((f) => (f.action === "create" || f.action === "update") && f.written !== false)
    .map((f) => f.path);
}

/** Files written in a subdir that their tool reads only at the repository root. */
function misplaced(subdir, written) {
  if (!subdir || subdir === ".") return [];
  return written
    .filter((p) => p.startsWith(".github/") || p === ".gitlab-ci.yml")
    .map((p) => `${subdir}/${p} (CI reads it only at the repository root)`);
}

/**
 * Files a tool reads for one purpose, where the first found wins (compose, golangci-lint, the dev
 * container) or all count (CI workflows that run the tests).
 */
const PURPOSES = [
  ["compose", ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]],
  ["golangci-lint", [".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json"]],
  ["dev container", [".devcontainer/devcontainer.json", ".devcontainer.json"]],
  ["Dockerfile", ["Dockerfile", "Containerfile"]],
];

/**
 * Files init wrote beside a file the repo had for the same purpose, which a tool would read
 * instead or in addition; and a test workflow written next to the repo's kept CI.
 */
function shadowing(dir, written, spec) {
  const out = [];
  for (const [purpose, names] of PURPOSES) {
    const mine = names.filter((n) => written.includes(n));
    const theirs = names.filter((n) => !written.includes(n) && existsSync(join(dir, n)));
    if (mine.length > 0 && theirs.length > 0) {
      out.push(`${purpose}: wrote ${mine.join(", ")} beside the repo's ${theirs.join(", ")}`);
    }
  }
  if ((spec?.keep.ci ?? []).length > 0 && written.includes(".github/workflows/ci.yml")) {
    out.push(`CI: wrote .github/workflows/ci.yml beside ${spec.keep.ci.join(", ")}`);
  }
  return out;
}

async function validateAll(ctx, dir, paths) {
  const out = [];
  for (const path of paths) {
    const v = await ctx.validate(dir, path);
    if (v) out.push(v);
  }
  return out;
}

async function depsStep(ctx, dir, rec, written) {
  if (!written.includes("Dockerfile")) {
    const kept = rec.spec.kept.includes("Dockerfile") || rec.spec.keep.dockerfile !== undefined;
    return kept
      ? { status: "kept", detail: rec.spec.keep.dockerfile ?? "Dockerfile" }
      : { status: "none" };
  }
  return runDepsStage({
    contextDir: dir,
    dockerfileText: readFileSync(join(dir, "Dockerfile"), "utf8"),
    specGo: rec.spec.go.version,
    localGo: ctx.tools.goVersion,
    cacheDir: ctx.opts.cacheDir,
    timeoutMs: ctx.opts.timeoutMs,
    redact: ctx.redact,
    keep: ctx.opts.keep,
    newerToolchain: ctx.opts.toolchain,
    tmpRoot: current,
  });
}

/** Every measure for one repo, in a copy at `dir` (its subdir). */
async function measureCopy(ctx, dir, rec) {
  const step = (s) => log(`  ${s}`);
  step("check (before)");
  rec.before = await ctx.cli.check(dir);
  step("init");
  rec.init = await ctx.cli.init(dir);
  if (rec.init.exit !== 0 || !rec.init.result) return;
  rec.spec = readSpec(dir);
  const written = writtenFiles(rec.init.result);
  step(`validate ${written.length} written files`);
  rec.validation = await validateAll(ctx, dir, written);
  rec.misplaced = misplaced(rec.subdir, written);
  rec.shadowing = shadowing(dir, written, rec.spec);
  step("sync --check");
  rec.sync = await ctx.cli.syncCheck(dir);
  step("check (after)");
  rec.after = await ctx.cli.check(dir);
  if (rec.before.findings && rec.after.findings) {
    rec.newFindings = newFindings(rec.before.findings, rec.after.findings);
  }
  step("deps stage");
  rec.deps = await depsStep(ctx, dir, rec, written);
  if (rec.deps.status === "kept") {
    // The repo keeps its Dockerfile; gopave's own (init --force) is still measured, on a copy.
    step("deps stage of gopave's own Dockerfile (init --force)");
    rec.depsForced = await forcedDepsStep(ctx, dir, rec);
  }
}

async function forcedDepsStep(ctx, dir, rec) {
  const forced = `${dir}-forced`;
  const cp = await run(["cp", "-a", dir, forced]);
  if (cp.code !== 0) return { status: "fail", detail: `cp -a failed: ${cp.stderr.trim()}` };
  const init = await ctx.cli.init(forced, ["--force"]);
  if (init.exit !== 0 || !init.result)
    return { status: "fail", detail: init.error ?? "init failed" };
  const spec = readSpec(forced);
  // --force replaces the repo's Dockerfile: what is there now is gopave's (it has the marker).
  const dockerfile = join(forced, "Dockerfile");
  const generated =
    existsSync(dockerfile) && readFileSync(dockerfile, "utf8").includes("Code generated by gopave");
  return generated
    ? depsStep(ctx, forced, { ...rec, spec }, ["Dockerfile"])
    : { status: "none", detail: "init --force wrote no Dockerfile" };
}

function summarize(rec) {
  const count = (c) => c?.findings?.filter((f) => f.severity !== "note").length;
  return {
    ...rec,
    before: rec.before && {
      exit: rec.before.exit,
      errorsAndWarnings: count(rec.before),
      error: rec.before.error,
    },
    after: rec.after && {
      exit: rec.after.exit,
      errorsAndWarnings: count(rec.after),
      error: rec.after.error,
    },
  };
}

let current;

async function measure(ctx, repo) {
  const rec = { name: repo.name, repo: repo.repo, commit: repo.commit, subdir: repo.subdir };
  const checkout = join(ctx.opts.checkouts, repo.name);
  if (!existsSync(checkout)) return { ...rec, error: "no checkout" };
  const t0 = Date.now();
  current = mkdtempSync(join(tmpdir(), "gopave-corpus-"));
  try {
    // Named like a clone (`git clone owner/name` makes ./name): init may take the project's name
    // from the folder.
    const copy = join(current, repo.repo.split("/").pop() ?? repo.name);
    const cp = await run(["cp", "-a", checkout, copy]);
    if (cp.code !== 0) throw new Error(`cp -a failed: ${cp.stderr.trim()}`);
    // A checkout is a git work tree on its default branch; init reads the branch and the top folder.
    const git = await run(["git", "init", "-q", "-b", repo.branch || "main", copy]);
    if (git.code !== 0) throw new Error(`git init failed: ${git.stderr.trim()}`);
    const dir = join(copy, repo.subdir || ".");
    if (!existsSync(dir)) return { ...rec, error: `no folder ${repo.subdir}` };
    if (ctx.opts.keep) log(`  copy kept at ${dir}`);
    await measureCopy(ctx, dir, rec);
  } finally {
    if (!ctx.opts.keep) rmSync(current, { recursive: true, force: true });
    current = undefined;
  }
  return { ...rec, seconds: Math.round((Date.now() - t0) / 1000) };
}

function selectRepos(all, only) {
  if (!only) return all;
  const unknown = only.filter((n) => !all.some((r) => r.name === n || r.repo === n));
  if (unknown.length > 0) throw new Error(`not in repos.tsv: ${unknown.join(", ")}`);
  return all.filter((r) => only.includes(r.name) || only.includes(r.repo));
}

async function main(argv) {
  const opts = options(argv);
  if (!opts) {
    log(USAGE);
    return 2;
  }
  if (!existsSync(opts.checkouts)) throw new Error(`${opts.checkouts} does not exist`);
  assertBuilt(dirname(dirname(opts.bin)));
  const tools = findTools();
  const schemas = schemasDir(ROOT);
  mkdirSync(opts.cacheDir, { recursive: true });
  const ctx = {
    opts,
    tools,
    cli: gopaveCli(opts.bin),
    validate: fileValidator({ schemasDir: schemas, ...tools }),
    redact: redactor(tools.go, opts.cacheDir),
  };
  const repos = selectRepos(readRepos(opts.repos), opts.only);
  log(`gopave ${opts.bin}; go ${tools.goVersion}; schemas ${schemas}; cache ${opts.cacheDir}`);
  const t0 = Date.now();
  const records = [];
  for (const [i, repo] of repos.entries()) {
    log(`[${i + 1}/${repos.length}] ${repo.name} (${repo.subdir})`);
    records.push(await measure(ctx, repo));
  }
  log(`done in ${Math.round((Date.now() - t0) / 1000)} s`);
  const date = new Date().toISOString().slice(0, 10);
  const precision = judge(records, readVerdicts(join(HERE, "verdicts.tsv")));
  process.stdout.write(
    `${table(records)}\n\n${precisionSection(precision)}\n## Details\n\n${details(records)}`,
  );
  if (opts.json) {
    const out = {
      date,
      go: tools.goVersion,
      node: process.version,
      gopave: opts.bin,
      repos: records.map(summarize),
      precision,
    };
    writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
  }
  return 0;
}

process.on("SIGINT", () => {
  killRunning();
  if (current) rmSync(current, { recursive: true, force: true });
  process.exit(130);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  log(`corpus: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
