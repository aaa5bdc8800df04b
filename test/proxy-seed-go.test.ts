import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { seedFromModCache } from "../src/proxy/seed.js";
import { createFsStorage } from "../src/proxy/storage/fs.js";
import { createVerifier } from "../src/proxy/verify/index.js";
import type { GoDownload } from "./helpers/storage-suite.js";
import { goDownload, moduleZip, putModule } from "./helpers/storage-suite.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `gopave-${prefix}-`));

const WANT = ["example.com/m@v1.0.0", "example.com/m@v1.1.0", "example.com/Upper/Case@v1.0.0-RC1"];

/**
 * A real GOMODCACHE, written by the go command from a file:// proxy, and the go.sum it implies:
 * the seed must reproduce a storage the go command accepts with the same checksums.
 */
describe("proxy seed from a module cache the go command wrote", () => {
  let downloads: GoDownload[];
  let modcache: string;
  let goSum: string;

  beforeAll(async () => {
    const origin = temp("seed-origin");
    const s = await createFsStorage(origin);
    await putModule(s, "example.com/m", "v1.0.0");
    await putModule(s, "example.com/m", "v1.1.0");
    await putModule(s, "example.com/Upper/Case", "v1.0.0-RC1");
    await s.close();
    downloads = goDownload(origin, WANT);
    expect(downloads.map((d) => d.Error)).toEqual([undefined, undefined, undefined]);
    modcache = (downloads[0]?.Zip ?? "").split("/cache/download/")[0] ?? "";
    goSum = join(temp("seed-gosum"), "go.sum");
    writeFileSync(
      goSum,
      downloads
        .flatMap((d) => [
          `${d.Path} ${d.Version} ${d.Sum}`,
          `${d.Path} ${d.Version}/go.mod ${d.GoModSum}`,
        ])
        .join("\n") + "\n",
    );
  });

  it("stores every version verified against go.sum, and go downloads them with the same sums", async () => {
    const root = temp("seed-go-store");
    const storage = await createFsStorage(root);
    const verifier = createVerifier({ trustedSums: [goSum], env: {} });
    const r = await seedFromModCache(modcache, storage, verifier);
    await storage.close();
    expect(r).toMatchObject({ modules: 2, versions: 3, failed: 0 });
    expect(r.stored).toBeGreaterThanOrEqual(9);

    const again = goDownload(root, WANT);
    expect(again.map((d) => [d.Path, d.Version, d.Sum, d.GoModSum, d.Error])).toEqual(
      downloads.map((d) => [d.Path, d.Version, d.Sum, d.GoModSum, undefined]),
    );
  });

  it("refuses a zip changed in the module cache after download", async () => {
    const zip = downloads[1]?.Zip ?? "";
    chmodSync(dirname(zip), 0o755);
    chmodSync(zip, 0o644);
    // A well-formed module zip, just not the one go.sum vouches for.
    writeFileSync(
      zip,
      await moduleZip("example.com/m", "v1.1.0", {
        "go.mod": "module example.com/m\n\ngo 1.21\n",
        "lib.go": "package lib\n\nfunc init() { panic(1) }\n",
      }),
    );
    const root = temp("seed-go-tampered");
    const storage = await createFsStorage(root);
    const r = await seedFromModCache(
      modcache,
      storage,
      createVerifier({ trustedSums: [goSum], env: {} }),
    );
    expect(r.failed).toBe(1);
    expect(r.failures[0]).toMatchObject({
      module: "example.com/m",
      version: "v1.1.0",
      file: "zip",
    });
    expect(await storage.get("example.com/m", "v1.1.0", "zip")).toBeUndefined();
    expect(await storage.get("example.com/m", "v1.1.0", "mod")).toBeUndefined();
    expect(await storage.get("example.com/m", "v1.0.0", "zip")).toBeDefined();
    await storage.close();
    expect(readFileSync(zip).length).toBeGreaterThan(0);
  });
});
