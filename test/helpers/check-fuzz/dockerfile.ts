import {
  IMAGES,
  STAGE_NAMES,
  GO_COMMANDS,
  OTHER_COMMANDS,
  MOUNTS,
  COPY_SOURCES,
  COPY_FLAGS,
  ADDS,
  ENTRY,
} from "./dockerfile-pools.js";
import type { Rand } from "./random.js";

/**
 * Dockerfiles from a grammar of what BuildKit accepts (and a little it does not): every
 * instruction, its flag forms, heredocs, parser directives, escape characters, continuations,
 * comments inside continuations, lower-case keywords, CRLF and a BOM.
 */

export function generateDockerfile(r: Rand): string {
  const escape = r.bool(0.12) ? "`" : "\\";
  const header: string[] = [];
  if (r.bool(0.4))
    header.push(
      r.pick([
        "# syntax=docker/dockerfile:1",
        "# syntax=docker/dockerfile:1.7-labs",
        "#syntax=docker/dockerfile:1.4",
      ]),
    );
  if (r.bool(0.15))
    header.push(
      r.pick([
        "# check=skip=JSONArgsRecommended;error=true",
        "# check=error=true",
        "# check=skip=all",
      ]),
    );
  if (escape === "`") header.push(r.pick(["# escape=`", "#escape=`", "# ESCAPE=`"]));
  else if (r.bool(0.1)) header.push("# escape=\\");

  const lines: string[] = [...header];
  // Global ARGs (and, rarely, something that is not allowed before FROM).
  for (let i = r.int(3); i > 0; i--) lines.push(arg(r));
  if (r.bool(0.05)) lines.push(`RUN ${r.pick(GO_COMMANDS)}`);

  const names: string[] = [];
  const stages = r.bool(0.03) ? 0 : r.between(1, 4);
  for (let s = 0; s < stages; s++) {
    lines.push(from(r, names));
    for (let n = r.int(9); n > 0; n--) lines.push(instruction(r, names, 0));
  }
  let text = lines.map((l) => continued(r, l, escape)).join("\n");
  if (r.bool(0.7)) text += "\n";
  if (r.bool(0.08)) text = text.replace(/\n/g, "\r\n");
  if (r.bool(0.04)) text = `\uFEFF${text}`;
  return kw(r, text);
}

function kw(r: Rand, text: string): string {
  // Keywords are case-insensitive; a few files use lower case throughout.
  return r.bool(0.06) ? text.replace(/^([A-Z]+)\b/gm, (k) => k.toLowerCase()) : text;
}

function from(r: Rand, names: string[]): string {
  const platform = r.bool(0.25)
    ? `${r.pick(["--platform=$BUILDPLATFORM", "--platform=linux/amd64", "--platform=${TARGETPLATFORM}"])} `
    : "";
  const image = names.length > 0 && r.bool(0.3) ? r.pick(names) : r.pick(IMAGES);
  let alias = "";
  if (r.bool(0.6)) {
    const name = r.pick(STAGE_NAMES);
    names.push(name);
    alias = ` ${r.pick(["AS", "as", "As"])} ${name}`;
  }
  return `FROM ${platform}${image}${alias}${r.bool(0.03) ? " extra words" : ""}`;
}

function arg(r: Rand): string {
  return `ARG ${r.pick([
    "GO_VERSION=1.26.8",
    "GO_VERSION",
    "BASE=golang:1.22",
    "TARGETOS TARGETARCH",
    'A B=2 C="x y"',
    "GOPROXY=https://proxy.golang.org,direct",
    "GITHUB_TOKEN",
    "DB_PASSWORD=hunter2",
    "VERSION=dev",
    "STAGE=build",
    "=novalue",
    "",
    "BUILDPLATFORM",
    'GOFLAGS="-mod=mod"',
  ])}`;
}

function instruction(r: Rand, names: string[], depth: number): string {
  return r.oneOf<string>([
    [5, () => arg(r)],
    [5, () => env(r)],
    [18, () => run(r)],
    [12, () => copy(r, names)],
    [5, () => `ADD ${r.pick(ADDS)}`],
    [4, () => `WORKDIR ${r.pick(["/src", "/app", "$HOME/x", "", "/go/src/example.com/app"])}`],
    [
      4,
      () =>
        `USER ${r.pick(["65532:65532", "nonroot", "nonroot:nonroot", "root", "$UID", "", "0", "1000"])}`,
    ],
    [3, () => `EXPOSE ${r.pick(["8080", "8080 2345/tcp", "$PORT", "40000-40010", "53/udp", ""])}`],
    [4, () => `CMD ${r.pick(ENTRY)}`],
    [4, () => `ENTRYPOINT ${r.pick(ENTRY)}`],
    [3, () => healthcheck(r)],
    [
      2,
      () =>
        `SHELL ${r.pick(['["/bin/bash", "-o", "pipefail", "-c"]', '["/bin/sh", "-c"]', "/bin/sh -c", "[]", '["pwsh"]'])}`,
    ],
    [2, () => (depth > 1 ? "ONBUILD" : `ONBUILD ${instruction(r, names, depth + 1)}`)],
    [
      2,
      () =>
        `LABEL ${r.pick(['a=b "c d"="e"', "org.opencontainers.image.source=https://example.com", "single", ""])}`,
    ],
    [1, () => `STOPSIGNAL ${r.pick(["SIGTERM", "9", ""])}`],
    [1, () => `VOLUME ${r.pick(['["/data"]', "/a /b", ""])}`],
    [1, () => "MAINTAINER someone"],
    [1, () => `${r.pick(["FOO", "RUNN", "COPYY", "X"])} bar`],
    [3, () => r.pick(["# a comment", "", "# gopave:ignore DF004", "   ", "#", "# RUN go build"])],
  ]);
}

function env(r: Rand): string {
  return `ENV ${r.pick([
    "CGO_ENABLED=0",
    "CGO_ENABLED 1",
    'GOFLAGS="-mod=mod -trimpath"',
    "GOFLAGS=-mod=vendor",
    "GOPATH /go",
    'A=1 B="two words" C=$A',
    "GOPROXY=off",
    "GOPROXY=https://proxy.golang.org,direct GONOSUMDB=*.corp",
    "GOSUMDB=off",
    "GONOSUMCHECK=1 GOPRIVATE=*.corp.example.com",
    "GOTOOLCHAIN=local",
    "GOTOOLCHAIN=go1.26.8+auto",
    "API_TOKEN=abc123def456",
    "JWT_EXPIRY=24h",
    "",
    "X=",
    "PATH=$PATH:/go/bin",
    "GOMODCACHE=/cache/mod GOCACHE=/cache/build",
  ])}`;
}

function run(r: Rand): string {
  const flags = r.some(MOUNTS, 3).join(" ");
  const pre = flags ? `${flags} ` : "";
  return r.oneOf<string>([
    [10, () => `RUN ${pre}${shellScript(r)}`],
    [
      3,
      () =>
        `RUN ${pre}${r.pick(['["go", "mod", "download"]', '["go","build","-o","/app","."]', "['go', 'build']", "[]", '["/bin/sh"]', '["sh", "-c", "go mod download"]', '[ "go" , "env" ]'])}`,
    ],
    [6, () => `RUN ${pre}${heredoc(r)}`],
    [1, () => "RUN"],
    [1, () => `RUN ${pre}`],
  ]);
}

function shellScript(r: Rand): string {
  const cmds = r.times(r.between(1, 3), () => r.pick(r.bool(0.7) ? GO_COMMANDS : OTHER_COMMANDS));
  return cmds.join(r.pick([" && ", " ; ", " || ", " | ", " & ", "\n"].slice(0, 5)));
}

function heredoc(r: Rand): string {
  const word = r.pick(["EOF", "EOT", "SCRIPT", "e_o-f.1"]);
  const quoted = r.pick([word, `"${word}"`, `'${word}'`]);
  const dash = r.bool(0.3);
  const runner = r.pick(["", "", " bash", " sh -e", "bash ", "python3 ", " cat > /x.sh &&"]);
  const head = runner.endsWith(" ")
    ? `${runner}<<${dash ? "-" : ""}${quoted}`
    : `<<${dash ? "-" : ""}${quoted}${runner}`;
  const body = r.times(
    r.between(0, 4),
    () =>
      (dash ? "\t" : "") +
      r.pick([...GO_COMMANDS, ...OTHER_COMMANDS, "set -eux", "", "  go mod download \\", "    -x"]),
  );
  const second = r.bool(0.1) ? ` && <<${word}2 sh` : "";
  const end = r.bool(0.9) ? [(dash ? "\t" : "") + word] : [];
  const secondBody = second ? ["go build", `${word}2`] : [];
  return [head + second, ...body, ...end, ...secondBody].join("\n");
}

function copy(r: Rand, names: string[]): string {
  return r.oneOf<string>([
    [
      8,
      () => {
        const flags = r
          .some(COPY_FLAGS, 2)
          .map((f) => (f === "--from=build" && names.length > 0 ? `--from=${r.pick(names)}` : f));
        const srcs = r.pick(COPY_SOURCES);
        return `COPY ${flags.join(" ")}${flags.length ? " " : ""}${srcs} ${r.pick(["./", "/src/", ".", "/app", "/go/bin/", ""])}`;
      },
    ],
    [2, () => `COPY ${r.pick(['["go.mod", "go.sum", "./"]', '["."," ."]', "[]", '["only"]'])}`],
    [
      3,
      () => {
        const dash = r.bool(0.3);
        const body = r.times(r.int(3), () => `${dash ? "\t" : ""}key = value`);
        return [
          `COPY ${r.bool(0.3) ? "--chmod=0644 " : ""}<<${dash ? "-" : ""}EOF /etc/app.conf`,
          ...body,
          `${dash ? "\t" : ""}EOF`,
        ].join("\n");
      },
    ],
    [1, () => "COPY"],
    [1, () => "COPY onlyone"],
  ]);
}

function healthcheck(r: Rand): string {
  return `HEALTHCHECK ${r.pick([
    "NONE",
    "--interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD curl -f http://localhost:8080/health || exit 1",
    'CMD ["/app", "health"]',
    "",
    "--interval=5s",
    "CMD",
    "--interval=5s CMD",
    "none",
    "CMD-SHELL wget -q -O- localhost",
  ])}`;
}

/**
 * Splits a long instruction over lines with the escape character, sometimes with a comment or an
 * empty line inside the continuation (BuildKit skips both).
 */
function continued(r: Rand, line: string, escape: string): string {
  if (line.includes("\n") || !r.bool(0.2)) return line;
  const words = line.split(" ");
  if (words.length < 3) return line;
  const at = r.between(1, words.length - 1);
  const filler = r.pick(["", "", "# inside a continuation", "   "]);
  const sep = `${r.bool(0.1) ? " " : ""}${escape}${r.bool(0.05) ? "  " : ""}\n`;
  return `${words.slice(0, at).join(" ")} ${sep}${filler ? `${filler}\n` : ""}    ${words.slice(at).join(" ")}`;
}

/** A .dockerignore: patterns, exceptions, comments. */
export function generateDockerignore(r: Rand): string {
  const patterns = [
    ".git",
    "!.git",
    ".git/",
    "**/.git",
    "*",
    "!go.mod",
    "!go.sum",
    "!cmd/",
    ".env*",
    "bin/",
    "# comment",
    "",
    "vendor",
    "**/*_test.go",
    "!",
    "/",
    "Dockerfile*",
    ".dockerignore",
    "  spaced  ",
    "[a-",
    "\\!x",
  ];
  return r.some(patterns, 8).join(r.bool(0.1) ? "\r\n" : "\n");
}
