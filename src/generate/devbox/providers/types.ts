import type { DevboxSpec } from "../../../spec/schema.js";
import type { HclItem } from "../hcl.js";

/**
 * Everything about one cloud: the generic module (variables, cloud-init, outputs) asks it for the
 * provider requirement and one .tf file of its own. Adding a cloud is one more of these.
 */
export interface DevboxProvider {
  /** Local name in required_providers, and the file name (<name>.tf). */
  name: string;
  /** Registry source address and the exact version gopave pins. */
  source: string;
  version: string;
  /** Where `var.region` goes unset: the provider's own default, or a location name. */
  defaultRegion: string | undefined;
  /**
   * The provider's file: its provider block, the server (with `user_data = local.user_data`),
   * whatever the disk needs, and `locals { address = ... }`, the IPv4 the outputs use.
   */
  file(devbox: DevboxSpec): HclItem[];
  /** Variables of its own (e.g. openstack's network), in variables.tf after the common ones. */
  variables(devbox: DevboxSpec): HclItem[];
  /**
   * A glob that matches the workspace volume's device once attached, `""` when the workspace is
   * on the boot disk. A pattern, not the volume's attribute: the user data stays known at plan
   * time, so it can be read and tested before anything exists.
   */
  dataDevice: string;
}
