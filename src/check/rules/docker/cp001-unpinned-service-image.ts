import type { Rule, RuleFinding } from "../../types.js";
import { composeServices, serviceImage } from "./util/compose.js";
import { isUnpinned, parseImageRef } from "./util/image-ref.js";
import { builtLocally } from "./util/local-images.js";

export const CP001: Rule = {
  id: "CP001",
  severity: "warning",
  title: "compose service image not pinned",
  doc: {
    why:
      "`image: postgres` or `postgres:latest` pulls whatever is newest on each machine. A " +
      "teammate who pulls later gets a new major version of the database, whose data directory " +
      'the old one cannot read, and "works on my machine" follows.',
    fix:
      "Pin a version (postgres:17.6, redis:8.2.1), the same one production runs. Only pulled " +
      "images count: a service that `build:`s its image, an image the repo builds (another " +
      "service's build, `docker build -t` in a script or Makefile, a workflow's or " +
      "GoReleaser's tags, also under a templated tag), an image in the repo's own namespace " +
      "used beside the Dockerfile that builds it, and images chosen through ${VARIABLES} are " +
      "not reported.",
    example: {
      file: "compose.yaml",
      bad: "services:\n  db:\n    image: postgres\n",
      good: "services:\n  db:\n    image: postgres:17.6\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const compose of model.composes) {
      for (const service of composeServices(compose)) {
        const image = serviceImage(service);
        // With `build:`, `image:` names what is built, not something pulled.
        if (image === undefined || service.data.build !== undefined) continue;
        const ref = parseImageRef(image);
        const interpolated = image.includes("$") && ref?.tag !== "latest";
        if (!ref || interpolated || !isUnpinned(ref)) continue;
        if (builtLocally(model, image, compose.path)) continue;
        out.push({
          file: compose.path,
          line: compose.lineOf(["services", service.name, "image"]),
          message:
            `service ${service.name} uses image ${image}` +
            `${ref.tag === undefined ? " without a tag (:latest)" : ""}, which changes between ` +
            "pulls; pin a version",
        });
      }
    }
    return out;
  },
};
