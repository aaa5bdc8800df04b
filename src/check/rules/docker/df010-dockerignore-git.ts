import { posix } from "node:path";
import type {
  DockerfileModel,
  DockerignoreModel,
  RepoModel,
  Rule,
  RuleFinding,
} from "../../types.js";
import { decidingPattern } from "./util/dockerignore-match.js";
import { buildNeedsGit } from "./util/needs-git.js";
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
    // A build that stamps its version from git needs .git in the context: excluding it would
    // break the build, so the advice does not apply, neither to it nor to an ignore file it
    // shares with other Dockerfiles (the fix there is a <Dockerfile>.dockerignore of their own).
    const needGit = new Set(model.dockerfiles.filter((f) => buildNeedsGit(model, f)));
    const sharedWithGit = new Set(
      [...needGit].flatMap((f) => ignoreFilesFor(model, f).map((i) => i?.path)),
    );
    for (const file of model.dockerfiles) {
      const copy = file.ast.getInstructions().find(copiesWholeContext);
      if (!copy || needGit.has(file)) continue;
      const copyLine = lineOf(copy);
      for (const ignore of ignoreFilesFor(model, file)) {
        if (ignore && sharedWithGit.has(ignore.path)) continue;
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
    }
    return [...out.values()];
  },
};

/**
 * The ignore files the builds of this Dockerfile use (model.builds: from compose, workflows,
 * Makefiles, scripts, the dev container; a root Dockerfile with the root as context), with
 * `undefined` for a build whose context has none. Only a build whose context is the repository
 * root has .git to leak; a subdirectory or GoReleaser's staging directory has none. For a Dockerfile no file builds, the
 * context is unknown: `<Dockerfile>.dockerignore` applies whatever it is; otherwise the finding
 * holds only when no directory that could be the context (its own, or one above) has a
 * .dockerignore at all.
 */
function ignoreFilesFor(
  model: RepoModel,
  file: DockerfileModel,
): (DockerignoreModel | undefined)[] {
  const byPath = (p: string) => model.dockerignores.find((d) => d.path === p);
  const builds = model.builds.filter((b) => b.dockerfile === file.path);
  if (builds.length > 0) {
    const used = new Map<string, DockerignoreModel | undefined>();
    for (const b of builds) {
      // .git is at the repository root: a context below it has none to leak.
      if (b.context !== ".") continue;
      used.set(b.dockerignore ?? "", b.dockerignore ? byPath(b.dockerignore) : undefined);
    }
    return [...used.values()];
  }
  const specific = byPath(`${file.path}.dockerignore`);
  if (specific) return [specific];
  const dirs = posix.dirname(file.path).split("/");
  for (let n = dirs.length; n >= 0; n--) {
    const dir = n === 0 || dirs[0] === "." ? "." : dirs.slice(0, n).join("/");
    if (byPath(dir === "." ? ".dockerignore" : `${dir}/.dockerignore`)) return [];
  }
  return [undefined];
}
