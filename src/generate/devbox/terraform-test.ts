import type { DevboxSpec, Spec } from "../../spec/schema.js";
import { attr, blank, block, comment, list, str } from "./hcl.js";
import type { HclItem } from "./hcl.js";
import type { DevboxProvider } from "./providers/types.js";

/** A well-formed key that opens nothing: the test only needs one to pass validation. */
const TEST_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdvcGF2ZXRlc3RrZXlub3Rmb3JhbnlyZWFsYm94 test";

function assertion(condition: string, message: string): HclItem {
  return block("assert", [], [attr("condition", condition), attr("error_message", str(message))]);
}

/**
 * tests/user_data.tftest.hcl: `terraform test` with the provider mocked (nothing is created, no
 * credentials needed) asserts that the user data carries gopave.yaml's settings.
 */
export function devboxTest(spec: Spec, devbox: DevboxSpec, provider: DevboxProvider): HclItem[] {
  const server = `${provider.name === "hcloud" ? "hcloud_server" : "openstack_compute_instance_v2"}.devbox`;
  return [
    comment("The provider is mocked: `terraform test` creates nothing and needs no credentials."),
    block("mock_provider", [provider.name], []),
    blank,
    block(
      "variables",
      [],
      [
        attr("developer", str("ci")),
        attr("ssh_public_keys", list([str(TEST_KEY)])),
        ...(devbox.repo === undefined
          ? [attr("repo_url", str(`https://git.example.com/team/${spec.name}.git`))]
          : []),
      ],
    ),
    blank,
    block(
      "run",
      ["user_data_follows_gopave_yaml"],
      [
        attr("command", "plan"),
        blank,
        assertion(
          'startswith(local.user_data, "#cloud-config\\n")',
          "cloud-init takes user data as cloud-config only when its first line is #cloud-config.",
        ),
        blank,
        assertion(
          `strcontains(local.provision_env_file, ${str(`GO_VERSION='${spec.go.version}'\n`)})`,
          `The box must install gopave.yaml's go.version, ${spec.go.version}.`,
        ),
        blank,
        assertion(
          "strcontains(local.user_data, jsonencode(local.provision_env_file))",
          "The user data must write provision.sh's settings to /etc/gopave/devbox.env.",
        ),
        blank,
        assertion(
          'strcontains(local.user_data, base64encode(file("${path.module}/provision.sh")))',
          "The user data must carry provision.sh as it is in the module.",
        ),
        blank,
        assertion(
          "strcontains(local.user_data, jsonencode(var.ssh_public_keys))",
          "The dev user must accept the ssh_public_keys.",
        ),
        blank,
        assertion(`${server}.name == "${spec.name}-ci"`, "The box is named <project>-<developer>."),
      ],
    ),
    blank,
    block(
      "run",
      ["refuses_a_private_key"],
      [
        attr("command", "plan"),
        blank,
        block(
          "variables",
          [],
          [attr("ssh_public_keys", list([str("-----BEGIN OPENSSH PRIVATE KEY-----")]))],
        ),
        blank,
        attr("expect_failures", list(["var.ssh_public_keys"])),
      ],
    ),
  ];
}
