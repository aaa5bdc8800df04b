/** Characters that mean nothing special to the Dockerfile word parser (ARG/ENV values). */
const DOCKERFILE_PLAIN = /^[A-Za-z0-9_.,:/@%+=|*~^-]+$/;
/** Characters that mean nothing special to /bin/sh. */
const SHELL_PLAIN = /^[A-Za-z0-9_.,:/@%+=-]+$/;

/**
 * A value for `ARG NAME=<value>` / `ENV NAME=<value>`. Docker expands `$` and splits on spaces in
 * these, so anything else is double-quoted with `\`, `"` and `$` escaped (GOFLAGS holds spaces).
 */
export function dockerfileValue(value: string): string {
  if (DOCKERFILE_PLAIN.test(value)) return value;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** A word for a shell-form RUN: package paths from the spec may hold characters sh would act on. */
export function shellWord(word: string): string {
  if (SHELL_PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Exec (JSON) form, which shell-less images (distroless, scratch) need for ENTRYPOINT. */
export function execForm(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(", ")}]`;
}

/**
 * A .env value. Compose and VS Code's envFile both take unquoted values literally, but disagree on
 * `#`, quotes and spaces; single quotes are literal in both.
 */
export function envFileValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/@%+=?&()-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
