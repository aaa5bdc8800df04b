import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEVCONTAINER_CLI_VERSION } from "../src/generate/devbox/box-settings.js";
import { generateDevbox } from "../src/generate/devbox/devbox.js";
import { attr, block, hclFile, str } from "../src/generate/devbox/hcl.js";
import type { GeneratedFile } from "../src/generate/types.js";
import { loadSpec } from "../src/spec/load.js";
import { specSchema } from "../src/spec/schema.js";
import { keptFileFacts } from "../src/detect/kept-file-facts.js";
import { exampleSpec, makeContext, SINGLE_MODULE_REPO } from "./helpers/spec.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdvcGF2ZXRlc3RrZXlub3Rmb3JhbnlyZWFsYm94 alice";

function text(files: GeneratedFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (f?.format !== "text") throw new Error(`no text file ${path}`);
  return f.text;
}

describe("devbox generator", () => {
  it("writes nothing without a devbox section", () => {
    expect(generateDevbox(makeContext(exampleSpec()))).toEqual([]);
  });

  it("writes the module with the provider's own file, and the provision script executable", () => {
    const files = generateDevbox(
      makeContext(exampleSpec({ devbox: { provider: "openstack", size: "m1.large" } })),
    );
    expect(files.map((f) => f.path).sort()).toEqual([
      "devbox/backend.tf.example",
      "devbox/cloud-init.yaml.tftpl",
      "devbox/main.tf",
      "devbox/openstack.tf",
      "devbox/outputs.tf",
      "devbox/provision.sh",
      "devbox/tests/user_data.tftest.hcl",
      "devbox/variables.tf",
      "devbox/versions.tf",
    ]);
    expect(files.find((f) => f.path === "devbox/provision.sh")).toMatchObject({ executable: true });
    expect(text(files, "devbox/versions.tf")).toContain('version = "3.4.0"');
    expect(text(files, "devbox/variables.tf")).toContain('variable "network"');
    // A floating IP only with a pool, and then the outputs' address.
    const os = text(files, "devbox/openstack.tf");
    expect(os).toContain("count = var.floating_ip_pool == null ? 0 : 1");
    expect(os).toMatch(
      /address = var\.floating_ip_pool == null \? .* : openstack_networking_floatingip_v2\.devbox\[0\]\.address/,
    );
  });

  it("passes the spec's module settings, but not GOTOOLCHAIN, to the box's toolchain download", () => {
    const spec = exampleSpec({
      devbox: { provider: "hcloud", size: "cpx31" },
      modules: {
        teamProxy: "http://goproxy.corp.example:3000",
        proxy: "direct",
        private: ["git.internal.example.com"],
        flags: ["-mod=readonly"],
      },
    });
    const main = text(generateDevbox(makeContext(spec)), "devbox/main.tf");
    expect(main).toContain('GOPROXY          = "http://goproxy.corp.example:3000|direct"');
    expect(main).toContain('GOPRIVATE        = "git.internal.example.com"');
    expect(main).toContain('GOFLAGS          = "-mod=readonly"');
    expect(main).not.toContain("GOTOOLCHAIN");
    expect(main).toContain('GO_VERSION       = "1.26.8"');
  });

  it("defaults ssh_public_keys to the spec's keys, and asks for them without", () => {
    const withKeys = generateDevbox(
      makeContext(exampleSpec({ devbox: { provider: "hcloud", size: "cpx31", sshKeys: [KEY] } })),
    );
    expect(text(withKeys, "devbox/variables.tf")).toContain(`default     = [${str(KEY)}]`);
    expect(text(withKeys, "devbox/main.tf")).not.toContain("-var 'ssh_public_keys");
    const without = generateDevbox(
      makeContext(exampleSpec({ devbox: { provider: "hcloud", size: "cpx31" } })),
    );
    const vars = text(without, "devbox/variables.tf");
    const keysBlock = vars.slice(vars.indexOf('variable "ssh_public_keys"'));
    expect(keysBlock.slice(0, keysBlock.indexOf("validation"))).not.toContain("default");
  });

  it.each([
    [undefined, "/workspaces/orders"],
    ["/workspace", "/workspace"],
    ["/workspaces/${localWorkspaceFolderBasename}", "/workspaces/orders"],
    ["${containerWorkspaceFolder}/x", "/workspaces/orders"],
  ])("opens a kept dev container whose workspaceFolder is %s at %s", (folder, want) => {
    const spec = exampleSpec({ devbox: { provider: "hcloud", size: "cpx31" } });
    const ctx = makeContext(spec, {
      ...SINGLE_MODULE_REPO,
      ...(folder === undefined ? {} : { keptDevcontainerWorkspace: folder }),
    });
    const hex = Buffer.from("/srv/dev/orders").toString("hex");
    expect(text(generateDevbox(ctx), "devbox/outputs.tf")).toContain(
      `"vscode-remote://dev-container+${hex}@ssh-remote+\${local.name}${want}"`,
    );
  });

  it("reads a kept devcontainer.json's workspaceFolder (JSONC), and nothing from gopave's own", () => {
    const read = (text: string) => (p: string) =>
      p === ".devcontainer/devcontainer.json" ? text : undefined;
    const keep = { devcontainer: ".devcontainer/devcontainer.json" };
    expect(
      keptFileFacts(read('{\n  // mine\n  "workspaceFolder": "/workspace",\n}'), keep),
    ).toEqual({ keptDevcontainerWorkspace: "/workspace" });
    expect(keptFileFacts(read('{"name": "x"}'), keep)).toEqual({});
    expect(keptFileFacts(read('{"workspaceFolder": "/w"}'), {})).toEqual({});
  });

  it("pre-builds the dev container with the devcontainer CLI gopave's own proof runs", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies["@devcontainers/cli"]).toBe(DEVCONTAINER_CLI_VERSION);
  });
});

describe("devbox spec", () => {
  const base = { version: 1, name: "orders", go: { version: "1.26.8" } };
  it.each([
    ["a private key", { sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"] }],
    ["a key with a quote in its comment", { sshKeys: [`${KEY.split(" alice")[0]} it's`] }],
    ["a repo URL with a shell expansion", { repo: "https://example.com/$(id)" }],
    ["a disk below 10 GB", { disk: 5 }],
    ["an unknown provider", { provider: "aws" }],
  ])("refuses %s", (_, bad) => {
    const r = specSchema.safeParse({
      ...base,
      devbox: { provider: "hcloud", size: "cpx31", ...bad },
    });
    expect(r.success).toBe(false);
  });
});

describe("devbox spec, loaded", () => {
  it("refuses a Go before toolchain modules, at the devbox key", () => {
    const text = `version: 1\nname: orders\ngo:\n  version: 1.20.14\ndevbox:\n  provider: hcloud\n  size: cpx31\n`;
    expect(() => loadSpec(text)).toThrow(
      /^devbox: the dev box downloads go\.version as a toolchain module/,
    );
    expect(() => loadSpec(text.replace("1.20.14", "1.21.0"))).not.toThrow();
  });
});

describe("hcl writer", () => {
  it("escapes template sequences and quotes in strings", () => {
    expect(str('a "b" ${c} %{d} \\ e\n')).toBe('"a \\"b\\" $${c} %%{d} \\\\ e\\n"');
  });

  // Each expected text below is what terraform fmt leaves as it is (checked with 1.11.4).
  it("aligns the = of adjacent attributes as terraform fmt does, and starts a new run after a block", () => {
    const out = hclFile([
      block(
        "resource",
        ["x", "y"],
        [
          attr("a", "1"),
          attr("long_name", "2"),
          block("inner", [], [attr("b", "3")]),
          attr("c", "4"),
        ],
      ),
    ]);
    expect(out).toBe(
      'resource "x" "y" {\n  a         = 1\n  long_name = 2\n  inner {\n    b = 3\n  }\n  c = 4\n}\n',
    );
  });

  it("leaves an attribute whose value spans lines out of its neighbours' alignment", () => {
    const out = hclFile([
      block("locals", [], [attr("a", "1"), attr("bbbbbb", "{\n    x = 1\n  }"), attr("c", "2")]),
    ]);
    expect(out).toBe("locals {\n  a = 1\n  bbbbbb = {\n    x = 1\n  }\n  c = 2\n}\n");
  });
});
