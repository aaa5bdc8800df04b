import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRepo, gopave } from "./helpers/cli.js";
import { cloudRootfs } from "./helpers/cloud-rootfs.js";
import { startPodman } from "./helpers/podman.js";
import type { Podman } from "./helpers/podman.js";
import { storageDriver } from "./helpers/test-cache.js";
import { terraformBinary, terraformEnv } from "./helpers/terraform-cli.js";

/**
 * The dev box's first boot, for real as far as a machine without a cloud allows: the user data
 * Terraform renders for the example's module goes to the real cloud-init (Debian 13's, NoCloud
 * datasource) in a container on a Debian 13 root filesystem, which runs every stage: the user and
 * its keys, the packages from Debian's archive, the files, then provision.sh. The box ends with
 * go.version downloaded by Debian's Go, the repo cloned, the spec's module settings and pinned
 * tools installed by setup-go-env.sh, and the devcontainer CLI run.
 *
 * What differs from a cloud: the clone URL reaches a bare copy of the repo (git's insteadOf), no
 * git host being reachable; the container trusts this machine's CA certificates, which TLS to the
 * module proxy needs here; openstack (the workspace on the boot disk), since there is no volume to
 * attach; one pinned tool, not five, to keep the test to minutes; no engine daemon runs (no
 * systemd), so the dev container pre-build fails, which the box must survive and report.
 */

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdvcGF2ZXRlc3RrZXlub3Rmb3JhbnlyZWFsYm94 alice";
const CLONE_URL = "https://git.example.com/team/orders.git";

let work = "";
let pm: Podman | undefined;
let out = "";

function section(name: string): string {
  const start = out.indexOf(`== ${name}\n`);
  if (start < 0) throw new Error(`no section ${name} in the box's output:\n${out}`);
  const rest = out.slice(start + name.length + 4);
  const end = rest.indexOf("\n== ");
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

beforeAll(async () => {
  const rootfs = cloudRootfs();
  work = mkdtempSync(join(tmpdir(), "gopave-devbox-boot-"));
  const repo = copyRepo("example", "orders");
  const git = (args: string[]) => execFileSync("git", ["-C", repo, ...args], { stdio: "pipe" });
  git(["init", "-q"]);
  git(["remote", "add", "origin", CLONE_URL]);
  const init = await gopave(repo, ["init", "--yes", "--offline", "--devbox", "openstack"]);
  expect(init.code, init.stderr).toBe(0);
  const specFile = join(repo, "gopave.yaml");
  writeFileSync(
    specFile,
    readFileSync(specFile, "utf8")
      .replace(/\ntools:\n(?: {2}.*\n)+/, "\ntools:\n  gofumpt: v0.10.0\n")
      .replace("  private: []\n", "  private: [git.example.com/team]\n"),
  );
  const sync = await gopave(repo, ["sync"]);
  expect(sync.code, sync.stderr).toBe(0);
  git(["add", "-A"]);
  git(["-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "init"]);
  execFileSync("git", ["clone", "-q", "--bare", repo, join(work, "repo.git")]);

  const tf = (args: string[], input?: string) =>
    execFileSync(terraformBinary(), args, {
      cwd: join(repo, "devbox"),
      env: terraformEnv(),
      encoding: "utf8",
      ...(input === undefined ? {} : { input }),
    });
  tf(["init", "-backend=false", "-input=false"]);
  const b64 = tf(
    ["console", "-var", "developer=ci", "-var", `ssh_public_keys=["${KEY}"]`],
    "base64encode(local.user_data)\n",
  );
  const seed = join(work, "seed");
  mkdirSync(seed);
  writeFileSync(join(seed, "user-data"), Buffer.from(JSON.parse(b64.trim()) as string, "base64"));
  writeFileSync(
    join(seed, "meta-data"),
    "instance-id: gopave-devbox-test\nlocal-hostname: orders-ci\n",
  );
  rmSync(repo, { recursive: true, force: true });
  // NoCloud only, and cloud-init must not touch the network: the container shares the host's.
  writeFileSync(
    join(work, "cloud.cfg"),
    "datasource_list: [NoCloud]\nnetwork: {config: disabled}\n",
  );
  writeFileSync(
    join(work, "gitconfig"),
    `[url "/srv/repo.git"]\n\tinsteadOf = ${CLONE_URL}\n[safe]\n\tdirectory = /srv/repo.git\n`,
  );
  // cloud-init's stages in boot order (systemd would run them), then what the box ended with.
  writeFileSync(
    join(work, "boot.sh"),
    [
      "cloud-init init --local && cloud-init init && cloud-init modules --mode config &&",
      "  cloud-init modules --mode final",
      "echo '== status'; cloud-init status --format json",
      "echo '== log'; cat /var/log/gopave-devbox.log",
      "echo '== motd'; cat /etc/motd",
      "echo '== done'; test -e /var/lib/gopave-devbox.done && echo yes",
      "echo '== go'; runuser -u dev -- /usr/local/go/bin/go version",
      "echo '== env'; runuser -u dev -- sh -lc 'cd /srv/dev/orders && go env GOPRIVATE GOFLAGS && git rev-parse --abbrev-ref HEAD && command -v gofumpt && gofumpt --version'",
      "echo '== keys'; cat /home/dev/.ssh/authorized_keys",
      "echo '== sudo'; cat /etc/sudoers.d/90-cloud-init-users",
      "echo '== groups'; id -nG dev",
      "",
    ].join("\n"),
  );
  pm = await startPodman({ imageStores: [] });
  // Overlay keeps the cached root filesystem as it is; without it, a copy per run.
  let root = rootfs;
  if (storageDriver() !== "overlay") {
    root = join(work, "rootfs");
    execFileSync("cp", ["-a", rootfs, root]);
  }
  const ro = (from: string, to: string) => ["-v", `${from}:${to}:ro`];
  out = await pm.podmanAsync([
    "run",
    "--rm",
    "--network",
    "host",
    ...ro(seed, "/var/lib/cloud/seed/nocloud"),
    ...ro(join(work, "cloud.cfg"), "/etc/cloud/cloud.cfg.d/99-gopave-test.cfg"),
    ...ro(join(work, "gitconfig"), "/etc/gitconfig"),
    ...ro(join(work, "repo.git"), "/srv/repo.git"),
    ...ro("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt"),
    ...ro(join(work, "boot.sh"), "/boot.sh"),
    "--rootfs",
    root === rootfs ? `${root}:O` : root,
    "/bin/sh",
    "/boot.sh",
  ]);
}, 1_800_000);

afterAll(async () => {
  await pm?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the dev box's first boot under the real cloud-init", () => {
  it("runs every module without an error", () => {
    const status = JSON.parse(section("status")) as { status: string; errors: string[] };
    expect(status.status, out).toBe("done");
    expect(status.errors, out).toEqual([]);
  });

  it("creates the dev user with the keys and passwordless sudo, in the engine's group", () => {
    expect(section("keys")).toBe(KEY);
    expect(section("sudo")).toContain("dev ALL=(ALL) NOPASSWD:ALL");
    expect(section("groups").split(" ")).toContain("docker");
  });

  it("installs gopave.yaml's Go, downloaded by Debian's, and the box's Go on the login PATH", () => {
    expect(section("go")).toBe("go version go1.26.8 linux/amd64");
    expect(section("log")).toMatch(/gopave-devbox: go version go1\.26\.8 linux\/amd64/);
  });

  it("clones the repo and applies the spec's module settings and pinned tools there", () => {
    const [goprivate, goflags, branch, gofumptPath, gofumpt] = section("env").split("\n");
    expect(goprivate).toBe("git.example.com/team");
    expect(goflags).toBe("");
    expect(branch).toBe("master");
    expect(gofumptPath).toBe("/home/dev/go/bin/gofumpt");
    expect(gofumpt).toBe("v0.10.0 (go1.26.8)");
  });

  it("runs the pinned devcontainer CLI, and survives and reports its failure without an engine", () => {
    expect(section("log")).toContain("@devcontainers/cli 0.89.0");
    expect(section("motd")).toContain(
      "gopave-devbox: the dev container did not build (see /var/log/gopave-devbox.log): it is built on first open",
    );
    expect(section("done")).toBe("yes");
    expect(section("log")).toContain("gopave-devbox: provisioning done");
  });
});
