/** Runtime image families an app can ship on. */
export const RUNTIMES = ["distroless", "alpine", "scratch"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Numeric so it works without /etc/passwd (scratch) and matches distroless's `nonroot`. */
export const NONROOT_UID = 65532;

/**
 * The runtime base image for an app. Distroless is named with its Debian release on purpose: the
 * unsuffixed name silently moves to the next Debian (distroless README).
 */
export function runtimeImage(runtime: Runtime, cgo: boolean | "c++"): string | undefined {
  switch (runtime) {
    case "distroless":
      // static has no libc; base adds glibc (and libssl); cc adds libstdc++ and libgcc to base.
      return cgo === "c++"
        ? "gcr.io/distroless/cc-debian13:nonroot"
        : cgo
          ? "gcr.io/distroless/base-debian13:nonroot"
          : "gcr.io/distroless/static-debian13:nonroot";
    case "alpine":
      return "alpine:3.22";
    case "scratch":
      return undefined;
  }
}

/** The default builder: the official golang image at the exact spec version. */
export function builderImage(goVersion: string, override: string | undefined): string {
  return override ?? `golang:${goVersion}`;
}

/** `image@digest` when a digest pin is set. */
export function withDigest(image: string, digest: string | undefined): string {
  return digest ? `${image}@${digest}` : image;
}
