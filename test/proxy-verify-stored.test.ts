import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import { verifyStored } from "../src/proxy/verify-stored.js";
import { createVerifier, hashMod, hashZip } from "../src/proxy/verify/index.js";
import { gopave } from "./helpers/cli.js";
import { MemoryStorage } from "./helpers/proxy-memory-storage.js";
import { makeZip } from "./helpers/proxy-e2e-zip.js";

/**
 * `gopave proxy verify` re-hashes what a proxy's storage holds against trusted go.sum lines (the
 * checksum-database path is the verifier's own, tested with it): a file changed on disk after it
 * was stored is reported, and removed with --purge; what is intact stays.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const GOOD = "example.com/good";
const BAD = "example.com/Bad";
const V = "v1.2.3";

/** A storage directory with two stored modules and a go.sum with their true hashes. */
async function fixture(): Promise<{ root: string; goSum: string }> {
  const root = mkdtempSync(join(tmpdir(), "gopave-verify-stored-"));
  dirs.push(root);
  const storage = await createFsStorage(join(root, "store"));
  const lines: string[] = [];
  for (const m of [GOOD, BAD]) {
    const mod = Buffer.from(`module ${m}\n\ngo 1.21\n`);
    const zip = await makeZip({
      [`${m}@${V}/go.mod`]: mod.toString(),
      [`${m}@${V}/a.go`]: "package a\n",
    });
    const zipFile = join(root, "tmp.zip");
    writeFileSync(zipFile, zip);
    lines.push(`${m} ${V} ${await hashZip(zipFile)}`, `${m} ${V}/go.mod ${hashMod(mod)}`);
    await storage.putOnce(m, V, "mod", { data: mod });
    await storage.putOnce(m, V, "zip", { data: zip });
  }
  await storage.close();
  const goSum = join(root, "go.sum");
  writeFileSync(goSum, `${lines.join("\n")}\n`);
  return { root, goSum };
}

describe("gopave proxy verify", () => {
  it("reports files changed after they were stored, removes them with --purge, keeps the rest", async () => {
    const { root, goSum } = await fixture();
    const store = join(root, "store");
    // Tamper with the stored files of one module, as a bad restore or a hand edit would.
    const badDir = join(store, "example.com", "!bad", "@v");
    writeFileSync(join(badDir, `${V}.mod`), "module example.com/Bad\n\ngo 1.22\n");
    writeFileSync(
      join(badDir, `${V}.zip`),
      await makeZip({
        [`${BAD}@${V}/go.mod`]: `module ${BAD}\n\ngo 1.21\n`,
        [`${BAD}@${V}/a.go`]: "package a\n\nfunc Backdoor() {}\n",
      }),
    );

    const args = ["proxy", "verify", "--storage", `file://${store}`, "--go-sum", goSum];
    const report = await gopave(root, args);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stdout).toContain(
      `failed: ${BAD}@${V} (.mod): ${BAD}@${V} (go.mod): checksum mismatch`,
    );
    expect(report.stdout).toMatch(new RegExp(`failed: example\\.com/Bad@${V} \\(\\.zip\\): `));
    expect(report.stdout).toContain("4 files in");
    expect(report.stdout).toContain("2 verified");
    expect(report.stdout).toContain("2 failed");
    expect(report.stdout).not.toContain(`${GOOD}@${V} (`);

    const json = await gopave(root, [...args, "--json"]);
    const parsed = JSON.parse(json.stdout) as {
      counts: Record<string, number>;
      problems: { module: string; file: string; outcome: string }[];
    };
    expect(parsed.counts).toEqual({ verified: 2, skipped: 0, failed: 2, unverified: 0 });
    expect(parsed.problems.map((p) => `${p.module} ${p.file}`).sort()).toEqual([
      `${BAD} mod`,
      `${BAD} zip`,
    ]);

    const purge = await gopave(root, [...args, "--purge"]);
    expect(purge.code).toBe(1);
    expect(purge.stdout).toContain(`purged: ${BAD}@${V} (.mod)`);
    const after = await gopave(root, args);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain("2 files in");
    expect(after.stdout).toContain("2 verified");
  });

  it("checks zips from a backend without local files (copied to staging first)", async () => {
    const { root, goSum } = await fixture();
    const fs = await createFsStorage(join(root, "store"));
    const memory = new MemoryStorage(root);
    for await (const f of fs.storedFiles()) {
      const body = await fs.get(f.module, f.version, f.file);
      if (body?.path) await memory.putOnce(f.module, f.version, f.file, { path: body.path });
    }
    await fs.close();
    const verifier = createVerifier({ trustedSums: [goSum], env: {} });
    const result = await verifyStored(memory, verifier);
    expect(result.counts).toEqual({ verified: 4, skipped: 0, failed: 0, unverified: 0 });
  });

  it("refuses a storage URL it cannot open, with exit code 2", async () => {
    const r = await gopave(tmpdir(), ["proxy", "verify", "--storage", "ftp://nowhere"]);
    expect(r.code).toBe(2);
  });
});
