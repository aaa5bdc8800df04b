import { posix } from "node:path";
import type {
  DockerfileModel,
  DockerignoreModel,
  RepoModel,
  Rule,
  RuleFinding,
} from "../../types.js";
import { composeServices } from "./util/compose.js";
import { decidingPattern } from "./util/dockerignore-match.js";
import { buildNeedsGit } from "./util/needs-git.js";
import { serviceBuild } from "./util/repo.js";
import { copiesWholeContext } from "./util/sources.js";
import { lineOf } from "./util/stages.js";

export const DF010: Rule = {
  id: "DF010",
  severity: "warning",
  title: "`COPY . .` without a .dockerignore that excludes .git",
  doc: {
    why:
      "`COPY . .` sends the whole build context to the builder and into the image layer. Without " +
      "a .dockerignore that includes the repository history (.git), local .env files and build " +
      "output: slower builds, a cache invalidated by every commit, and history or secrets " +
      "shipped in the image.",
    fix:
      "Add a .dockerignore at the root of the build context (or <Dockerfile>.dockerignore beside " +
      "the Dockerfile) that lists at least .git, and check that no later `!` line re-includes it. " +
      "A build that reads git (`git describe`, `git rev-parse`, directly or in the Makefile or " +
      "script it runs) needs .git and is not reported.",
    example: {
      file: ".dockerignore",
      bad: "bin/\n",
      good: ".git\n.env\nbin/\n",
    },
  },
  check({ model }) {
    const out = new Map<string, RuleFinding>();
    for (const file of model.dockerfiles) {
      const copy = file.ast.getInstructions().find(copiesWholeContext);
      if (!copy) continue;
      const copyLine = lineOf(copy);
      // A build that stamps its version from git needs .git in the context: excluding it would
      // break the build, so the advice does not apply.
      if (buildNeedsGit(model, file)) continue;
      const ignore = ignoreFileFor(model, file);
      if (!ignore) {
        out.set(`${file.path}:${copyLine}`, {
          file: file.path,
          line: copyLine,
          message:
            "COPY of the whole build context with no .dockerignore: .git, local .env files and " +
            "build output go into the build; add a .dockerignore that lists at least .git",
        });
        continue;
      }
      const decided = decidingPattern(ignore, ".git/HEAD");
      if (decided && !decided.negated) continue;
      const line = decided?.line ?? 1;
      const key = `${ignore.path}:${line}`;
      const related = { file: file.path, line: copyLine, message: "copies the whole context" };
      const existing = out.get(key);
      if (existing) {
        existing.related?.push(related);
        continue;
      }
      out.set(key, {
        file: ignore.path,
        line,
        message: decided
          ? `\`!${decided.pattern}\` re-includes .git in the build context that ${file.path} copies whole; remove it or narrow it`
          : `${ignore.path} does not exclude .git, and ${file.path} copies the whole build context; add \`.git\``,
        related: [related],
      });
    }
    return [...out.values()];
  },
};

/**
 * The ignore file a build of this Dockerfile uses: `<Dockerfile>.dockerignore` beside it, else
 * `.dockerignore` at the context root — the contexts compose gives it, or else its own directory
 * and the repo root (the common `docker build -f build/Dockerfile .`).
 */
function ignoreFileFor(model: RepoModel, file: DockerfileModel): DockerignoreModel | undefined {
  const byPath = (p: string) => model.dockerignores.find((d) => d.path === p);
  const specific = byPath(`${file.path}.dockerignore`);
  if (specific) return specific;
  const contexts = new Set<string>();
  for (const compose of model.composes) {
    for (const service of composeServices(compose)) {
      const build = serviceBuild(model, compose, service);
      if (build?.dockerfile === file) contexts.add(build.context);
    }
  }
  if (contexts.size === 0) {
    contexts.add(posix.dirname(file.path));
    contexts.add(".");
  }
  for (const ctx of contexts) {
    const found = byPath(ctx === "." ? ".dockerignore" : `${ctx}/.dockerignore`);
    if (found) return found;
  }
  return undefined;
}
