/**
 * `docker build` and its relatives as command words: which Dockerfile (`-f`), which context (the
 * positional argument), which stage (`--target`) and which names (`-t`). Covers `docker build`, `docker image build`,
 * `docker buildx build` (and `b`), `podman`/`nerdctl build`, `buildah bud`/`build`.
 */

export interface DockerBuildCall {
  /** `-f`/`--file` as written; undefined means `<context>/Dockerfile`. */
  file: string | undefined;
  /** The context argument as written; undefined when the words name none. */
  context: string | undefined;
  target: string | undefined;
  /** Every `-t`/`--tag` as written. */
  tags: string[];
}

/** Flags that take no value; any other flag without `=` takes the next word. */
const BOOLEAN_FLAGS = new Set([
  "--push",
  "--load",
  "--pull",
  "--no-cache",
  "-q",
  "--quiet",
  "--rm",
  "--force-rm",
  "--squash",
  "--compress",
  "--debug",
  "-D",
  "--disable-content-trust",
  "--check",
  "--layers",
  "--no-hosts",
  "--stdin",
  "--tls-verify",
  "--identity-label",
  "--omit-history",
  "--all-platforms",
]);

/** Words before the engine that only wrap it. */
const PREFIX = /^(?:sudo|env|exec|time|command|nohup|then|else|do|!)$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** The engine, also through a variable named for it (`$(DOCKER)`, `${CONTAINER_ENGINE}`). */
const ENGINE =
  /^(?:(?:\S*\/)?(?:docker|podman|nerdctl|buildah)|\$[({]?\w*(?:DOCKER|PODMAN|CONTAINER|ENGINE|OCI)\w*[)}]?)$/i;

/** The build a command's words run, or undefined when they do not build an image. */
export function dockerBuildCall(words: readonly string[]): DockerBuildCall | undefined {
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return undefined;
    if (PREFIX.test(w) || ASSIGNMENT.test(w)) i++;
    else break;
  }
  const engine = words[i] ?? "";
  if (!ENGINE.test(engine)) return undefined;
  i++;
  // docker's own global flags before the subcommand (`docker --context ci build`).
  while (words[i]?.startsWith("-")) {
    const w = words[i] as string;
    i += w.includes("=") || w === "-D" || w === "--debug" ? 1 : 2;
  }
  const sub = words.slice(i, i + 2);
  if (sub[0] === "build" || (/buildah$/.test(engine) && sub[0] === "bud")) i += 1;
  else if ((sub[0] === "image" || sub[0] === "builder") && sub[1] === "build") i += 2;
  else if (sub[0] === "buildx" && (sub[1] === "build" || sub[1] === "b")) i += 2;
  else return undefined;
  return buildArgs(words.slice(i));
}

function buildArgs(args: readonly string[]): DockerBuildCall {
  let file: string | undefined;
  let target: string | undefined;
  const tags: string[] = [];
  const positionals: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === "--") {
      positionals.push(...args.slice(k + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq === -1 ? a : a.slice(0, eq);
    let value: string | undefined;
    if (eq !== -1) value = a.slice(eq + 1);
    else if (/^-[ft].+/.test(a)) value = a.slice(2);
    else if (!BOOLEAN_FLAGS.has(a)) value = args[++k];
    if (/^-f.+/.test(a) || name === "-f" || name === "--file") file = value;
    else if (/^-t.+/.test(a) || name === "-t" || name === "--tag") {
      if (value !== undefined) tags.push(value);
    } else if (name === "--target") target = value;
  }
  // One context; words that are whole unknown variables (`$(OCI_BUILD_ARGS)`) expand to flags.
  const context = positionals.at(-1);
  return { file, context, target, tags };
}

/** The Dockerfile a build uses without `-f`: `Dockerfile` at the root of its context. */
export function dockerDefaultFile(context: string): string {
  return context === "." ? "Dockerfile" : `${context}/Dockerfile`;
}
