import type {
  GoReleaserBuild,
  GoReleaserDocker,
  GoReleaserModel,
  StructuredFile,
} from "../types.js";

/**
 * GoReleaser's config: the Go builds (which go, flags, ldflags, tags, env) and the images it
 * builds from their binaries (`dockers`, and `dockers_v2` since v2.12). Keys as documented at
 * goreleaser.com/customization/builds/go and /docker.
 */

type Data = Record<string, unknown>;
const isRecord = (v: unknown): v is Data =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
const strings = (v: unknown): string[] =>
  typeof v === "string"
    ? [v]
    : Array.isArray(v)
      ? v.flatMap((x) => (typeof x === "string" ? [x] : []))
      : [];

/** Top-level keys only a GoReleaser config has; a file named goreleaser.yml without any is not one. */
const GORELEASER_KEYS = [
  "builds",
  "dockers",
  "dockers_v2",
  "docker_manifests",
  "archives",
  "project_name",
  "release",
  "nfpms",
  "kos",
  "before",
  "changelog",
  "checksum",
  "snapshot",
  "gomod",
  "brews",
  "homebrew_casks",
  "universal_binaries",
  "signs",
  "sboms",
];

export function isGoreleaserData(data: unknown): boolean {
  return isRecord(data) && GORELEASER_KEYS.some((k) => k in data);
}

export function readGoreleaser(file: StructuredFile): GoReleaserModel {
  const data = isRecord(file.data) ? file.data : {};
  const version = typeof data["version"] === "number" ? data["version"] : undefined;
  return {
    ...file,
    version,
    env: envList(file, data["env"], ["env"]),
    builds: builds(file, data),
    dockers: [...dockers(file, data, "dockers"), ...dockers(file, data, "dockers_v2")],
  };
}

function envList(file: StructuredFile, v: unknown, path: (string | number)[]) {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e, i) => {
    if (typeof e !== "string") return [];
    const eq = e.indexOf("=");
    if (eq <= 0) return [];
    return [{ name: e.slice(0, eq), value: e.slice(eq + 1), line: file.lineOf([...path, i]) }];
  });
}

/** Without a `builds` list GoReleaser builds the module's main package with the defaults. */
function builds(file: StructuredFile, data: Data): GoReleaserBuild[] {
  const list = Array.isArray(data["builds"]) ? (data["builds"] as unknown[]) : [{}];
  const explicit = Array.isArray(data["builds"]);
  return list.flatMap((b, index): GoReleaserBuild[] => {
    if (!isRecord(b)) return [];
    const at = (...p: (string | number)[]) => (explicit ? file.lineOf(["builds", index, ...p]) : 1);
    const goKey = (["tool", "gobinary", "go_version"] as const).find(
      (k) => str(b[k]) !== undefined,
    );
    const goValue = goKey ? str(b[goKey]) : undefined;
    const flags = strings(b["flags"]);
    const tagFlags = flags.flatMap((f, k) =>
      f.startsWith("-tags=") ? [f.slice(6)] : f === "-tags" ? [flags[k + 1] ?? ""] : [],
    );
    return [
      {
        index,
        line: at(),
        id: str(b["id"]),
        builder: str(b["builder"]) ?? "go",
        skip: b["skip"] === true || b["skip"] === "true",
        main: str(b["main"]) ?? ".",
        dir: str(b["dir"]) ?? ".",
        binary: str(b["binary"]),
        goBinary:
          goKey && goValue !== undefined && goValue !== "go"
            ? { value: goValue, key: goKey, line: at(goKey) }
            : undefined,
        flags,
        ldflags: strings(b["ldflags"]),
        tags: [...strings(b["tags"]), ...tagFlags.flatMap((t) => t.split(/[,\s]+/))].filter(
          (t) => t !== "",
        ),
        env: explicit ? envList(file, b["env"], ["builds", index, "env"]) : [],
        goos: strings(b["goos"]),
        goarch: strings(b["goarch"]),
      },
    ];
  });
}

function dockers(
  file: StructuredFile,
  data: Data,
  section: GoReleaserDocker["section"],
): GoReleaserDocker[] {
  const list = data[section];
  if (!Array.isArray(list)) return [];
  return list.flatMap((d, index): GoReleaserDocker[] => {
    if (!isRecord(d)) return [];
    const v2 = section === "dockers_v2";
    const images = v2
      ? strings(d["images"]).flatMap((img) => {
          const tags = strings(d["tags"]);
          return tags.length === 0 ? [img] : tags.map((t) => `${img}:${t}`);
        })
      : strings(d["image_templates"]);
    const buildFlags = v2
      ? Object.entries(isRecord(d["build_args"]) ? d["build_args"] : {}).map(
          ([k, v]) => `--build-arg=${k}=${str(v) ?? ""}`,
        )
      : strings(d["build_flag_templates"]);
    return [
      {
        section,
        index,
        line: file.lineOf([section, index]),
        dockerfile: str(d["dockerfile"]) ?? "Dockerfile",
        images,
        buildFlags,
        extraFiles: [...strings(d["extra_files"]), ...strings(d["files"])],
        ids: strings(d["ids"]),
      },
    ];
  });
}
