import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { DEVBOX_CI_COMMANDS } from "../src/generate/devbox/devbox-ci.js";
import { attr, blank, block, comment, hclFile, object, str } from "../src/generate/devbox/hcl.js";
import { copyRepo, gopave } from "./helpers/cli.js";
import { terraformBinary, terraformEnv } from "./helpers/terraform-cli.js";

/**
 * Proof with the real Terraform and cloud-init: the generated devbox/ module is formatted as
 * `terraform fmt` writes it, initialises from a filesystem mirror of providers built from their
 * Go module source (no registry), validates, and passes its own `terraform test` (the provider
 * mocked). The user data Terraform renders passes `cloud-init schema`, and the script it carries
 * passes shellcheck and is byte for byte devbox/provision.sh.
 */

const KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdvcGF2ZXRlc3RrZXlub3Rmb3JhbnlyZWFsYm94 alice@laptop";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tf(dir: string, args: string[], input?: string) {
  const r = spawnSync(terraformBinary(), args, {
    cwd: join(dir, "devbox"),
    encoding: "utf8",
    env: terraformEnv(),
    timeout: 120_000,
    ...(input === undefined ? {} : { input }),
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function initialised(from: "example" | "fixture", name: string, devbox: string) {
  const dir = copyRepo(from, name);
  dirs.push(dir);
  const init = await gopave(dir, ["init", "--yes", "--offline"]);
  expect(init.code, init.stderr).toBe(0);
  const spec = join(dir, "gopave.yaml");
  writeFileSync(spec, `${readFileSync(spec, "utf8")}${devbox}`);
  const sync = await gopave(dir, ["sync"]);
  expect(sync.code, sync.stderr).toBe(0);
  const initTf = tf(dir, ["init", "-backend=false", "-input=false"]);
  expect(initTf.code, initTf.out).toBe(0);
  return dir;
}

/** The user data exactly as Terraform renders it (through base64: the console quotes strings). */
function renderedUserData(dir: string, vars: string[]): string {
  const r = tf(dir, ["console", ...vars], "base64encode(local.user_data)\n");
  expect(r.code, r.out).toBe(0);
  return Buffer.from(JSON.parse(r.out.trim()) as string, "base64").toString("utf8");
}

function cloudInitSchema(userData: string): { code: number | null; out: string } {
  const tmp = mkdtempSync(join(tmpdir(), "gopave-userdata-"));
  dirs.push(tmp);
  const file = join(tmp, "user-data.yaml");
  writeFileSync(file, userData);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  if (r.error)
    throw new Error(`cloud-init is needed (Debian's cloud-init package): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface UserData {
  packages: string[];
  users: { name: string; ssh_authorized_keys: string[] }[];
  write_files: { path: string; content: string; encoding?: string }[];
  runcmd: string[][];
}

function envFile(ud: UserData): Record<string, string> {
  const file = ud.write_files.find((f) => f.path === "/etc/gopave/devbox.env");
  expect(file).toBeDefined();
  // Every value is single-quoted for sh; none of these holds a quote.
  return Object.fromEntries(
    (file?.content ?? "")
      .trimEnd()
      .split("\n")
      .map((l) => /^([A-Z_]+)='([^']*)'$/.exec(l))
      .map((m) => [m?.[1] ?? "?", m?.[2] ?? "?"]),
  );
}

describe("devbox module (hcloud) for the example", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await initialised(
      "example",
      "orders",
      [
        "devbox:",
        "  provider: hcloud",
        "  size: cpx31",
        `  sshKeys: ["${KEY}"]`,
        "  repo: https://git.example.com/acme/orders.git",
        "",
      ].join("\n"),
    );
  }, 180_000);

  it("is formatted as terraform fmt writes it, and validates", () => {
    const fmt = tf(dir, ["fmt", "-check", "-recursive"]);
    expect(fmt.code, fmt.out).toBe(0);
    const v = tf(dir, ["validate", "-json"]);
    const result = JSON.parse(v.out) as { valid: boolean; error_count: number };
    expect(result, v.out).toMatchObject({ valid: true, error_count: 0 });
  });

  it("passes its own terraform test (mocked provider), which fails when the Go drifts", () => {
    const t = tf(dir, ["test"]);
    expect(t.code, t.out).toBe(0);
    expect(t.out).toContain("2 passed, 0 failed");
    const main = join(dir, "devbox", "main.tf");
    const text = readFileSync(main, "utf8");
    writeFileSync(main, text.replace(/GO_VERSION(\s+)= "[^"]+"/, 'GO_VERSION$1= "1.22.0"'));
    const drifted = tf(dir, ["test"]);
    writeFileSync(main, text);
    expect(drifted.code).toBe(1);
    expect(drifted.out).toContain("The box must install gopave.yaml's go.version");
  });

  it("renders user data that cloud-init accepts, carrying the spec's Go and provision.sh", () => {
    const text = renderedUserData(dir, ["-var", "developer=ci"]);
    expect(text.split("\n")[0]).toBe("#cloud-config");
    const schema = cloudInitSchema(text);
    expect(schema.code, schema.out).toBe(0);
    expect(schema.out).toContain("Valid cloud-config");

    const ud = parseYaml(text) as UserData;
    expect(ud.users).toEqual([
      expect.objectContaining({ name: "dev", ssh_authorized_keys: [KEY] }),
    ]);
    expect(ud.packages).toEqual(
      expect.arrayContaining(["golang-go", "git", "docker.io", "nodejs"]),
    );
    const env = envFile(ud);
    expect(env).toMatchObject({
      GO_VERSION: "1.26.8",
      DEVBOX_USER: "dev",
      DEVBOX_ENGINE: "docker",
      REPO_URL: "https://git.example.com/acme/orders.git",
      WORKSPACE: "/srv/dev/orders",
      DATA_DEVICE: "/dev/disk/by-id/scsi-0HC_Volume_*",
    });
    const script = ud.write_files.find((f) => f.path === "/usr/local/sbin/gopave-devbox-provision");
    expect(script?.encoding).toBe("b64");
    expect(Buffer.from(script?.content ?? "", "base64").toString("utf8")).toBe(
      readFileSync(join(dir, "devbox", "provision.sh"), "utf8"),
    );
    expect(ud.runcmd).toEqual([["/usr/local/sbin/gopave-devbox-provision"]]);
  });

  it("passes every command of its CI job", () => {
    for (const command of DEVBOX_CI_COMMANDS) {
      const [bin, ...args] = command.split(" ");
      expect(bin).toBe("terraform");
      const r = tf(dir, args);
      expect(r.code, `${command}\n${r.out}`).toBe(0);
    }
  });

  it("carries a provision script that passes shellcheck", () => {
    const r = spawnSync("shellcheck", ["devbox/provision.sh"], { cwd: dir, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it("names the box after the developer and gives the ssh command and dev container URI", () => {
    const outputs = readFileSync(join(dir, "devbox", "outputs.tf"), "utf8");
    const hex = Buffer.from("/srv/dev/orders").toString("hex");
    expect(outputs).toContain(
      `"vscode-remote://dev-container+${hex}@ssh-remote+\${local.name}/workspaces/orders"`,
    );
    const name = tf(dir, ["console", "-var", "developer=alice"], "local.name\n");
    expect(name.out.trim()).toBe('"orders-alice"');
    // Without developer, the workspace names the box: one workspace per developer.
    expect(tf(dir, ["workspace", "new", "bob"]).code).toBe(0);
    const byWorkspace = tf(dir, ["console"], "local.name\n");
    expect(tf(dir, ["workspace", "select", "default"]).code).toBe(0);
    expect(byWorkspace.out.trim()).toBe('"orders-bob"');
  });

  it("is caught by validate, fmt -check and cloud-init schema when broken", () => {
    const server = join(dir, "devbox", "hcloud.tf");
    const text = readFileSync(server, "utf8");
    writeFileSync(server, text.replace("server_type", "server_kind"));
    const v = tf(dir, ["validate"]);
    writeFileSync(server, text.replace("  name        = local.name", "  name = local.name"));
    const fmt = tf(dir, ["fmt", "-check"]);
    writeFileSync(server, text);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/Unsupported argument|Missing required argument/);
    expect(fmt.code).toBe(3);
    expect(fmt.out).toContain("hcloud.tf");
    const bad = cloudInitSchema("#cloud-config\nusers: 5\n");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("users");
  });

  it("refuses a private key and a malformed developer name before planning anything", () => {
    const key = tf(dir, [
      "plan",
      "-var",
      'ssh_public_keys=["-----BEGIN OPENSSH PRIVATE KEY-----"]',
    ]);
    expect(key.code).toBe(1);
    expect(key.out).toContain("ssh_public_keys: at least one OpenSSH public key line");
    const dev = tf(dir, ["plan", "-var", "developer=Alice Smith"]);
    expect(dev.code).toBe(1);
    expect(dev.out).toContain("developer: lower-case letters");
  });
});

describe("hcl writer", () => {
  it("writes what terraform fmt leaves as it is: alignment runs, blocks, multi-line values, escapes", () => {
    const tmp = mkdtempSync(join(tmpdir(), "gopave-hcl-"));
    dirs.push(tmp);
    writeFileSync(
      join(tmp, "sample.tf"),
      hclFile([
        comment("one\n\ntwo"),
        block(
          "locals",
          [],
          [
            attr("a", "1"),
            attr("long_name", str('quote " dollar ${x} percent %{y}')),
            attr(
              "obj",
              object(
                [
                  ["k", "1"],
                  ["longer", "2"],
                ],
                "  ",
              ),
            ),
            attr("c", "3"),
            blank,
            block("inner", [], [attr("b", "[1, 2]")]),
            attr("after_block", "true"),
          ],
        ),
        blank,
        block("variable", ["v"], []),
      ]),
    );
    const r = spawnSync(terraformBinary(), ["fmt", "-check", "-diff", tmp], {
      encoding: "utf8",
      env: terraformEnv(),
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });
});

describe("devbox module (openstack, podman) with module settings", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await initialised(
      "fixture",
      "private-deps",
      [
        "devbox:",
        "  provider: openstack",
        "  size: m1.large",
        "  image: Debian 13",
        "  engine: podman",
        "  network: dev-net",
        "  floatingIpPool: public",
        "",
      ].join("\n"),
    );
  }, 180_000);

  it("validates and passes its own test", () => {
    const fmt = tf(dir, ["fmt", "-check", "-recursive"]);
    expect(fmt.code, fmt.out).toBe(0);
    const v = tf(dir, ["validate"]);
    expect(v.code, v.out).toBe(0);
    const t = tf(dir, ["test"]);
    expect(t.code, t.out).toBe(0);
  });

  it("renders user data with podman and the spec's module settings for the toolchain download", () => {
    const text = renderedUserData(dir, [
      "-var",
      "developer=ci",
      "-var",
      `ssh_public_keys=["${KEY}"]`,
    ]);
    const schema = cloudInitSchema(text);
    expect(schema.code, schema.out).toBe(0);
    const ud = parseYaml(text) as UserData;
    expect(ud.packages).toEqual(expect.arrayContaining(["podman", "podman-compose"]));
    expect(ud.packages).not.toContain("docker.io");
    const env = envFile(ud);
    const spec = parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as {
      go: { version: string };
      modules: { private: string[] };
    };
    expect(spec.modules.private.length).toBeGreaterThan(0);
    expect(env).toMatchObject({
      GO_VERSION: spec.go.version,
      GOPRIVATE: spec.modules.private.join(","),
      DEVBOX_ENGINE: "podman",
      DATA_DEVICE: "",
      REPO_URL: "",
    });
    expect(env).not.toHaveProperty("GOTOOLCHAIN");
  });

  it("needs ssh_public_keys when the spec names none", () => {
    const r = tf(dir, ["plan", "-input=false", "-var", "developer=ci"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("ssh_public_keys");
  });
});
