import { attr, blank, block, comment, str } from "../hcl.js";
import type { DevboxProvider } from "./types.js";

/**
 * Hetzner Cloud. A server type fixes its root disk, so the workspace is a volume of its own,
 * formatted by hcloud and mounted by provision.sh at /srv/dev. A changed user data (gopave.yaml's Go,
 * say) replaces the server, so the box never drifts from the spec; the workspace volume stays.
 */
export const hcloudProvider: DevboxProvider = {
  name: "hcloud",
  source: "hetznercloud/hcloud",
  version: "1.49.0",
  defaultRegion: "fsn1",
  // hcloud names a volume's device after its id; the box has only this one.
  dataDevice: "/dev/disk/by-id/scsi-0HC_Volume_*",
  variables: () => [],
  file: () => [
    comment("The hcloud token comes from HCLOUD_TOKEN, never from a file in the repo."),
    block("provider", ["hcloud"], []),
    blank,
    block(
      "resource",
      ["hcloud_ssh_key", "developer"],
      [
        attr("for_each", "toset(var.ssh_public_keys)"),
        attr("name", '"${local.name}-${substr(sha256(each.value), 0, 8)}"'),
        attr("public_key", "each.value"),
      ],
    ),
    blank,
    block(
      "resource",
      ["hcloud_volume", "workspace"],
      [
        attr("name", '"${local.name}-workspace"'),
        attr("size", "var.disk_gb"),
        attr("location", "var.region"),
        attr("format", str("ext4")),
      ],
    ),
    blank,
    block(
      "resource",
      ["hcloud_server", "devbox"],
      [
        attr("name", "local.name"),
        attr("server_type", "var.size"),
        attr("location", "var.region"),
        attr("image", "var.image"),
        attr("ssh_keys", "[for k in hcloud_ssh_key.developer : k.id]"),
        attr("user_data", "local.user_data"),
        attr("labels", "{ project = local.project, developer = local.developer }"),
      ],
    ),
    blank,
    block(
      "resource",
      ["hcloud_volume_attachment", "workspace"],
      [
        attr("volume_id", "hcloud_volume.workspace.id"),
        attr("server_id", "hcloud_server.devbox.id"),
      ],
    ),
    blank,
    block("locals", [], [attr("address", "hcloud_server.devbox.ipv4_address")]),
  ],
};
