import type { Spec } from "../spec/schema.js";
import { DEVBOX_DIR } from "./devbox/devbox.js";
import type { GenerateContext, GeneratedFile, Generator } from "./types.js";

/**
 * Keeps secrets, editor and CI config and build output out of the Docker build context. Module
 * files, go.work, vendor/ and .gopave/ stay: builds and drift checks read them. Patterns use
 * `**` where a file can sit in any directory (a bare `*.test` matches the context root only).
 */
const PATTERNS: readonly (readonly [comment: string, patterns: readonly string[]])[] = [
  ["Version control history is large and not needed (Go stamps no VCS info without it).", [".git"]],
  ["Local secrets.", [".env", ".env.*", "**/.netrc"]],
  ["Editor, dev container and CI configuration.", [".vscode", ".idea", ".devcontainer", ".github"]],
  [
    "Build and test output.",
    [
      "bin/",
      "dist/",
      "**/*.test",
      "**/coverage.out",
      "**/cover.out",
      "**/*.coverprofile",
      "**/coverage.html",
      "node_modules",
    ],
  ],
];

/** The groups for this spec: the dev box module is infrastructure, never part of an image. */
function groups(spec: Spec): (readonly [comment: string, patterns: readonly string[]])[] {
  return [
    ...PATTERNS,
    ...(spec.devbox !== undefined
      ? [["The dev box's Terraform module and its provider downloads.", [DEVBOX_DIR]] as const]
      : []),
  ];
}

/** Every pattern, in order: Tilt ignores the same files. */
export function dockerignorePatterns(spec: Spec): string[] {
  return groups(spec).flatMap(([, patterns]) => patterns);
}

/** Only beside a generated Dockerfile: a kept one may need what this leaves out (.git for stamping). */
export const generateDockerignore: Generator = (ctx: GenerateContext): GeneratedFile[] => {
  if (ctx.spec.keep.dockerfile !== undefined) return [];
  const text = groups(ctx.spec)
    .map(([comment, patterns]) => [`# ${comment}`, ...patterns].join("\n"))
    .join("\n\n");
  return [{ path: ".dockerignore", format: "text", text: `${text}\n` }];
};
