import type { Rule, RuleFinding } from "../../types.js";
import { isDistroless, isGolangImage, isScratch, isUnpinned } from "./util/image-ref.js";
import type { ImageRef } from "./util/image-ref.js";
import { stageGraph } from "./util/stages.js";

export const DF002: Rule = {
  id: "DF002",
  severity: "warning",
  title: "base image is `latest`, has no tag, or is golang without a version",
  doc: {
    why:
      "An image without a tag means `:latest`, which moves whenever its publisher pushes. Two " +
      "builds of the same commit can then get a different Go, a different libc or a different " +
      "default user, and a broken build cannot be reproduced.",
    fix:
      "Name an exact version (golang:1.26.8, alpine:3.22, gcr.io/distroless/static-debian13:nonroot), " +
      "ideally with its @sha256 digest and a bot that bumps it. `scratch`, earlier stage names, " +
      "digest-pinned images and build arguments without a default are not reported; a build " +
      "argument whose default is `latest` is. `golang:alpine` and the like name no Go version and " +
      "move with every Go release. Distroless images have no version tags: pin them by digest.",
    example: {
      file: "Dockerfile",
      bad: "FROM golang AS build\n...\nFROM alpine:latest\n",
      good: "FROM golang:1.26.8 AS build\n...\nFROM alpine:3.22\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      for (const stage of stageGraph(file).stages) {
        const written = stage.from.getImage() ?? "";
        const image = stage.image;
        // A build argument's default counts: `ARG GO=latest` + `FROM golang:${GO}` is `latest`.
        if (!image || image.raw.includes("$") || isScratch(image)) continue;
        const what = moving(image);
        if (!what) continue;
        // Only a tag that came from a build argument is "through" it; `${OS}-${ARCH}` in the
        // name with a literal `:latest` is not.
        const tagWritten = /:[^/]*$/.exec(written.split("@")[0] ?? "")?.[0] ?? "";
        const via =
          tagWritten.includes("$") || (tagWritten === "" && written.includes("$"))
            ? ` (through the build argument default in ${written})`
            : "";
        const pin = isDistroless(image)
          ? "pin it by digest (distroless images have no version tags)"
          : "pin a version (and a digest)";
        out.push({
          file: file.path,
          line: stage.line,
          message: `base image ${image.raw} ${what}${via}, which changes under you; ${pin}`,
        });
      }
    }
    return out;
  },
};

/**
 * How an image reference moves: no tag or `latest`; and for golang, a variant tag with no
 * version in it (`golang:alpine`, `golang:bookworm`), which is the newest Go release.
 */
function moving(image: ImageRef): string | undefined {
  if (isUnpinned(image)) {
    return image.tag === undefined
      ? `has no tag, so it means ${image.raw}:latest`
      : "uses `latest`";
  }
  if (image.digest === undefined && isGolangImage(image) && !/\d/.test(image.tag ?? "")) {
    return `names no Go version (:${image.tag ?? ""} is the newest Go release)`;
  }
  return undefined;
}
