import { attr, blank, block, comment, str } from "../hcl.js";
import type { DevboxProvider } from "./types.js";

/** Floating-IP resources exist only with a pool. */
const FLOATING = "var.floating_ip_pool == null ? 0 : 1";

/**
 * OpenStack. The box boots from a volume of disk_gb, which holds the workspace; the keys go in
 * through cloud-init (a Nova keypair holds only one key).
 */
export const openstackProvider: DevboxProvider = {
  name: "openstack",
  source: "terraform-provider-openstack/openstack",
  version: "3.4.0",
  defaultRegion: undefined,
  dataDevice: "",
  variables: (devbox) => [
    block(
      "variable",
      ["network"],
      [
        attr(
          "description",
          str("The network the box is attached to; null: the project's only one."),
        ),
        attr("type", "string"),
        attr("default", devbox.network === undefined ? "null" : str(devbox.network)),
      ],
    ),
    blank,
    block(
      "variable",
      ["floating_ip_pool"],
      [
        attr(
          "description",
          str("The external network a floating IP comes from; null: the box's own address."),
        ),
        attr("type", "string"),
        attr("default", devbox.floatingIpPool === undefined ? "null" : str(devbox.floatingIpPool)),
      ],
    ),
  ],
  file: () => [
    comment("Credentials come from OS_CLOUD (clouds.yaml) or the OS_* variables, never the repo."),
    block("provider", ["openstack"], [attr("region", "var.region")]),
    blank,
    block(
      "resource",
      ["openstack_compute_instance_v2", "devbox"],
      [
        attr("name", "local.name"),
        attr("flavor_name", "var.size"),
        attr("user_data", "local.user_data"),
        attr("metadata", "{ project = local.project, developer = local.developer }"),
        blank,
        block(
          "block_device",
          [],
          [
            attr("uuid", "data.openstack_images_image_v2.devbox.id"),
            attr("source_type", '"image"'),
            attr("destination_type", '"volume"'),
            attr("volume_size", "var.disk_gb"),
            attr("boot_index", "0"),
            attr("delete_on_termination", "true"),
          ],
        ),
        blank,
        block(
          "dynamic",
          ["network"],
          [
            attr("for_each", "var.network == null ? [] : [var.network]"),
            block("content", [], [attr("name", "network.value")]),
          ],
        ),
      ],
    ),
    blank,
    block(
      "data",
      ["openstack_images_image_v2", "devbox"],
      [attr("name", "var.image"), attr("most_recent", "true")],
    ),
    blank,
    comment("A floating IP, when the box's own network is not reachable from laptops."),
    block(
      "resource",
      ["openstack_networking_floatingip_v2", "devbox"],
      [attr("count", FLOATING), attr("pool", "var.floating_ip_pool")],
    ),
    blank,
    block(
      "data",
      ["openstack_networking_port_v2", "devbox"],
      [attr("count", FLOATING), attr("device_id", "openstack_compute_instance_v2.devbox.id")],
    ),
    blank,
    block(
      "resource",
      ["openstack_networking_floatingip_associate_v2", "devbox"],
      [
        attr("count", FLOATING),
        attr("floating_ip", "openstack_networking_floatingip_v2.devbox[0].address"),
        attr("port_id", "data.openstack_networking_port_v2.devbox[0].id"),
      ],
    ),
    blank,
    block(
      "locals",
      [],
      [
        attr(
          "address",
          "var.floating_ip_pool == null ? openstack_compute_instance_v2.devbox.access_ip_v4 : openstack_networking_floatingip_v2.devbox[0].address",
        ),
      ],
    ),
  ],
};
