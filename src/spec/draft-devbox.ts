import type { DevboxSpec, SpecInput } from "./schema.js";

/** A size each cloud has under that name: 4 vCPUs and 8 GB, enough for compose and gopls. */
const DEFAULT_SIZE: Record<DevboxSpec["provider"], string> = {
  hcloud: "cpx31",
  // OpenStack's conventional flavor; clouds name theirs differently, so init says to check it.
  openstack: "m1.large",
};

/** The devbox section `init --devbox <provider>` proposes. */
export function draftDevbox(
  provider: DevboxSpec["provider"],
  repo: string | undefined,
  notes: string[],
): NonNullable<SpecInput["devbox"]> {
  if (provider === "openstack") {
    notes.push(
      "devbox: m1.large and the image debian-13 are guesses for OpenStack: set devbox.size and devbox.image to your cloud's flavor and image names",
    );
  }
  if (repo === undefined) {
    notes.push(
      "devbox: no cloneable origin remote; set devbox.repo (or pass repo_url to terraform) so the box checks the repo out",
    );
  }
  return {
    provider,
    size: DEFAULT_SIZE[provider],
    ...(repo !== undefined ? { repo } : {}),
  };
}
