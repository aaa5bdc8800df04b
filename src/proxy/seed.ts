import { open } from "node:fs/promises";
import { findDownloadDir, scanDownloadDir } from "./storage/modcache.js";
import type { CachedModule, CachedVersion } from "./storage/modcache.js";
import type { ModuleFile, Storage, Verifier, VerifyResult } from "./types.js";

export interface SeedCounts {
  /** Modules with at least one version or a list. */
  modules: number;
  /** Versions with at least one of .info/.mod/.zip. */
  versions: number;
  /** Files written to storage (.info, .mod, .zip, list). */
  stored: number;
  /** Files not written: already in storage, or named in a way x/mod rejects. */
  skipped: number;
  /** Files refused: verification failed or could not be made, unreadable, or not storable. */
  failed: number;
}

export interface SeedFailure {
  module: string;
  version?: string;
  file: ModuleFile | "list";
  reason: string;
}

export interface SeedResult extends SeedCounts {
  downloadDir: string;
  failures: SeedFailure[];
}

export interface SeedProgress {
  done: number;
  total: number;
  module: string;
  version: string;
}

/** Checksum-database lookups dominate; a few in flight hide their latency without a burst. */
const CONCURRENCY = 8;
/** x/mod/zip MaxGoMod; .info files are a few hundred bytes. */
const MAX_MOD = 16 << 20;
const MAX_INFO = 1 << 20;

/**
 * Fills `storage` from a module cache (`<dir>/cache/download`, or `dir` if it is a download dir).
 * .mod and .zip are verified before anything of their version is stored; a version with a
 * failing file is not stored at all. Files already in storage are neither verified nor written,
 * so a second run is cheap. Lists are stored only where storage has none, stamped as fetched at
 * time 0: a module cache's list names only the versions that machine downloaded, so the server
 * should treat it as stale at once and use it only when the upstream cannot answer.
 */
export async function seedFromModCache(
  dir: string,
  storage: Storage,
  verifier: Verifier,
  onProgress?: (p: SeedProgress) => void,
): Promise<SeedResult> {
  const scan = await scanDownloadDir(await findDownloadDir(dir));
  const result: SeedResult = {
    downloadDir: scan.downloadDir,
    modules: scan.modules.length,
    versions: 0,
    stored: 0,
    skipped: scan.invalid.length,
    failed: 0,
    failures: [],
  };
  const versions = scan.modules.flatMap((m) => m.versions);
  result.versions = versions.length;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let v = versions[next++]; v !== undefined; v = versions[next++]) {
      await seedVersion(v, storage, verifier, result);
      onProgress?.({ done: ++done, total: versions.length, module: v.module, version: v.version });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const m of scan.modules) await seedList(m, storage, result);
  result.failures.sort((a, b) => (failureKey(a) < failureKey(b) ? -1 : 1));
  return result;
}

function failureKey(f: SeedFailure): string {
  return `${f.module}@${f.version ?? ""}.${f.file}`;
}

const ORDER: readonly ModuleFile[] = ["info", "mod", "zip"];

async function seedVersion(
  v: CachedVersion,
  storage: Storage,
  verifier: Verifier,
  result: SeedResult,
): Promise<void> {
  const missing: ModuleFile[] = [];
  for (const file of ORDER) {
    if (v.files[file] === undefined) continue;
    if (await storage.get(v.module, v.version, file)) result.skipped++;
    else missing.push(file);
  }
  const data = new Map<ModuleFile, Buffer>();
  const failures: SeedFailure[] = [];
  for (const file of missing) {
    const reason = await check(v, file, verifier, data).catch((err: unknown) => errText(err));
    if (reason !== undefined) failures.push({ module: v.module, version: v.version, file, reason });
  }
  if (failures.length > 0) {
    // Nothing of a version that failed: its .info alone would advertise a version we cannot serve.
    result.failures.push(...failures);
    result.failed += failures.length;
    result.skipped += missing.length - failures.length;
    return;
  }
  for (const file of missing) {
    const path = v.files[file] as string;
    const buf = data.get(file);
    try {
      await storage.putOnce(v.module, v.version, file, buf ? { data: buf } : { path });
      result.stored++;
    } catch (err) {
      result.failures.push({ module: v.module, version: v.version, file, reason: errText(err) });
      result.failed++;
    }
  }
}

/** Why `file` may not be stored, or undefined. Reads .info/.mod into `data` for the put. */
async function check(
  v: CachedVersion,
  file: ModuleFile,
  verifier: Verifier,
  data: Map<ModuleFile, Buffer>,
): Promise<string | undefined> {
  const path = v.files[file] as string;
  if (file === "zip") return verdict(await verifier.verifyZip(v.module, v.version, path));
  const buf = await readCapped(path, file === "mod" ? MAX_MOD : MAX_INFO);
  if (buf === undefined) return `${file} file too large`;
  data.set(file, buf);
  if (file === "mod") return verdict(await verifier.verifyMod(v.module, v.version, buf));
  // .info is not authenticated, but a cache's file for another version would answer wrongly.
  try {
    const info = JSON.parse(buf.toString("utf8")) as { Version?: unknown };
    if (info.Version === v.version) return undefined;
    return `.info names version ${JSON.stringify(info.Version)}, not ${v.version}`;
  } catch {
    return ".info is not valid JSON";
  }
}

function verdict(r: VerifyResult): string | undefined {
  if (r.ok) return undefined;
  return r.unavailable ? `could not verify: ${r.reason}` : r.reason;
}

async function readCapped(path: string, max: number): Promise<Buffer | undefined> {
  const fh = await open(path, "r");
  try {
    if ((await fh.stat()).size > max) return undefined;
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

async function seedList(m: CachedModule, storage: Storage, result: SeedResult): Promise<void> {
  if (m.list === undefined) return;
  try {
    if (await storage.getAnswer("list", m.module)) {
      result.skipped++;
      return;
    }
    const fh = await open(m.list, "r");
    const body = await fh.readFile("utf8").finally(() => fh.close());
    await storage.putAnswer("list", m.module, { body, status: 200, fetchedAt: 0 });
    result.stored++;
  } catch (err) {
    result.failures.push({ module: m.module, file: "list", reason: errText(err) });
    result.failed++;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
