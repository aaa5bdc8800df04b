import type { AppSpec, Spec } from "../spec/schema.js";

/**
 * An app's build tags and linker flags as each place that builds it needs them: the Dockerfile's
 * release and debug builds, VS Code's launch configurations and CI. Kept here so they agree.
 * `ldflags` in the spec is literal text without ', $, ` or \ (the schema says so): single quotes
 * in sh keep it one word and literal, and Delve splits its buildFlags the same way.
 */

/** `-tags=a,b`, or nothing. */
export function tagsFlags(tags: readonly string[]): string[] {
  return tags.length > 0 ? [`-tags=${tags.join(",")}`] : [];
}

function words(ldflags: string | undefined): string[] {
  return (ldflags ?? "").split(/\s+/).filter((w) => w !== "");
}

/** The release build's linker flags: gopave's own first, then the app's. */
export function releaseLdflags(app: AppSpec, own: readonly string[]): string {
  return [...own, ...words(app.ldflags)].join(" ");
}

/**
 * A debug build's linker flags: the app's, less -s and -w, which strip the symbol table and DWARF
 * that Delve needs. undefined when nothing is left.
 */
export function debugLdflags(app: AppSpec): string | undefined {
  const kept = words(app.ldflags).filter((w) => !/^-[sw](?:=(?:true|1))?$/.test(w));
  return kept.length > 0 ? kept.join(" ") : undefined;
}

/** `-ldflags=<value>` as one sh word. */
export function shellLdflags(value: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? `-ldflags=${value}` : `-ldflags='${value}'`;
}

/**
 * VS Code / Delve `buildFlags` for running the app under the debugger: its tags and debug linker
 * flags. Delve splits the string on spaces outside single quotes.
 */
export function delveBuildFlags(app: AppSpec): string | undefined {
  const ld = debugLdflags(app);
  const flags = [...tagsFlags(app.tags), ...(ld !== undefined ? [shellLdflags(ld)] : [])];
  return flags.length > 0 ? flags.join(" ") : undefined;
}

/**
 * The tag sets CI vets, tests and builds with: one per distinct set among the apps, the untagged
 * one when an app has none or there is no app. Not their union: tags often pick one of
 * alternatives (a driver, a pure-Go fallback), and the union is a build nobody ships.
 */
export function ciTagSets(spec: Spec): string[][] {
  const sets = new Map<string, string[]>();
  if (spec.apps.length === 0) sets.set("", []);
  for (const app of spec.apps) {
    const tags = [...new Set(app.tags)].sort();
    sets.set(tags.join(","), tags);
  }
  return [...sets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, tags]) => tags);
}

/** A CI step label for a tag set, when there are several. */
export function ciTagLabel(tags: readonly string[]): string {
  return tags.length > 0 ? `tags ${tags.join(",")}` : "no tags";
}

/**
 * Flags for `go run` of an app in a shell (VS Code's run task): its tags and its own linker
 * flags (-X stamps), as sh words.
 */
export function runFlags(app: AppSpec): string[] {
  const ld = app.ldflags?.trim();
  return [...tagsFlags(app.tags), ...(ld ? [shellLdflags(ld)] : [])];
}

/**
 * The one tag set every app builds with, for whole-repo builds and tests on a developer machine;
 * none when the apps disagree (there is no single right answer then).
 */
export function sharedTags(spec: Spec): string[] {
  const sets = ciTagSets(spec);
  return sets.length === 1 ? (sets[0] ?? []) : [];
}
