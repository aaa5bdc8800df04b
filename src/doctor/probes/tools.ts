import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { goEnv as goCommandEnv } from "../../detect/go-command.js";
import { releaseFromGoVersion } from "../../detect/go-version-choice.js";
import { binaryName, toolModule } from "../../generate/setup-script.js";
import { compareGoVersions, goMinor } from "../../gomod/go-version.js";
import { SPEC_FILE } from "../../spec/load.js";
import type { ResolvedTool } from "../../spec/tools.js";
import { parseBuildInfo } from "../build-info.js";
import type { BuildInfo } from "../build-info.js";
import { fileIsExecutable, findOnPath, firstLine, pathEntries, run } from "../exec.js";
import type { DoctorContext, FixAction, Finding, Probe } from "../types.js";

/** Analysers that refuse (or misreport) code written for a newer Go than they were built with. */
const ANALYSERS = new Set(["golangci-lint", "staticcheck", "gopls"]);

/** Where `go install` puts binaries: GOBIN, else the first GOPATH entry's bin. */
export function installDir(ctx: DoctorContext): string {
  const goEnv = ctx.machine.goEnv;
  if (goEnv?.GOBIN) return goEnv.GOBIN;
  const gopath = goEnv?.GOPATH || ctx.env.GOPATH || join(ctx.env.HOME || homedir(), "go");
  return join(gopath.split(delimiter)[0] ?? gopath, "bin");
}

/** Each pinned tool on PATH or in GOBIN at its pinned version, and GOBIN on PATH. */
export const toolsProbe: Probe = async (ctx) => {
  const dir = installDir(ctx);
  const checks = await Promise.all(ctx.target.tools.map((t) => toolCheck(ctx, t, dir)));
  checks.push(gobinCheck(ctx, dir));
  return checks;
};

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function gobinCheck(ctx: DoctorContext, dir: string): Finding {
  const base = { id: "tools.gobin", title: "GOBIN on PATH" };
  const target = realOrResolved(dir);
  if (pathEntries(ctx.env).some((p) => realOrResolved(resolve(ctx.root, p)) === target)) {
    return { ...base, status: "pass", detail: `${dir} is on PATH` };
  }
  return {
    ...base,
    status: "warn",
    detail: `${dir} (where go install puts tools) is not on PATH`,
    fix: `add it to PATH in your shell profile: export PATH="$PATH:${dir}"`,
  };
}

type Verdict = { ok: true; info: BuildInfo } | { ok: false; detail: string; warnOnly?: boolean };

async function readBuildInfo(ctx: DoctorContext, file: string): Promise<BuildInfo | string> {
  const r = await run("go", ["version", "-m", file], {
    cwd: ctx.root,
    env: goCommandEnv(ctx.env),
    timeoutMs: ctx.commandTimeoutMs,
  });
  if (!r.ok) return firstLine(r.stderr) || "go version -m failed";
  return parseBuildInfo(r.stdout) ?? "no build info in go version -m output";
}

function judge(tool: ResolvedTool, file: string, info: BuildInfo | string): Verdict {
  if (typeof info === "string") return { ok: false, detail: `${file}: ${info}` };
  if (info.path !== tool.package) {
    return {
      ok: false,
      detail: `${file} was built from ${info.path ?? "an unknown package"}, not ${tool.package}`,
    };
  }
  const module = toolModule(tool);
  const mod = info.replacedBy ?? info.mod;
  if (!mod || (module !== "" && info.mod?.path !== module)) {
    return { ok: false, detail: `${file} has no module version for ${module || tool.package}` };
  }
  if (mod.version !== tool.version) {
    return { ok: false, detail: `${mod.version} at ${file}; ${SPEC_FILE} pins ${tool.version}` };
  }
  return { ok: true, info };
}

async function toolCheck(ctx: DoctorContext, tool: ResolvedTool, dir: string): Promise<Finding> {
  const bin = binaryName(tool.package) + (ctx.machine.goEnv?.GOEXE ?? "");
  const base = { id: `tool.${tool.name}`, title: `${tool.name} ${tool.version}` };
  const install = `go install ${tool.package}@${tool.version}`;
  const action: FixAction = {
    kind: "install",
    tool: tool.name,
    package: tool.package,
    version: tool.version,
  };
  const onPath = findOnPath(bin, ctx.env, ctx.root);
  const gobinCopy = join(dir, bin);
  const inGobin = fileIsExecutable(gobinCopy) ? gobinCopy : undefined;
  const primary = onPath ?? inGobin;
  if (!ctx.machine.goEnv) {
    // Without go there is neither `go version -m` to read the version nor `go install` to fix it.
    return {
      ...base,
      status: primary ? "warn" : "fail",
      detail: primary
        ? `found ${primary}; its version is unknown without go`
        : `${bin} is not on PATH or in ${dir}`,
      fix: `install Go, then ${install}`,
    };
  }
  if (!primary) {
    return {
      ...base,
      status: "fail",
      detail: `${bin} is not on PATH or in ${dir}`,
      fix: install,
      action,
    };
  }
  const verdict = judge(tool, primary, await readBuildInfo(ctx, primary));
  const other =
    inGobin && onPath && realOrResolved(inGobin) !== realOrResolved(onPath) ? inGobin : undefined;
  if (!verdict.ok) {
    if (other && judge(tool, other, await readBuildInfo(ctx, other)).ok) {
      return {
        ...base,
        status: "fail",
        detail: `${verdict.detail}; it shadows the right one in ${dir}`,
        fix: `remove ${primary}, or put ${dir} before its directory on PATH`,
      };
    }
    return { ...base, status: "fail", detail: verdict.detail, fix: install, action };
  }
  const built = verdict.info.goVersion;
  const where = `${tool.version} at ${primary} (built with ${built})`;
  const old = olderMinorThanProject(ctx, built);
  if (old && (ANALYSERS.has(tool.name) || ANALYSERS.has(bin))) {
    return {
      ...base,
      status: "warn",
      detail: `${where}: built with an older Go than the project's ${old}, so it cannot analyse Go ${goMinor(old)} code`,
      fix: `${install} with Go ${old} (rebuilds it)`,
      action,
    };
  }
  if (!onPath) {
    return {
      ...base,
      status: "warn",
      detail: `${where}, but ${dir} is not on PATH`,
      fix: `add ${dir} to PATH`,
    };
  }
  return { ...base, status: "pass", detail: where };
}

/** The project's Go when the binary's Go has an older minor, else undefined. */
function olderMinorThanProject(ctx: DoctorContext, built: string): string | undefined {
  const project = ctx.target.goExact ?? ctx.target.goLine?.release;
  const release = releaseFromGoVersion(built);
  if (!project || !release) return undefined;
  return compareGoVersions(goMinor(release), goMinor(project)) < 0 ? project : undefined;
}
