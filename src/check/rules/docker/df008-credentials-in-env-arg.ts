import type { Env } from "dockerfile-ast";
import type { Rule, RuleFinding } from "../../types.js";
import { dockerfileRole } from "./util/image-role.js";
import { endsInSecret, isNonSecretValue } from "./util/secret-values.js";
import { hasUrlPassword, hasUrlUserInfo, isSecretName } from "./util/secrets.js";
import { argDeclarations, lineOf } from "./util/stages.js";

/** Go settings whose URLs reach proxies and VCS hosts: a user name alone may be a token. */
const GO_URL_SETTINGS = new Set(["GOPROXY", "GOSUMDB", "GOAUTH", "GOFLAGS", "GOVCS"]);

export const DF008: Rule = {
  id: "DF008",
  severity: "error",
  title: "credential in ENV or ARG",
  doc: {
    why:
      "ENV values are stored in the image config: anyone who can pull the image reads them with " +
      "`docker inspect`. Build arguments used by a RUN are recorded in the image history and the " +
      "build cache. A token for private modules put there (GITHUB_TOKEN, a netrc, a GOPROXY URL " +
      "with user:password) leaks with every copy of the image.",
    fix:
      "Pass secrets with BuildKit secret mounts, which exist only while one RUN executes: " +
      "`RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download`, built with " +
      "`docker build --secret id=netrc,src=$HOME/.netrc`. Keep GOPROXY free of credentials; " +
      "Go reads them from .netrc or GOAUTH. A secret the program reads at run time is given to " +
      "the container when it starts. In a test or development image the finding is a note.",
    example: {
      file: "Dockerfile",
      bad: 'ARG GITHUB_TOKEN\nRUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" && go mod download\n',
      good: "RUN --mount=type=secret,id=netrc,target=/root/.netrc \\\n    go mod download\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      // A test or development image is not pushed for others to pull: a note.
      const role = dockerfileRole(model, file);
      for (const ins of file.ast.getInstructions()) {
        const keyword = ins.getKeyword();
        const entries =
          keyword === "ARG"
            ? argDeclarations(ins).map((a) => ({ ...a, line: lineOf(ins) }))
            : keyword === "ENV"
              ? (ins as Env).getProperties().map((p) => ({
                  name: p.getName(),
                  value: p.getValue() ?? undefined,
                  line: p.getNameRange().start.line + 1,
                }))
              : [];
        for (const { name, value, line } of entries) {
          const problem = credentialProblem(keyword, name, value);
          if (!problem) continue;
          out.push({
            file: file.path,
            line,
            message: role ? `${problem} (a note: a ${role.role} image, ${role.why})` : problem,
            ...(role ? { severity: "note" as const } : {}),
          });
        }
      }
    }
    return out;
  },
};

/** What is wrong, in words that never include the value itself. */
function credentialProblem(
  keyword: string,
  name: string,
  value: string | undefined,
): string | undefined {
  const where =
    keyword === "ENV"
      ? "is stored in the image config for anyone who pulls it"
      : "is recorded in the image history and build cache";
  // A secret the build needs goes through a secret mount; one the program reads when it runs
  // is given to the container (compose environment, docker run -e, an orchestrator's secret).
  const fix =
    keyword === "ENV"
      ? "give it to the container when it runs (compose environment, docker run -e), or use RUN --mount=type=secret if the build needs it"
      : "pass it with RUN --mount=type=secret instead";
  // An ENV with an empty default or a setting-shaped value (24h, a plain URL) stores no secret; an
  // ARG is recorded when a RUN uses it, whatever its default, and `ENV X=${ARG}` copies it in.
  const settingValue =
    keyword === "ENV" && isNonSecretValue(value ?? "", false, !endsInSecret(name));
  if (isSecretName(name) && !isNetrcPath(name, value) && !settingValue) {
    return `${keyword} ${name} looks like a credential and ${where}; ${fix}`;
  }
  if (value === undefined) return undefined;
  const upper = name.toUpperCase();
  if (hasUrlPassword(value) || (GO_URL_SETTINGS.has(upper) && hasUrlUserInfo(value))) {
    return `${keyword} ${name} holds a URL with credentials (user:****@host), which ${where}; ${fix} (Go reads credentials from .netrc or GOAUTH)`;
  }
  return undefined;
}

/** Go reads NETRC as the netrc file's location: a path there is not the file's contents. */
function isNetrcPath(name: string, value: string | undefined): boolean {
  return name.toUpperCase() === "NETRC" && value !== undefined && /^[/~$.]/.test(value.trim());
}
