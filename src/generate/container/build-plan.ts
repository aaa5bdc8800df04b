import { builderImage, runtimeImage, withDigest } from "../../spec/images.js";
import type { AppSpec, Spec } from "../../spec/schema.js";
import { debugLdflags, releaseLdflags, shellLdflags, tagsFlags } from "../app-build-flags.js";
import type { RepoFacts } from "../types.js";
import { SRC_STAGE } from "./names.js";

/** A source stage on the target platform, for cgo builds (cgo needs the target's C toolchain). */
export interface NativeSource {
  stage: string;
  image: string;
  /** Alpine builders lack a C compiler. */
  apkBuildBase: boolean;
}

export interface AppBuildPlan {
  app: AppSpec;
  /** Stage the build runs FROM. */
  from: string;
  /** Cross-compiles on $BUILDPLATFORM with GOOS/GOARCH (pure Go only). */
  cross: boolean;
  /** Builds from vendor/: no module cache, no download. */
  vendor: boolean;
  /** Flags of both the release and the debug build (-mod=vendor, -tags), sh words. */
  goFlags: string[];
  /** The release build's -ldflags, one sh word. */
  ldflags: string;
  /** The debug build's -ldflags (the app's own, never -s/-w), one sh word, if any. */
  debugLdflags: string | undefined;
  /** Runtime base image, or "scratch". */
  runtimeFrom: string;
  /** scratch has no CA bundle, so TLS clients need the builder's. */
  copyCerts: boolean;
  /** apk packages the alpine runtime needs: C++ code links libstdc++, which alpine lacks. */
  apkRuntime: string[];
}

const DEBIAN_CGO_STAGE = "src-cgo";
const ALPINE_CGO_STAGE = "src-cgo-alpine";

export function builderRef(spec: Spec): string {
  return withDigest(builderImage(spec.go.version, spec.image.builder), spec.image.digests.builder);
}

/**
 * musl builds for alpine and scratch runtimes. A builder override is used as-is (and keeps its
 * digest); the derived golang:<v>-alpine is another image, so the builder digest cannot pin it.
 */
function alpineBuilderRef(spec: Spec): string {
  if (spec.image.builder) return builderRef(spec);
  return `golang:${spec.go.version}-alpine`;
}

function usesAlpineChain(spec: Spec, app: AppSpec): boolean {
  return app.cgo && spec.image.runtime !== "distroless";
}

/** Native source stages the spec's cgo apps need, in a fixed order. */
export function nativeSources(spec: Spec): NativeSource[] {
  const cgo = spec.apps.filter((a) => a.cgo);
  const out: NativeSource[] = [];
  if (cgo.some((a) => !usesAlpineChain(spec, a))) {
    out.push({ stage: DEBIAN_CGO_STAGE, image: builderRef(spec), apkBuildBase: false });
  }
  if (cgo.some((a) => usesAlpineChain(spec, a))) {
    out.push({ stage: ALPINE_CGO_STAGE, image: alpineBuilderRef(spec), apkBuildBase: true });
  }
  return out;
}

/**
 * The runtime digest pins the first app's runtime image (the default target), and every app on
 * that same image; a cgo app on distroless base or a scratch app cannot share that digest.
 */
function runtimeRef(spec: Spec, app: AppSpec): string {
  const image = runtimeImage(spec.image.runtime, app.cgo);
  if (image === undefined) return "scratch";
  const first = spec.apps[0];
  const pinned = first ? runtimeImage(spec.image.runtime, first.cgo) : undefined;
  return image === pinned ? withDigest(image, spec.image.digests.runtime) : image;
}

export function planApp(spec: Spec, repo: RepoFacts, app: AppSpec): AppBuildPlan {
  const scratch = spec.image.runtime === "scratch";
  const from = !app.cgo
    ? SRC_STAGE
    : usesAlpineChain(spec, app)
      ? ALPINE_CGO_STAGE
      : DEBIAN_CGO_STAGE;
  const vendor = repo.vendor === true;
  const debug = debugLdflags(app);
  return {
    app,
    from,
    cross: !app.cgo,
    vendor,
    // Explicit, so GOFLAGS=-mod=readonly or -mod=mod from the spec cannot turn vendor/ off.
    goFlags: [...(vendor ? ["-mod=vendor"] : []), ...tagsFlags(app.tags)],
    // scratch has no libc, so a cgo binary must carry musl statically.
    ldflags: shellLdflags(
      releaseLdflags(
        app,
        app.cgo && scratch ? ["-s", "-linkmode=external", "-extldflags=-static"] : ["-s"],
      ),
    ),
    debugLdflags: debug !== undefined ? shellLdflags(debug) : undefined,
    runtimeFrom: runtimeRef(spec, app),
    copyCerts: scratch,
    apkRuntime: app.cgo === "c++" && spec.image.runtime === "alpine" ? ["libstdc++"] : [],
  };
}
