import type { DevboxSpec, Spec } from "../../spec/schema.js";
import { attr, blank, block, list, str } from "./hcl.js";
import type { HclItem } from "./hcl.js";
import type { DevboxProvider } from "./providers/types.js";

/** The key types OpenSSH writes to a .pub file; the spec's sshKeys accept the same. */
const SSH_KEY_PATTERN =
  "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( .*)?$";

function variable(
  name: string,
  description: string,
  type: string,
  dflt: string | undefined,
  validation?: { condition: string; message: string },
): HclItem[] {
  return [
    block(
      "variable",
      [name],
      [
        attr("description", str(description)),
        attr("type", type),
        ...(dflt === undefined ? [] : [attr("default", dflt)]),
        ...(validation === undefined
          ? []
          : [
              blank,
              block(
                "validation",
                [],
                [
                  attr("condition", validation.condition),
                  attr("error_message", str(validation.message)),
                ],
              ),
            ]),
      ],
    ),
    blank,
  ];
}

/** variables.tf: each developer's choices, defaulting to gopave.yaml's devbox section. */
export function devboxVariables(
  spec: Spec,
  devbox: DevboxSpec,
  provider: DevboxProvider,
): HclItem[] {
  const region = devbox.region ?? provider.defaultRegion;
  const items = [
    ...variable(
      "developer",
      "Whose box this is; it names the server. Unset: the Terraform workspace (one per developer).",
      "string",
      "null",
      {
        condition: 'var.developer == null || can(regex("^[a-z][a-z0-9-]{0,30}$", var.developer))',
        message:
          "developer: lower-case letters, digits and '-', starting with a letter (e.g. alice).",
      },
    ),
    ...variable(
      "size",
      provider.name === "hcloud" ? "Server type, e.g. cpx31." : "Flavor name.",
      "string",
      str(devbox.size),
      {
        condition: "length(trimspace(var.size)) > 0",
        message: "size: a server type or flavor name.",
      },
    ),
    ...variable(
      "region",
      provider.name === "hcloud" ? "Location, e.g. fsn1." : "Region; null: the cloud's default.",
      "string",
      region === undefined ? "null" : str(region),
    ),
    ...variable(
      "image",
      "OS image: Debian or Ubuntu, with Go 1.21+ and Node 20+ packaged (debian-13 has both).",
      "string",
      str(devbox.image),
    ),
    ...variable("disk_gb", "GB for the workspace (/srv/dev).", "number", String(devbox.disk), {
      condition: "var.disk_gb >= 10 && floor(var.disk_gb) == var.disk_gb",
      message: "disk_gb: a whole number of GB, at least 10.",
    }),
    ...variable(
      "ssh_public_keys",
      "OpenSSH public keys (the .pub lines) that may log in as the dev user.",
      "list(string)",
      devbox.sshKeys.length > 0 ? list(devbox.sshKeys.map(str)) : undefined,
      {
        condition: `length(var.ssh_public_keys) > 0 && alltrue([for k in var.ssh_public_keys : can(regex(${str(SSH_KEY_PATTERN)}, k))])`,
        message:
          'ssh_public_keys: at least one OpenSSH public key line such as "ssh-ed25519 AAAA... alice@laptop" (a .pub file, never the private key).',
      },
    ),
    ...variable(
      "repo_url",
      'The repository the box clones into the workspace; "": none (clone it yourself).',
      "string",
      str(devbox.repo ?? ""),
      {
        condition: `var.repo_url == "" || can(regex(${str("^(https://|ssh://|git@)[^\\s'\"]+$")}, var.repo_url))`,
        message: 'repo_url: a git URL such as https://github.com/acme/orders.git, or "".',
      },
    ),
    ...variable(
      "repo_ref",
      'The branch or tag to check out; "": the default branch.',
      "string",
      '""',
    ),
    ...provider.variables(devbox),
  ];
  // No blank line after the last block.
  while (items.length > 0 && "blank" in (items[items.length - 1] as HclItem)) items.pop();
  return items;
}
