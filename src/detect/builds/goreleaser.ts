import { parseDocument } from "yaml";
import { splitTags } from "./go-build-call.js";
import { keptLdflags } from "./ldflags.js";
import type { ShippedBuild } from "./types.js";

/** GoReleaser's config names, in the order it looks for them. */
export const GORELEASER_FILES = [
  ".config/goreleaser.yml",
  ".config/goreleaser.yaml",
  ".goreleaser.yml",
  ".goreleaser.yaml",
  "goreleaser.yml",
  "goreleaser.yaml",
];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];

/**
 * The Go binaries a GoReleaser config releases: each `builds` entry that is not skipped and uses
 * the Go builder, with its main package (default "."), `dir`, tags (from `tags` and `-tags` in
 * `flags`), ldflags and CGO_ENABLED. Without a `builds` list GoReleaser builds ".".
 */
export function goreleaserBuilds(path: string, text: string): ShippedBuild[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const data: unknown = doc.toJS();
  if (!isRecord(data)) return [];
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? text.slice(0, range[0]).split("\n").length : 1;
  };
  const builds = Array.isArray(data["builds"]) ? (data["builds"] as unknown[]) : [{}];
  const nodes = doc.get("builds") as { items?: unknown[] } | undefined;
  return builds.flatMap((b, i): ShippedBuild[] => {
    if (!isRecord(b)) return [];
    if (b["skip"] === true || (typeof b["builder"] === "string" && b["builder"] !== "go"))
      return [];
    const main = typeof b["main"] === "string" ? b["main"] : ".";
    const dir = typeof b["dir"] === "string" ? b["dir"].replace(/^\.\/?/, "") || "." : ".";
    const flags = strings(b["flags"]);
    const tagFlags = flags.flatMap((f, k) =>
      f.startsWith("-tags=") ? [f.slice(6)] : f === "-tags" ? [flags[k + 1] ?? ""] : [],
    );
    const env = strings(b["env"]);
    const cgo = env.find((e) => e.startsWith("CGO_ENABLED="))?.slice("CGO_ENABLED=".length);
    return [
      {
        source: "goreleaser",
        file: path,
        line: lineOf(nodes?.items?.[i]),
        target: main.endsWith(".go")
          ? main.slice(0, Math.max(main.lastIndexOf("/"), 0)) || "."
          : main,
        cwd: dir,
        tags: [...strings(b["tags"]).flatMap((t) => splitTags(t)), ...tagFlags.flatMap(splitTags)],
        ldflags: keptLdflags(strings(b["ldflags"]).join(" ") || undefined),
        cgo: cgo === "1" ? true : cgo === "0" ? false : undefined,
        ...(typeof b["binary"] === "string" && /^[\w.-]+$/.test(b["binary"])
          ? { binary: b["binary"] }
          : {}),
      },
    ];
  });
}
