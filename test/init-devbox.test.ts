import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { cloneableUrl } from "../src/detect/origin-url.js";
import { copyRepo, gopave } from "./helpers/cli.js";
import { terraformBinary, terraformEnv } from "./helpers/terraform-cli.js";

/**
 * `gopave init --devbox <cloud>` as a new user runs it on a service with a database: the spec
 * gains a devbox section (the clone URL from git's origin, never its credentials), and the module
 * it writes passes terraform validate and its own test with nothing else set.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function git(dir: string, args: string[]): void {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

function tf(dir: string, args: string[]) {
  const r = spawnSync(terraformBinary(), args, {
    cwd: join(dir, "devbox"),
    encoding: "utf8",
    env: terraformEnv(),
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("init --devbox", () => {
  it("proposes a dev box cloning from origin without its credentials, and the module validates", async () => {
    const dir = copyRepo("example", "orders");
    dirs.push(dir);
    git(dir, ["init", "-q"]);
    git(dir, [
      "remote",
      "add",
      "origin",
      "https://bob:s3cr3t-token@git.example.com/acme/orders.git",
    ]);
    const init = await gopave(dir, ["init", "--yes", "--offline", "--devbox", "hcloud"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      "devbox   hcloud cpx31, cloning https://git.example.com/acme/orders.git",
    );
    expect(`${init.stdout}${init.stderr}`).not.toContain("s3cr3t");

    const spec = parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as { devbox: unknown };
    expect(spec.devbox).toEqual({
      provider: "hcloud",
      size: "cpx31",
      repo: "https://git.example.com/acme/orders.git",
    });
    const grep = spawnSync("grep", ["-rl", "--exclude-dir=.git", "s3cr3t", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(grep.stdout).toBe("");

    // Terraform's local state and downloads stay out of git and of the image build context.
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toContain("/devbox/terraform.tfstate\n");
    expect(readFileSync(join(dir, ".dockerignore"), "utf8")).toMatch(/^devbox$/m);
    expect(readFileSync(join(dir, "Tiltfile"), "utf8")).toContain('"devbox"');

    const again = await gopave(dir, ["sync", "--check"]);
    expect(again.code, again.stdout).toBe(0);
    const check = await gopave(dir, ["check", "--offline"]);
    expect(check.stdout).not.toMatch(/TF00\d/);

    // A hand edit of the module is drift, in sync --check and in check (GP001).
    const main = join(dir, "devbox", "main.tf");
    const text = readFileSync(main, "utf8");
    writeFileSync(main, text.replace('GO_VERSION       = "1.26.8"', 'GO_VERSION       = "1.25.1"'));
    const drift = await gopave(dir, ["sync", "--check"]);
    expect(drift.code).toBe(1);
    // The diff goes from the file on disk to what gopave.yaml gives.
    expect(drift.stdout).toContain(
      '-    GO_VERSION       = "1.25.1"\n+    GO_VERSION       = "1.26.8"',
    );
    const gp = await gopave(dir, ["check", "--offline", "--format", "json"]);
    const findings = JSON.parse(gp.stdout) as { findings: { rule: string; file: string }[] };
    expect(findings.findings).toContainEqual(
      expect.objectContaining({ rule: "GP001", file: "devbox/main.tf" }),
    );
    writeFileSync(main, text);

    expect(tf(dir, ["init", "-backend=false", "-input=false"]).code).toBe(0);
    const v = tf(dir, ["validate"]);
    expect(v.code, v.out).toBe(0);
    const t = tf(dir, ["test"]);
    expect(t.code, t.out).toBe(0);
  }, 120_000);

  it("says what to set when the guesses may be wrong: OpenStack's names, no origin", async () => {
    const dir = copyRepo("example", "orders");
    dirs.push(dir);
    const init = await gopave(dir, ["init", "--yes", "--offline", "--devbox", "openstack"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("set devbox.size and devbox.image");
    expect(init.stdout).toContain("no cloneable origin remote; set devbox.repo");
    const spec = parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as { devbox: unknown };
    expect(spec.devbox).toEqual({ provider: "openstack", size: "m1.large" });
  });

  it("refuses to write beside a hand-written module in devbox/, writing nothing", async () => {
    const dir = copyRepo("example", "orders");
    dirs.push(dir);
    mkdirSync(join(dir, "devbox"));
    writeFileSync(join(dir, "devbox", "main.tf"), 'resource "null_resource" "box" {}\n');
    const init = await gopave(dir, ["init", "--yes", "--offline", "--devbox", "hcloud"]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(
      "devbox/ already holds a Terraform module gopave did not write (main.tf)",
    );
    expect(() => readFileSync(join(dir, "gopave.yaml"))).toThrow();
  });

  it("refuses a repo whose Go predates toolchain modules, writing nothing", async () => {
    const dir = copyRepo("example", "orders");
    dirs.push(dir);
    const gomod = join(dir, "go.mod");
    writeFileSync(
      gomod,
      readFileSync(gomod, "utf8")
        .replace(/^go .*$/m, "go 1.20.14")
        .replace(/^toolchain .*\n/m, ""),
    );
    const init = await gopave(dir, ["init", "--yes", "--offline", "--devbox", "hcloud"]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain("toolchain module, and those exist from Go 1.21.0");
    expect(() => readFileSync(join(dir, "gopave.yaml"))).toThrow();
  });

  it("refuses a cloud it has no module for, writing nothing", async () => {
    const dir = copyRepo("example", "orders");
    dirs.push(dir);
    const init = await gopave(dir, ["init", "--yes", "--offline", "--devbox", "aws"]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain("hcloud, openstack");
    expect(() => readFileSync(join(dir, "gopave.yaml"))).toThrow();
  });
});

describe("the clone URL init takes from origin", () => {
  it.each([
    ["https://bob:tok@git.example.com/a/b.git", "https://git.example.com/a/b.git"],
    ["https://git.example.com/a/b", "https://git.example.com/a/b"],
    ["git@git.example.com:a/b.git", "git@git.example.com:a/b.git"],
    ["ssh://git@git.example.com:2222/a/b.git", "ssh://git@git.example.com:2222/a/b.git"],
    ["/srv/git/b.git", undefined],
    ["file:///srv/git/b.git", undefined],
    ["http://git.example.com/a/b.git", undefined],
  ])("%s -> %s", (url, want) => {
    expect(cloneableUrl(url)).toBe(want);
  });
});
