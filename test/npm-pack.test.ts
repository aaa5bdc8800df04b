import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.js";

const version = (
  JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/**
 * The generated drift job runs gopave from npm; what npm would publish must install and run on its
 * own. `npm test` builds dist/ first, so packing skips the prepare script (a second tsc run would
 * rewrite dist/ under the other tests).
 */
describe("the npm package", () => {
  it("packs, installs from the tarball in an empty folder, and runs", () => {
    const home = mkdtempSync(join(tmpdir(), "gopave-pack-"));
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", home], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = packed[0]?.filename ?? "";
    const files = (packed[0]?.files ?? []).map((f) => f.path);
    expect(files).toContain("bin/gopave.js");
    expect(files).toContain("dist/cli/main.js");
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
    // npx runs a package spec only as a relative path (an absolute one is a command to it).
    const printed = execFileSync("npx", ["--yes", `./${tarball}`, "--version"], {
      cwd: home,
      // A cache of its own: what the tarball needs comes from the registry, not this checkout.
      env: { ...process.env, npm_config_cache: join(home, ".npm") },
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(printed.trim()).toBe(version);
  }, 300_000);
});
