/**
 * Image references as Docker reads them (`[registry/]path[:tag][@digest]`) and what gopave needs
 * to know about the well-known Go base and runtime images.
 */

export interface ImageRef {
  /** As written (after variable substitution, if any). */
  raw: string;
  /** Repository path without registry, e.g. "golang", "distroless/static-debian13". */
  path: string;
  /** Last path segment: "golang", "static-debian13". */
  name: string;
  registry: string | undefined;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImageRef(raw: string): ImageRef | undefined {
  const s = raw.trim();
  if (s === "" || /\s/.test(s)) return undefined;
  const at = s.indexOf("@");
  const digest = at === -1 ? undefined : s.slice(at + 1);
  const named = at === -1 ? s : s.slice(0, at);
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  // A colon before the last slash belongs to a registry port ("host:5000/app"), not a tag.
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  const repo = colon > slash ? named.slice(0, colon) : named;
  const parts = repo.split("/");
  const first = parts[0] ?? "";
  // Docker's rule: the first segment is a registry when it looks like a host.
  const hasRegistry = parts.length > 1 && (/[.:]/.test(first) || first === "localhost");
  const path = (hasRegistry ? parts.slice(1) : parts).join("/").toLowerCase();
  return {
    raw: s,
    path,
    name: path.slice(path.lastIndexOf("/") + 1),
    registry: hasRegistry ? first : undefined,
    tag: tag === "" ? undefined : tag,
    digest: digest === "" ? undefined : digest,
  };
}

export function isScratch(ref: ImageRef): boolean {
  return ref.path === "scratch" && ref.registry === undefined;
}

/** The official golang image, from Docker Hub or any mirror of it. */
export function isGolangImage(ref: ImageRef): boolean {
  return ref.name === "golang";
}

/** Images that carry the Go toolchain: golang, and vendor Go images such as cimg/go. */
export function shipsGoToolchain(ref: ImageRef): boolean {
  return isGolangImage(ref) || (ref.name === "go" && ref.path.includes("/"));
}

export function isDistroless(ref: ImageRef): boolean {
  return ref.path.startsWith("distroless/") || ref.path.includes("/distroless/");
}

/** distroless `:debug` / `:debug-nonroot` add a busybox shell; every other distroless tag has none. */
export function isShellless(ref: ImageRef): boolean {
  if (isScratch(ref)) return true;
  return isDistroless(ref) && !(ref.tag ?? "").includes("debug");
}

/** No libc: scratch and distroless static (base/cc carry glibc). */
export function isStaticRuntime(ref: ImageRef): boolean {
  return isScratch(ref) || (isDistroless(ref) && ref.name.startsWith("static"));
}

/**
 * Official images that set no user, so that an image on them without USER runs as root; from
 * Docker Hub or a mirror of its library (`<mirror>/library/alpine`).
 */
const NO_USER_BASES = new Set(["alpine", "debian", "ubuntu", "busybox", "golang"]);

export function setsNoUser(ref: ImageRef): boolean {
  const official = ref.path === ref.name || ref.path.endsWith(`library/${ref.name}`);
  return isScratch(ref) || (official && NO_USER_BASES.has(ref.name));
}

/** distroless `:nonroot` and `:debug-nonroot` set user 65532 in the image config. */
export function isNonrootVariant(ref: ImageRef): boolean {
  return (ref.tag ?? "").includes("nonroot");
}

/** Alpine-based tags: no C compiler unless the Dockerfile installs one. */
export function isAlpineTag(ref: ImageRef): boolean {
  return (ref.tag ?? "").includes("alpine");
}

/**
 * The Go version in a golang tag: "1.22-alpine" -> "1.22", "1.22.3-bookworm" -> "1.22.3",
 * "1.23rc1" -> "1.23rc1". Undefined for tags without one ("alpine", "latest", "1").
 */
export function golangTagVersion(tag: string | undefined): string | undefined {
  const m = /^(\d+\.\d+(?:\.\d+|(?:rc|beta)\d+)?)(?:-|$)/.exec(tag ?? "");
  return m?.[1];
}

/** `latest` or no tag at all (which Docker reads as latest), unless pinned by digest. */
export function isUnpinned(ref: ImageRef): boolean {
  if (ref.digest !== undefined) return false;
  return ref.tag === undefined || ref.tag === "latest";
}
