/**
 * Which container images carry a Go toolchain, and what Go version their tag selects. Only
 * images whose tags encode the Go version are known: the Docker library `golang`, the dev
 * container `go` images (tag "1-1.26-bookworm" = image major 1, Go 1.26), Microsoft's Go build
 * and CircleCI's `cimg/go`.
 */

export type PinPrecision = "exact" | "minor" | "floating";

export interface ImageGoVersion {
  /** Normalised Go version ("1.26.8", "1.26", "1.27rc1"); undefined when the tag floats. */
  version: string | undefined;
  precision: PinPrecision;
  /** The tag as written, "" when there is none (which means `latest`). */
  tag: string;
}

const DEVCONTAINER_GO = new Set([
  "mcr.microsoft.com/devcontainers/go",
  "mcr.microsoft.com/vscode/devcontainers/go",
]);
const TOOLCHAIN_IMAGES = new Set([
  "golang",
  "mcr.microsoft.com/oss/go/microsoft/golang",
  "cimg/go",
]);

export interface ImageRef {
  name: string;
  tag: string;
  digest: string | undefined;
}

/** Splits `registry/name:tag@digest`; the Docker Hub prefixes are dropped from the name. */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(":");
  const tag = colon > rest.lastIndexOf("/") ? rest.slice(colon + 1) : "";
  let name = colon > rest.lastIndexOf("/") ? rest.slice(0, colon) : rest;
  name = name.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
  name = name.replace(/^library\//, "");
  return { name: name.toLowerCase(), tag, digest };
}

export function isDevcontainerGoImage(image: string): boolean {
  return DEVCONTAINER_GO.has(parseImageRef(image).name);
}

/** The Go version an image tag selects, or undefined for images that are not Go toolchains. */
export function goImageVersion(image: string): ImageGoVersion | undefined {
  const ref = parseImageRef(image);
  const devcontainer = DEVCONTAINER_GO.has(ref.name);
  if (!devcontainer && !TOOLCHAIN_IMAGES.has(ref.name)) return undefined;
  let tag = ref.tag;
  // Dev container images prefix the image's own major ("1-") or "dev-" to the Go version.
  if (devcontainer) tag = tag.replace(/^(?:\d+-|dev-)(?=\d+\.\d+)/, "");
  const exact = /^(\d+\.\d+\.\d+|\d+\.\d+(?:rc|beta)\d+)(?=$|-)/.exec(tag);
  if (exact?.[1]) return { version: exact[1], precision: "exact", tag: ref.tag };
  const minor = /^(\d+\.\d+)(?=$|-)/.exec(tag);
  if (minor?.[1]) return { version: minor[1], precision: "minor", tag: ref.tag };
  return { version: undefined, precision: "floating", tag: ref.tag };
}

/** Precision of a version written in a version file, feature option or setup-go input. */
export function versionPrecision(
  v: string,
): { version: string; precision: "exact" | "minor" } | undefined {
  const s = v.trim().replace(/^go/, "");
  if (/^\d+\.\d+\.\d+$|^\d+\.\d+(?:rc|beta)\d+$/.test(s)) return { version: s, precision: "exact" };
  const minor = /^(\d+\.\d+)(?:\.x)?$/.exec(s);
  if (minor?.[1]) return { version: minor[1], precision: "minor" };
  return undefined;
}
