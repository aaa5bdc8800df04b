import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { modulePath, writeModule } from "./local-upstream.js";
import { freshGoDirs, isolatedGoEnv, parseDownloadJson, runGo } from "./proxy-e2e-go.js";
import type { GoDirs } from "./proxy-e2e-go.js";

/** One module version of the fault tests, with its protocol paths and expected bytes. */
export interface FaultModule {
  path: string;
  version: string;
  /** Protocol path ("/<escaped>/@v/<v>.<ext>") → the bytes a correct proxy serves. */
  files: Map<string, Buffer>;
}

export interface FaultModules {
  /** A GOMODCACHE download-layout directory (servable by startLocalUpstream). */
  root: string;
  modules: FaultModule[];
  /** A go.sum with the lines the real go command computed for every module. */
  goSum: string;
}

/**
 * Module versions with a `blob.txt` of random text `blobBytes` long (random so the zip does
 * not compress away: a few MB stay a few MB on the wire). The go.sum lines come from the real go
 * command downloading them from the directory (file:// GOPROXY), not from gopave's own hashing.
 */
export async function makeFaultModules(
  root: string,
  specs: { path: string; version: string; blobBytes: number }[],
): Promise<FaultModules> {
  for (const s of specs) {
    await writeModule(root, s.path, s.version, {
      "go.mod": `module ${s.path}\n\ngo 1.21\n`,
      "lib.go": "package lib\n\n// Size is what this module provides.\nconst Size = 1\n",
      "blob.txt": randomBytes(Math.ceil((s.blobBytes * 3) / 4))
        .toString("base64")
        .slice(0, s.blobBytes),
    });
  }
  const dirs = await quietGoDirs("gopave-faults-sums");
  try {
    const run = await runGo(
      ["mod", "download", "-json", ...specs.map((s) => `${s.path}@${s.version}`)],
      {
        cwd: dirs.home,
        env: isolatedGoEnv(dirs, { GOPROXY: pathToFileURL(root).href, GOFLAGS: "-modcacherw" }),
      },
    );
    if (run.code !== 0)
      throw new Error(`go mod download of the fault modules failed:\n${run.stderr}`);
    const lines: string[] = [];
    for (const d of parseDownloadJson(run.stdout)) {
      if (d.Error || !d.Sum || !d.GoModSum)
        throw new Error(`go mod download: ${JSON.stringify(d)}`);
      lines.push(`${d.Path} ${d.Version} ${d.Sum}`, `${d.Path} ${d.Version}/go.mod ${d.GoModSum}`);
    }
    const goSum = join(mkdtempSync(join(tmpdir(), "gopave-faults-gosum-")), "go.sum");
    writeFileSync(goSum, `${lines.join("\n")}\n`);
    const modules = specs.map((s) => {
      const files = new Map<string, Buffer>();
      for (const ext of ["info", "mod", "zip"] as const) {
        const p = modulePath(s.path, s.version, ext);
        files.set(p, readFileSync(join(root, ...p.split("/").slice(1))));
      }
      return { path: s.path, version: s.version, files };
    });
    return { root, modules, goSum };
  } finally {
    rmSync(dirs.home, { recursive: true, force: true });
  }
}

/**
 * freshGoDirs with the go command's telemetry off in that HOME: otherwise go leaves a telemetry
 * child process writing under $HOME/.config after it exits, and removing the HOME races it
 * (ENOTEMPTY).
 */
export async function quietGoDirs(prefix: string): Promise<GoDirs> {
  const dirs = freshGoDirs(prefix);
  const off = await runGo(["telemetry", "off"], { cwd: dirs.home, env: isolatedGoEnv(dirs, {}) });
  if (off.code !== 0) throw new Error(`go telemetry off failed:\n${off.stderr}`);
  return dirs;
}
