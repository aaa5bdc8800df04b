import type { Instruction } from "dockerfile-ast";
import type { DockerfileModel, RepoModel, Rule, RuleFinding } from "../../types.js";
import { mountsDockerSocket, runsAsNonRootUser } from "./util/compose.js";
import { expandVars } from "./util/expand.js";
import { isDistroless, isNonrootVariant, isScratch, setsNoUser } from "./util/image-ref.js";
import { buildsOfImage } from "./util/local-images.js";
import { servicesRunning } from "./util/repo.js";
import { dropsPrivileges, notADeployedService } from "./util/runtime-purpose.js";
import {
  chainOf,
  finalStage,
  lineOf,
  rootOf,
  scopeAtEnd,
  stageGraph,
  walkChain,
} from "./util/stages.js";
import type { Stage, StageGraph } from "./util/stages.js";

export const DF006: Rule = {
  id: "DF006",
  severity: "warning",
  title: "final image runs as root",
  doc: {
    why:
      "A process running as uid 0 that is compromised owns the whole container filesystem and " +
      "is one kernel or runtime bug away from the host. A Go server needs no root: it can bind " +
      "ports above 1024 and read its own binary as any user. Images without a USER run as root " +
      "unless their base image sets a user (distroless :nonroot sets 65532; scratch has no users). " +
      "What counts is the user the process ends up with: a compose `user:` sets it at run time, " +
      "and an image that must reach the Docker socket (a CI agent, a proxy reading container " +
      "labels) runs as root by design, since root owns the socket, so the rule does not ask it " +
      "to change.",
    fix:
      "End the final stage with a numeric non-root USER (USER 65532:65532), or base it on a " +
      "nonroot variant such as distroless/static-debian13:nonroot (:debug-nonroot for " +
      ":debug). A port below 1024 then needs moving up, or CAP_NET_BIND_SERVICE where the " +
      "runtime does not let any user bind it (Docker does, Kubernetes does not). Images that are " +
      "never deployed are not reported: test harnesses (under test/, e2e/, named *.test.Dockerfile, " +
      "or built only by test compose services), dev containers and other dev or debug images, " +
      "images under tools/ or hack/, images that name no command or only idle, and images that " +
      "install su-exec, gosu or setpriv, or whose entrypoint script (the repo file the final stage " +
      "COPYs to that path) drops privileges with one of them, runuser or su -c. Nor are images " +
      "that every compose service running them (by `build:`, or by an `image:` the repo builds " +
      "from the Dockerfile) starts with a non-root `user:`, images a compose service runs with " +
      "/var/run/docker.sock mounted, and images built FROM one of the repo's own images without " +
      "a USER of their own when that image sets a non-root USER, or without a USER or " +
      "ENTRYPOINT of their own when its entrypoint drops privileges.",
    example: {
      file: "Dockerfile",
      bad: 'FROM gcr.io/distroless/static-debian13\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      good: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      // Test harnesses, dev and debug images, tool images: never deployed, so root risks nothing
      // the person running them does not already have.
      if (notADeployedService(model, file)) continue;
      const graph = stageGraph(file);
      const last = finalStage(graph);
      if (!last) continue;
      let finding: RuleFinding;
      const user = lastUser(last);
      if (user) {
        const name = userName(graph, last, user);
        if (name === undefined || !isRoot(name)) continue;
        finding = {
          file: file.path,
          line: lineOf(user),
          message: `the final stage's last USER is ${name}, so the container runs as root; switch to a non-root user (USER 65532:65532)${lowPortNote(graph, last)}`,
        };
      } else {
        const image = rootOf(last).image;
        if (!image || isNonrootVariant(image)) continue;
        if (inheritsNonRoot(model, file, last, hasEntrypoint(last), new Set())) continue;
        const why = isScratch(image)
          ? "scratch has no users, so without USER the process runs as uid 0"
          : setsNoUser(image)
            ? `no USER is set and ${image.raw} sets none, so the container runs as root`
            : isDistroless(image)
              ? `no USER is set and distroless images other than :nonroot run as root`
              : `no USER is set, so the container runs as root unless ${image.raw} sets a user itself`;
        // distroless :debug keeps its busybox shell in :debug-nonroot; alpine, debian and the
        // like have no nonroot variant.
        const fix =
          isDistroless(image) && (image.tag ?? "").includes("debug")
            ? "add USER 65532:65532 or use the :debug-nonroot base"
            : setsNoUser(image) && !isScratch(image)
              ? "add USER 65532:65532"
              : "add USER 65532:65532 or use a :nonroot base";
        finding = {
          file: file.path,
          line: last.line,
          message: `final image runs as root: ${why}; ${fix}${lowPortNote(graph, last)}`,
        };
      }
      if (dropsPrivileges(model, file)) continue;
      // How compose runs it: as a non-root user everywhere, or with the Docker socket, whose
      // owner is root, so that the image has to run as root to use it (a CI agent, a proxy
      // reading container labels).
      const services = servicesRunning(model, file, last);
      if (services.some((r) => mountsDockerSocket(r.service))) continue;
      if (services.length > 0 && services.every((r) => runsAsNonRootUser(r.service))) continue;
      out.push(finding);
    }
    return out;
  },
};

function lastUser(stage: Stage): Instruction | undefined {
  let user: Instruction | undefined;
  for (const s of chainOf(stage))
    for (const ins of s.instructions) if (ins.getKeyword() === "USER") user = ins;
  return user;
}

/** The user name or uid of a USER; undefined when it depends on a value nobody set. */
function userName(graph: StageGraph, stage: Stage, user: Instruction): string | undefined {
  const e = expandVars(user.getArgumentsContent() ?? "", scopeAtEnd(graph, stage));
  return e.resolved ? (e.value.trim().split(":")[0] ?? "").trim() : undefined;
}

const isRoot = (name: string) => name === "root" || name === "0";

/**
 * What a switch to a non-root user also takes when the image EXPOSEs a port below 1024: only
 * root (or CAP_NET_BIND_SERVICE) may bind one where the runtime keeps the kernel's default.
 */
function lowPortNote(graph: StageGraph, stage: Stage): string {
  const low = new Set<number>();
  walkChain(graph, stage, (ins, scope) => {
    if (ins.getKeyword() !== "EXPOSE") return;
    const e = expandVars(ins.getArgumentsContent() ?? "", scope);
    for (const word of e.value.split(/\s+/)) {
      const port = /^(\d+)(?:-\d+)?(?:\/\w+)?$/.exec(word)?.[1];
      if (port !== undefined && Number(port) > 0 && Number(port) < 1024) low.add(Number(port));
    }
  });
  if (low.size === 0) return "";
  const ports = [...low].sort((a, b) => a - b).join(", ");
  return `; as non-root it also needs a port of 1024 or above instead of ${ports} (or CAP_NET_BIND_SERVICE)`;
}

function hasEntrypoint(stage: Stage): boolean {
  return chainOf(stage).some((s) => s.instructions.some((i) => i.getKeyword() === "ENTRYPOINT"));
}

/**
 * The final stage is built on an image the repo builds from another Dockerfile and sets no USER,
 * so it runs as that image's user: a non-root USER there (or a nonroot base, or one inherited in
 * turn), or, when no ENTRYPOINT replaces its own, an entrypoint that drops privileges. Every
 * Dockerfile that builds the name must agree.
 */
function inheritsNonRoot(
  model: RepoModel,
  file: DockerfileModel,
  stage: Stage,
  entrypointSet: boolean,
  seen: Set<string>,
): boolean {
  const image = rootOf(stage).image;
  if (!image || seen.size > 4) return false;
  seen.add(file.path);
  const parents = buildsOfImage(model, image.raw).filter((b) => !seen.has(b.dockerfile));
  if (parents.length === 0) return false;
  return parents.every((b) => {
    const parent = model.dockerfiles.find((d) => d.path === b.dockerfile);
    if (!parent) return false;
    const graph = stageGraph(parent);
    const target = b.target?.toLowerCase();
    const built = target ? graph.stages.find((s) => s.name === target) : finalStage(graph);
    if (!built) return false;
    const user = lastUser(built);
    const name = user ? userName(graph, built, user) : undefined;
    if (user)
      return (
        name === undefined ||
        !isRoot(name) ||
        (!entrypointSet && dropsPrivileges(model, parent, built))
      );
    const base = rootOf(built).image;
    if (base && isNonrootVariant(base)) return true;
    if (!entrypointSet && dropsPrivileges(model, parent, built)) return true;
    return inheritsNonRoot(
      model,
      parent,
      built,
      entrypointSet || hasEntrypoint(built),
      new Set(seen),
    );
  });
}
