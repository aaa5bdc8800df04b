// What the corpus runner needs before it starts, each a loud error when missing: a gopave build
// that is not older than its sources, go, actionlint, shellcheck and the official schemas.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { which } from "./proc.mjs";

/** Newest mtime (ms) of files under `dir` that pass `keep`. */
function newest(dir, keep) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !keep(entry.name)) continue;
    max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

/** Throws unless `root`/dist exists and is at least as new as every non-test file in src/. */
export function assertBuilt(root) {
  const dist = join(root, "dist");
  const src = join(root, "src");
  const build = `run \`npm run build\` in ${root} first`;
  if (!existsSync(dist)) throw new Error(`${dist} is missing: ${build}`);
  if (!existsSync(src)) return;
  const built = newest(dist, (n) => n.endsWith(".js"));
  const source = newest(src, (n) => n.endsWith(".ts") && !n.endsWith(".test.ts"));
  if (source > built) throw new Error(`${dist} is older than ${src}: ${build}`);
}

/** go, actionlint (on PATH or in $(go env GOPATH)/bin) and shellcheck, or one error naming all that are missing. */
export function findTools() {
  const go = which("go");
  const goEnv = go
    ? JSON.parse(execFileSync(go, ["env", "-json", "GOVERSION", "GOPATH"], { encoding: "utf8" }))
    : {};
  const gopathBins = (goEnv.GOPATH ?? "")
    .split(":")
    .filter(Boolean)
    .map((p) => join(p, "bin"));
  const tools = {
    go,
    goVersion: goEnv.GOVERSION?.replace(/^go/, ""),
    actionlint: which("actionlint", gopathBins),
    shellcheck: which("shellcheck"),
  };
  const how = {
    go: "install Go and put it on PATH",
    actionlint: "go install github.com/rhysd/actionlint/cmd/actionlint (or put it on PATH)",
    shellcheck: "install shellcheck (apt-get install shellcheck)",
  };
  const missing = Object.keys(how).filter((k) => !tools[k]);
  if (missing.length > 0) {
    throw new Error(
      `missing tools (the corpus run validates with each of them):\n${missing.map((k) => `  ${k}: ${how[k]}`).join("\n")}`,
    );
  }
  return tools;
}

/**
 * The official schemas folder: $GOPAVE_SCHEMAS, else ../shared/schemas next to the gopave repo,
 * else next to the main checkout when `root` is a git worktree.
 */
export function schemasDir(root) {
  const candidates = [process.env.GOPAVE_SCHEMAS, join(root, "..", "shared", "schemas")];
  try {
    const common = execFileSync(
      "git",
      ["-C", root, "rev-parse", "--path-format=absolute", "--git-common-dir"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    candidates.push(join(dirname(resolve(common)), "..", "shared", "schemas"));
  } catch {
    // not a git checkout
  }
  const found = candidates.find((c) => c && existsSync(join(c, "compose-spec.json")));
  if (found) return found;
  throw new Error(
    `official schemas not found (tried ${candidates.filter(Boolean).join(", ")}): set GOPAVE_SCHEMAS to the shared/schemas folder`,
  );
}

/**
 * A function that replaces the module proxy and checksum database addresses the toolchain uses
 * (read from `go env`, never written here) with $GOPROXY / $GOSUMDB in error lines, and the
 * corpus cache folder with $CACHE.
 */
export function redactor(go, cacheDir) {
  const env = JSON.parse(
    execFileSync(go, ["env", "-json", "GOPROXY", "GOSUMDB"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GOENV: "off" },
    }),
  );
  const pairs = [];
  for (const p of `${env.GOPROXY ?? ""},${process.env.GOPROXY ?? ""}`.split(/[,|]/)) {
    if (!/^https?:\/\//.test(p)) continue;
    pairs.push([p.replace(/\/+$/, ""), "$GOPROXY"], [new URL(p).host, "$GOPROXY"]);
  }
  for (const s of [env.GOSUMDB, process.env.GOSUMDB]) {
    const [name, url] = (s ?? "").split(/\s+/);
    const host = name?.split("+")[0];
    if (url) pairs.push([url.replace(/\/+$/, ""), "$GOSUMDB"]);
    if (host && host !== "off") pairs.push([`https://${host}`, "$GOSUMDB"], [host, "$GOSUMDB"]);
  }
  pairs.push([cacheDir, "$CACHE"]);
  return (line) => pairs.reduce((l, [from, to]) => l.split(from).join(to), line);
}
