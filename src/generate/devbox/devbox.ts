import type { DevboxSpec, Spec } from "../../spec/schema.js";
import type { GeneratedFile, Generator, RepoFacts } from "../types.js";
import { devboxPackages, devboxWorkspace, provisionEnv } from "./box-settings.js";
import { attr, blank, block, comment, hclFile, object, str } from "./hcl.js";
import type { HclItem } from "./hcl.js";
import { PROVISION_SCRIPT } from "./provision-script.js";
import { devboxProvider } from "./providers/index.js";
import type { DevboxProvider } from "./providers/types.js";
import { devboxTest } from "./terraform-test.js";
import { devboxVariables } from "./variables.js";

/** Where the module goes; `check` and the CI job know it by this name. */
export const DEVBOX_DIR = "devbox";

/**
 * Where the dev container has the checkout: gopave's own mounts it at /workspaces/<name>, as the
 * dev container tools do by default for a folder named <name>; a kept one may say otherwise.
 */
function containerWorkspace(spec: Spec, repo: RepoFacts): string {
  const own = `/workspaces/${spec.name}`;
  const kept = repo.keptDevcontainerWorkspace?.replaceAll(
    "${localWorkspaceFolderBasename}",
    spec.name,
  );
  // Anything else left to expand (or a template sequence) is not a path the URI can name.
  return kept === undefined || /[$%]\{/.test(kept) ? own : kept;
}

export const generateDevbox: Generator = (ctx): GeneratedFile[] => {
  const { spec } = ctx;
  const devbox = spec.devbox;
  if (devbox === undefined) return [];
  const provider = devboxProvider(devbox.provider);
  const tf = (name: string, items: HclItem[]): GeneratedFile => ({
    path: `${DEVBOX_DIR}/${name}`,
    format: "text",
    text: hclFile(items),
  });
  return [
    tf("versions.tf", versions(devbox, provider)),
    tf("variables.tf", devboxVariables(spec, devbox, provider)),
    tf("main.tf", main(spec, devbox, provider)),
    tf(`${provider.name}.tf`, provider.file(devbox)),
    tf("outputs.tf", outputs(spec, ctx.repo)),
    { path: `${DEVBOX_DIR}/cloud-init.yaml.tftpl`, format: "text", text: cloudInit(devbox) },
    {
      path: `${DEVBOX_DIR}/provision.sh`,
      format: "text",
      text: PROVISION_SCRIPT,
      executable: true,
    },
    tf("backend.tf.example", backendExample(spec)),
    tf("tests/user_data.tftest.hcl", devboxTest(spec, devbox, provider)),
  ];
};

function versions(devbox: DevboxSpec, provider: DevboxProvider): HclItem[] {
  return [
    block(
      "terraform",
      [],
      [
        // Patch releases only: a minor release may change what the module means.
        attr("required_version", str(`~> ${devbox.terraform}`)),
        blank,
        block(
          "required_providers",
          [],
          [
            attr(
              provider.name,
              object(
                [
                  ["source", str(provider.source)],
                  ["version", str(provider.version)],
                ],
                "    ",
              ),
            ),
          ],
        ),
      ],
    ),
  ];
}

function main(spec: Spec, devbox: DevboxSpec, provider: DevboxProvider): HclItem[] {
  const env = provisionEnv(spec, devbox, provider);
  return [
    comment(
      [
        `A dev box per developer for ${spec.name}, from gopave.yaml's devbox section. One`,
        "workspace per developer keeps each box's state apart:",
        "",
        "  terraform workspace new alice   # once; the workspace names the box",
        devbox.sshKeys.length > 0
          ? "  terraform apply"
          : "  terraform apply -var 'ssh_public_keys=[\"ssh-ed25519 AAAA... alice@laptop\"]'",
        "",
        "Shared remote state: backend.tf.example. The first boot's progress is in",
        "/var/log/gopave-devbox.log on the box.",
      ].join("\n"),
    ),
    block(
      "locals",
      [],
      [
        attr("project", str(spec.name)),
        attr("developer", "coalesce(var.developer, terraform.workspace)"),
        attr("name", '"${local.project}-${local.developer}"'),
        attr("user", str(devbox.user)),
        blank,
        comment(
          "What provision.sh reads from /etc/gopave/devbox.env: gopave.yaml's Go and module settings.",
        ),
        attr("provision_env", object(env, "  ")),
        attr(
          "provision_env_file",
          'join("", [for k, v in local.provision_env : "${k}=\'${replace(v, "\'", "\'\\\\\'\'")}\'\\n"])',
        ),
        blank,
        attr(
          "user_data",
          [
            'templatefile("${path.module}/cloud-init.yaml.tftpl", {',
            "    user            = local.user",
            "    ssh_public_keys = var.ssh_public_keys",
            "    env             = local.provision_env_file",
            '    provision       = file("${path.module}/provision.sh")',
            "  })",
          ].join("\n"),
        ),
      ],
    ),
    blank,
    block(
      "check",
      ["developer_workspace"],
      [
        block(
          "assert",
          [],
          [
            attr("condition", 'local.developer != "default"'),
            attr(
              "error_message",
              str(
                "The box is named after the Terraform workspace: run `terraform workspace new <you>` (or set developer) so each developer has a box and a state of their own.",
              ),
            ),
          ],
        ),
      ],
    ),
  ];
}

function outputs(spec: Spec, repo: RepoFacts): HclItem[] {
  const hexWorkspace = Buffer.from(devboxWorkspace(spec)).toString("hex");
  return [
    block(
      "output",
      ["address"],
      [attr("description", str("The box's public IPv4 address.")), attr("value", "local.address")],
    ),
    blank,
    block(
      "output",
      ["ssh_command"],
      [
        attr("description", str("Logs in as the dev user.")),
        attr("value", '"ssh ${local.user}@${local.address}"'),
      ],
    ),
    blank,
    block(
      "output",
      ["ssh_config"],
      [
        attr(
          "description",
          str("A ~/.ssh/config entry; VS Code's Remote-SSH finds the box by it."),
        ),
        attr(
          "value",
          '"Host ${local.name}\\n  HostName ${local.address}\\n  User ${local.user}\\n"',
        ),
      ],
    ),
    blank,
    block(
      "output",
      ["devcontainer_uri"],
      [
        attr(
          "description",
          str(
            "`code --folder-uri <this>` opens the checkout in its dev container on the box (after adding ssh_config).",
          ),
        ),
        attr(
          "value",
          `"vscode-remote://dev-container+${hexWorkspace}@ssh-remote+\${local.name}${containerWorkspace(spec, repo)}"`,
        ),
      ],
    ),
    blank,
    block(
      "output",
      ["workspace"],
      [
        attr("description", str("Where the repository is checked out on the box.")),
        attr("value", str(devboxWorkspace(spec))),
      ],
    ),
  ];
}

function cloudInit(devbox: DevboxSpec): string {
  return [
    "#cloud-config",
    "# Rendered by templatefile() in main.tf. Each value is JSON-encoded, which YAML reads as a",
    "# double-quoted string; provision.sh does the work that needs the network up and the engine.",
    "package_update: true",
    `packages: [${devboxPackages(devbox).join(", ")}]`,
    "users:",
    "  - name: ${jsonencode(user)}",
    "    shell: /bin/bash",
    "    sudo: ALL=(ALL) NOPASSWD:ALL",
    "    lock_passwd: true",
    "    ssh_authorized_keys: ${jsonencode(ssh_public_keys)}",
    "write_files:",
    "  - path: /etc/gopave/devbox.env",
    '    permissions: "0644"',
    "    content: ${jsonencode(env)}",
    "  - path: /usr/local/sbin/gopave-devbox-provision",
    '    permissions: "0755"',
    "    encoding: b64",
    "    content: ${base64encode(provision)}",
    "runcmd:",
    "  - [/usr/local/sbin/gopave-devbox-provision]",
    "",
  ].join("\n");
}

function backendExample(spec: Spec): HclItem[] {
  return [
    comment(
      [
        "Shared state for the team's boxes: copy to backend.tf and fill in. Any S3-compatible store",
        "works; use_lockfile locks with a .tflock object beside the state (Terraform 1.10 and later),",
        "so no DynamoDB table is needed. Each developer's workspace keeps its state under",
        `env:/<workspace>/${spec.name}/devbox.tfstate.`,
      ].join("\n"),
    ),
    block(
      "terraform",
      [],
      [
        block(
          "backend",
          ["s3"],
          [
            attr("bucket", str("CHANGE-ME-terraform-state")),
            attr("key", str(`${spec.name}/devbox.tfstate`)),
            attr("region", str("CHANGE-ME")),
            attr("use_lockfile", "true"),
            blank,
            comment("For a store other than AWS S3 (MinIO, Ceph, a cloud's object storage):"),
            comment(
              [
                'endpoints                   = { s3 = "https://CHANGE-ME" }',
                "use_path_style              = true",
                "skip_credentials_validation = true",
                "skip_region_validation      = true",
                "skip_requesting_account_id  = true",
              ].join("\n"),
            ),
          ],
        ),
      ],
    ),
  ];
}
