import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProxySeed } from "../src/cli/proxy-seed.js";
import type { CliIo } from "../src/cli/io.js";
import { seedFromModCache } from "../src/proxy/seed.js";
import type { SeedProgress } from "../src/proxy/seed.js";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import type { Storage, Verifier, VerifyResult } from "../src/proxy/types.js";
import { GopaveError } from "../src/util/errors.js";
import { gopave } from "./helpers/cli.js";
import { moduleZip, readBody } from "./helpers/storage-suite.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `gopave-${prefix}-`));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function write(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/**
 * Trusts exactly the bytes it was told about (a stand-in for go.sum / the checksum database);
 * anything else is a mismatch. Counts calls, so tests can see what was verified.
 */
class FakeVerifier implements Verifier {
  readonly known = new Map<string, string>();
  calls = 0;
  unavailable = false;

  trust(module: string, version: string, file: "mod" | "zip", data: Buffer): void {
    this.known.set(`${module}@${version}.${file}`, sha(data));
  }

  private result(key: string, data: Buffer): VerifyResult {
    this.calls++;
    if (this.unavailable) return { ok: false, reason: "sumdb unreachable", unavailable: true };
    return this.known.get(key) === sha(data)
      ? { ok: true, how: "go.sum" }
      : { ok: false, reason: `${key}: checksum mismatch` };
  }

  async verifyMod(module: string, version: string, data: Buffer): Promise<VerifyResult> {
    return this.result(`${module}@${version}.mod`, data);
  }

  async verifyZip(module: string, version: string, zipPath: string): Promise<VerifyResult> {
    return this.result(`${module}@${version}.zip`, readFileSync(zipPath));
  }
}

interface Fixture {
  modcache: string;
  download: string;
  verifier: FakeVerifier;
}

/** A GOMODCACHE as the go command leaves it, by hand: escaped paths, ziphash, locks, extracted trees. */
async function modCache(): Promise<Fixture> {
  const modcache = temp("modcache");
  const download = join(modcache, "cache", "download");
  const verifier = new FakeVerifier();
  const add = async (module: string, escaped: string, version: string, zip: boolean) => {
    const dir = join(download, escaped, "@v");
    const mod = Buffer.from(`module ${module}\n`);
    const escVersion = version.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
    write(join(dir, `${escVersion}.info`), JSON.stringify({ Version: version }));
    write(join(dir, `${escVersion}.mod`), mod);
    write(join(dir, `${escVersion}.lock`), "");
    verifier.trust(module, version, "mod", mod);
    if (zip) {
      const data = await moduleZip(module, version, {
        "go.mod": mod.toString(),
        "a.go": "package a\n",
      });
      write(join(dir, `${escVersion}.zip`), data);
      write(join(dir, `${escVersion}.ziphash`), "h1:whatever");
      verifier.trust(module, version, "zip", data);
    }
  };
  await add("example.com/a", "example.com/a", "v1.0.0", true);
  await add("example.com/a", "example.com/a", "v1.1.0", false);
  write(join(download, "example.com/a/@v/list"), "v1.0.0\nv1.1.0\n");
  await add("example.com/Upper/Mod", "example.com/!upper/!mod", "v0.1.0-RC", true);
  await add("example.com/tampered", "example.com/tampered", "v1.0.0", true);
  // Someone edited the zip after download: the checksum no longer matches.
  write(join(download, "example.com/tampered/@v/v1.0.0.zip"), "evil");
  // Not seedable: an escaped name x/mod rejects (uppercase in escaped form).
  write(join(download, "example.com/BAD/@v/v1.0.0.mod"), "module example.com/BAD\n");
  // Ignored: checksum-db cache, extracted module trees, the go command's temp files.
  write(join(download, "sumdb/sum.golang.org/tile/8/0/000"), "tile");
  write(join(download, "example.com/a/@v/v1.0.0.mod.tmp-123"), "partial");
  write(join(modcache, "example.com/a@v1.0.0/a.go"), "package a\n");
  return { modcache, download, verifier };
}

async function text(s: Storage, m: string, v: string, f: "info" | "mod" | "zip") {
  const b = await s.get(m, v, f);
  return b ? (await readBody(b.open())).toString("utf8") : undefined;
}

describe("seedFromModCache", () => {
  it("stores verified files, skips bad names, refuses a tampered version entirely", async () => {
    const { modcache, verifier } = await modCache();
    const storage = await createFsStorage(temp("seed-store"));
    const progress: SeedProgress[] = [];
    const r = await seedFromModCache(modcache, storage, verifier, (p) => progress.push(p));

    expect(r).toMatchObject({ modules: 3, versions: 4, failed: 1, skipped: 3 });
    // a@v1.0.0: 3 files, a@v1.1.0: 2, Upper/Mod: 3, and a's list.
    expect(r.stored).toBe(9);
    expect(r.failures).toEqual([
      {
        module: "example.com/tampered",
        version: "v1.0.0",
        file: "zip",
        reason: "example.com/tampered@v1.0.0.zip: checksum mismatch",
      },
    ]);
    expect(await text(storage, "example.com/a", "v1.0.0", "mod")).toBe("module example.com/a\n");
    expect(await storage.get("example.com/a", "v1.0.0", "zip")).toBeDefined();
    expect(await storage.get("example.com/a", "v1.1.0", "zip")).toBeUndefined();
    expect(await text(storage, "example.com/Upper/Mod", "v0.1.0-RC", "info")).toBe(
      '{"Version":"v0.1.0-RC"}',
    );
    for (const f of ["info", "mod", "zip"] as const) {
      expect(await storage.get("example.com/tampered", "v1.0.0", f)).toBeUndefined();
    }
    expect(await storage.getAnswer("list", "example.com/a")).toEqual({
      body: "v1.0.0\nv1.1.0\n",
      status: 200,
      fetchedAt: 0,
    });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    await storage.close();
  });

  it("is cheap to run again: nothing re-verified or re-written", async () => {
    const { download, verifier } = await modCache();
    const storage = await createFsStorage(temp("seed-again"));
    await storage.putAnswer("list", "example.com/a", {
      body: "v1.2.0\n",
      status: 200,
      fetchedAt: 5,
    });
    const first = await seedFromModCache(download, storage, verifier);
    expect(first.stored).toBe(8);
    const calls = verifier.calls;
    const again = await seedFromModCache(download, storage, verifier);
    expect(again).toMatchObject({ stored: 0, failed: 1, skipped: first.skipped + first.stored });
    // Only the tampered zip (never stored) and its mod are checked again.
    expect(verifier.calls - calls).toBe(2);
    // A list the proxy already has is fresher than the cache's partial one.
    expect((await storage.getAnswer("list", "example.com/a"))?.body).toBe("v1.2.0\n");
    await storage.close();
  });

  it("counts an unreachable checksum database as a failure, storing nothing verified", async () => {
    const { modcache, verifier } = await modCache();
    verifier.unavailable = true;
    const storage = await createFsStorage(temp("seed-offline"));
    const r = await seedFromModCache(modcache, storage, verifier);
    expect(r.failed).toBe(7);
    expect(r.failures[0]?.reason).toMatch(/^could not verify: /);
    expect(await storage.get("example.com/a", "v1.0.0", "info")).toBeUndefined();
    await storage.close();
  });

  it("refuses an .info that names another version", async () => {
    const { modcache, download, verifier } = await modCache();
    write(join(download, "example.com/a/@v/v1.1.0.info"), '{"Version":"v9.9.9"}');
    const storage = await createFsStorage(temp("seed-info"));
    const r = await seedFromModCache(modcache, storage, verifier);
    expect(r.failures.map((f) => `${f.module}@${f.version}.${f.file}`)).toContain(
      "example.com/a@v1.1.0.info",
    );
    expect(await storage.get("example.com/a", "v1.1.0", "mod")).toBeUndefined();
    await storage.close();
  });

  it("rejects a directory that does not exist", async () => {
    const storage = await createFsStorage(temp("seed-missing"));
    await expect(
      seedFromModCache(join(temp("x"), "nope"), storage, new FakeVerifier()),
    ).rejects.toThrow(GopaveError);
    await storage.close();
  });
});

function io(cwd: string, isTTY = false) {
  const out = { stdout: "", stderr: "" };
  const value: CliIo = {
    cwd,
    env: { HOME: cwd },
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    isTTY,
  };
  return { io: value, out };
}

describe("gopave proxy seed", () => {
  it("prints a summary and exits 1 when a file failed verification", async () => {
    const { modcache, verifier } = await modCache();
    const store = temp("cli-store");
    const { io: cli, out } = io(modcache);
    const code = await runProxySeed({ dir: ".", storage: store }, cli, {
      createVerifier: () => verifier,
    });
    expect(code).toBe(1);
    expect(out.stdout).toContain("3 modules, 4 versions");
    expect(out.stdout).toContain("9 stored");
    expect(out.stderr).toContain("example.com/tampered@v1.0.0 (.zip): ");
    // No terminal: no progress line.
    expect(out.stderr).not.toContain("seeding");
    expect(readFileSync(join(store, "example.com/a/@v/v1.0.0.mod"), "utf8")).toBe(
      "module example.com/a\n",
    );
  });

  it("exits 0 when everything verifies, shows progress on a terminal, reads the config file", async () => {
    const { modcache, download, verifier } = await modCache();
    write(join(download, "example.com/tampered/@v/v1.0.0.zip"), "restored later");
    verifier.trust("example.com/tampered", "v1.0.0", "zip", Buffer.from("restored later"));
    const dir = temp("cli-config");
    write(
      join(dir, "proxy.yaml"),
      `listen: 127.0.0.1:3000\nstorage: ${join(dir, "store")}\nsumdb: off\n`,
    );
    const seen: unknown[] = [];
    const { io: cli, out } = io(dir, true);
    const code = await runProxySeed({ dir: modcache, config: "proxy.yaml" }, cli, {
      createVerifier: (o) => {
        seen.push(o.sumdb);
        return verifier;
      },
    });
    expect(code).toBe(0);
    expect(seen).toEqual(["off"]);
    expect(out.stderr).toContain("seeding 4/4");
    expect(readFileSync(join(dir, "store/example.com/tampered/@v/v1.0.0.zip"), "utf8")).toBe(
      "restored later",
    );
  });

  it("exits 2 on bad input: a missing dir, a dir with no modules, a bad config", async () => {
    expect((await gopave(temp("cli-bad"), ["proxy", "seed", "nope"])).code).toBe(2);

    const empty = temp("cli-empty");
    const r = await gopave(empty, ["proxy", "seed", ".", "--storage", join(empty, "store")], {
      GOSUMDB: "off",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no modules found");

    write(join(empty, "bad.yaml"), "storage: [1, 2]\n");
    const bad = await gopave(empty, ["proxy", "seed", ".", "--config", "bad.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:1:10: storage: expected a non-empty string/);
  });

  it("runs through `gopave proxy seed` with the real verifier (checksum database off)", async () => {
    const { modcache } = await modCache();
    const store = temp("cli-real");
    const r = await gopave(modcache, ["proxy", "seed", modcache, "--storage", `file://${store}`], {
      GOSUMDB: "off",
    });
    // The zip checks still run with the database off; the tampered "zip" is not a zip at all.
    expect(r.stderr).toContain("example.com/tampered@v1.0.0 (.zip)");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("9 stored");
  });
});
