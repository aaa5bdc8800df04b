import type { DevboxSpec } from "../../../spec/schema.js";
import { hcloudProvider } from "./hcloud.js";
import { openstackProvider } from "./openstack.js";
import type { DevboxProvider } from "./types.js";

const PROVIDERS: Record<DevboxSpec["provider"], DevboxProvider> = {
  hcloud: hcloudProvider,
  openstack: openstackProvider,
};

export function devboxProvider(name: DevboxSpec["provider"]): DevboxProvider {
  return PROVIDERS[name];
}

/** Every provider gopave writes modules for, by their required_providers source address. */
export const DEVBOX_PROVIDERS: readonly DevboxProvider[] = Object.values(PROVIDERS);

/**
 * The folder name of a filesystem mirror of every pinned provider, as `.ci/run` builds it (which
 * names the same versions): a new pin is a new mirror, never a stale one.
 */
export function providerMirrorName(): string {
  return `terraform-providers-${DEVBOX_PROVIDERS.map((p) => `${p.name}-v${p.version}`).join("-")}`;
}
