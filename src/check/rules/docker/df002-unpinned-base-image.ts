import type { Rule, RuleFinding } from "../../types.js";
import { isScratch, isUnpinned } from "./util/image-ref.js";
import { stageGraph } from "./util/stages.js";

export const DF002: Rule = {
  id: "DF002",
  severity: "warning",
  title: "base image is `latest` or has no tag",
  doc: {
    why:
      "An image without a tag means `:latest`, which moves whenever its publisher pushes. Two " +
      "builds of the same commit can then get a different Go, a different libc or a different " +
      "default user, and a broken build cannot be reproduced.",
    fix:
      "Name an exact version (golang:1.26.8, alpine:3.22, gcr.io/distroless/static-debian13:nonroot), " +
      "ideally with its @sha256 digest and a bot that bumps it. `scratch`, earlier stage names, " +
      "digest-pinned images and build arguments without a default are not reported; a build " +
      "argument whose default is `latest` is.",
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
        if (!image || image.raw.includes("$") || isScratch(image) || !isUnpinned(image)) continue;
        const via = written.includes("$")
          ? ` (through the build argument default in ${written})`
          : "";
        const what =
          (image.tag === undefined
            ? `has no tag, so it means ${image.raw}:latest`
            : "uses `latest`") + via;
        out.push({
          file: file.path,
          line: stage.line,
          message: `base image ${image.raw} ${what}, which changes under you; pin a version (and a digest)`,
        });
      }
    }
    return out;
  },
};
