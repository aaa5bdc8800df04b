// Runs the generated Dockerfile's `deps` stage with the real go, without docker: copy exactly the
// files its COPY lines name from the build context (honouring .dockerignore) into an empty
// folder, set the ARG/ENV values the stage declares, and run its `go mod download` RUN there.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { depsStage } from "./dockerfile.mjs";
import { run } from "./proc.mjs";

// Host settings a build machine's network may need; no Go settings pass through.
const NETWORK_ENV = [
  ...["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"],
  ...["SSL_CERT_FILE", "SSL_CERT_DIR"],
];

/** Go release numbers of "1.26.8" / "go1.26.8" / "1.27rc1", compared field by field. */
export function goVersionLess(a, b) {
  const parse = (v) =>
    (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) ?? []).slice(1).map((n) => Number(n ?? 0));
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** .dockerignore rules as a predicate on context-relative paths (last matching rule wins). */
export function dockerignore(contextDir) {
  const file = join(contextDir, ".dockerignore");
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, "");
      return { negate, re: globRegExp(pattern) };
    });
  return (path) => {
    const parts = path.split("/");
    let excluded = false;
    for (const rule of rules) {
      // A rule that matches a parent folder covers everything in it.
      const hit = parts.some((_, i) => rule.re.test(parts.slice(0, i + 1).join("/")));
      if (hit) excluded = !rule.negate;
    }
    return excluded;
  };
}

/** Docker's pattern syntax: `**` any folders, `*` and `?` within one path element. */
function globRegExp(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Context-relative paths a COPY source names (globs expanded), or an error string. */
function sourcePaths(contextDir, source, ignored) {
  const rel = posix.normalize(source.replace(/^\/+/, "")).replace(/\/+$/, "") || ".";
  if (rel === ".." || rel.startsWith("../")) return `${source}: outside the build context`;
  let paths = ["."];
  for (const part of rel === "." ? [] : rel.split("/")) {
    const re = /[*?[]/.test(part) ? globRegExp(part) : undefined;
    paths = paths.flatMap((p) => {
      const dir = join(contextDir, p);
      if (re === undefined) return existsSync(join(dir, part)) ? [posix.join(p, part)] : [];
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((n) => re.test(n))
        .map((n) => posix.join(p, n));
    });
  }
  paths = paths.filter((p) => p === "." || !ignored(p));
  return paths.length > 0 ? paths : `${source}: not found in the build context`;
}

/** COPY into the stage's file system under `fsRoot`; returns an error string on failure. */
function copyStep(step, { contextDir, fsRoot, workdir, ignored, contexts }) {
  if (step.from !== undefined) {
    // A named build context (docker build --build-context NAME=DIR), as the Dockerfile's header
    // says to pass it: a directory outside the repo.
    const dir = contexts.get(step.from);
    if (dir === undefined) return `COPY --from=${step.from} is not from the build context`;
    return copyStep(
      { ...step, from: undefined },
      { contextDir: resolve(contextDir, dir), fsRoot, workdir, ignored: () => false, contexts },
    );
  }
  const groups = step.sources.map((s) => sourcePaths(contextDir, s, ignored));
  const error = groups.find((g) => typeof g === "string");
  if (error !== undefined) return `line ${step.line}: COPY ${error}`;
  const sources = groups.flat();
  const destPath = posix.resolve(workdir, step.dest);
  const intoDir =
    step.dest.endsWith("/") ||
    sources.length > 1 ||
    step.sources.length > 1 ||
    readdirSafe(join(fsRoot, destPath)) !== undefined;
  for (const src of sources) {
    const from = join(contextDir, src);
    const isDir = readdirSafe(from) !== undefined;
    const to = join(
      fsRoot,
      isDir || !intoDir ? destPath : posix.join(destPath, posix.basename(src)),
    );
    mkdirSync(isDir ? to : dirname(to), { recursive: true });
    cpSync(from, to, {
      recursive: true,
      filter: (f) => !ignored(relative(contextDir, f).split("\\").join("/") || "."),
    });
  }
  return undefined;
}

function readdirSafe(path) {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

function pickEnv(names) {
  return Object.fromEntries(names.filter((n) => process.env[n]).map((n) => [n, process.env[n]]));
}

/**
 * A HOME for the go command inside the cache folder, with Go telemetry off: the go command
 * otherwise keeps writing counters there after it exits, racing the removal of a temp HOME.
 */
function quietHome(cacheDir) {
  const home = join(cacheDir, "home");
  const telemetry = join(home, ".config", "go", "telemetry");
  mkdirSync(telemetry, { recursive: true });
  if (!existsSync(join(telemetry, "mode"))) writeFileSync(join(telemetry, "mode"), "off");
  return home;
}

/** The download's environment: a clean one plus the stage's non-empty ARG/ENV values. */
function stageEnv(vars, { tmp, cacheDir, toolchain }) {
  const declared = Object.fromEntries([...vars].filter(([, v]) => v !== ""));
  return {
    PATH: process.env.PATH ?? "",
    HOME: quietHome(cacheDir),
    ...pickEnv(NETWORK_ENV),
    GOENV: "off",
    GOPATH: join(tmp, "gopath"),
    GOCACHE: join(cacheDir, "gocache"),
    GIT_TERMINAL_PROMPT: "0",
    ...declared,
    GOMODCACHE: join(cacheDir, "gomodcache"),
    // The golang image's GOTOOLCHAIN=local; a newer Go than this machine's comes from the module
    // proxy as a toolchain module (see --toolchain).
    GOTOOLCHAIN: toolchain ?? "local",
  };
}

/** ok / fail / proxy refused / skip / timeout from the download's output. */
function classify(result, redact) {
  if (result.code === 0) return { status: "ok" };
  if (result.timedOut) return { status: "timeout", detail: `no result in ${result.ms} ms` };
  const lines = `${result.stderr}\n${result.stdout}`
    .split("\n")
    .map((l) => redact(l.trim()))
    .filter((l) => l !== "");
  const needs = lines.map((l) => /requires go >= ?(\S+?)[\s;)]/.exec(l)?.[1]).find(Boolean);
  if (needs !== undefined) return { status: "skip", detail: `needs go ${needs}`, errors: lines };
  const refused = lines.filter((l) => /\b403\b|Forbidden/.test(l));
  const last = lines.at(-1) ?? `exit ${result.code}`;
  if (refused.length === 0) return { status: "fail", detail: last, errors: lines.slice(-20) };
  const modules = [
    ...new Set(refused.map((l) => /([^\s:]+@[^\s:]+):/.exec(l)?.[1]).filter(Boolean)),
  ];
  return {
    status: "proxy refused",
    detail: refused.at(-1),
    refused: modules,
    // go prints the proxy's own words on a line of their own after each refusal.
    errors: lines
      .filter((l) => !refused.includes(l) && !l.startsWith("server response:"))
      .slice(-20),
  };
}

/**
 * Runs the `deps` stage of `dockerfileText` against `contextDir`.
 * @returns {Promise<{status: string, detail?: string, refused?: string[], errors?: string[], ignored?: string[], ms?: number}>}
 */
export async function runDepsStage({
  contextDir,
  dockerfileText,
  specGo,
  localGo,
  cacheDir,
  timeoutMs,
  redact,
  keep,
  newerToolchain,
  tmpRoot = tmpdir(),
}) {
  let toolchain;
  if (specGo && goVersionLess(localGo, specGo)) {
    // A newer Go from the module proxy stands in for the image's, when it is new enough.
    const newer = newerToolchain?.replace(/^go/, "");
    if (!newer || goVersionLess(newer, specGo))
      return { status: "skip", detail: `needs go ${specGo}` };
    toolchain = `go${newer}`;
  }

  const stage = depsStage(dockerfileText);
  if (stage.error && /-mod=vendor\b/.test(dockerfileText)) {
    return { status: "vendored", detail: "vendor/ holds every dependency: nothing to download" };
  }
  if (stage.error) return { status: "fail", detail: stage.error };
  const tmp = mkdtempSync(join(tmpRoot, "gopave-corpus-deps-"));
  try {
    const contexts = new Map(
      [...dockerfileText.matchAll(/--build-context\s+([\w.-]+)=(\S+)/g)].map((m) => [m[1], m[2]]),
    );
    const result = await runSteps(stage, {
      contextDir,
      contexts,
      tmp,
      cacheDir,
      timeoutMs,
      redact,
      toolchain,
    });
    return toolchain && result.status === "ok"
      ? { ...result, status: `ok (${toolchain})` }
      : result;
  } finally {
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
}

async function runSteps(
  stage,
  { contextDir, contexts, tmp, cacheDir, timeoutMs, redact, toolchain },
) {
  const fsRoot = join(tmp, "root");
  const ctx = { contextDir, contexts, fsRoot, workdir: "/", ignored: dockerignore(contextDir) };
  const notes = stage.ignored.map((l) => `not run: ${l}`);
  for (const step of stage.steps) {
    if (step.kind === "workdir") {
      ctx.workdir = posix.resolve(ctx.workdir, step.path);
      mkdirSync(join(fsRoot, ctx.workdir), { recursive: true });
    } else if (step.kind === "copy") {
      const error = copyStep(step, ctx);
      if (error !== undefined) return { status: "fail", detail: error, notes };
    } else {
      mkdirSync(join(fsRoot, ctx.workdir), { recursive: true });
      const result = await run(step.command, {
        cwd: join(fsRoot, ctx.workdir),
        env: stageEnv(stage.vars, { tmp, cacheDir, toolchain }),
        timeoutMs,
      });
      // Paths in the stage's file system read as they would in the image (/src/...).
      const inImage = (line) => redact(line.split(fsRoot).join(""));
      return { ...classify(result, inImage), ms: result.ms, command: step.command.at(-1), notes };
    }
  }
  return { status: "fail", detail: "the stage has no download step", notes };
}
