import type { RepoModel, StructuredFile } from "../../../types.js";
import { devcontainerSource, goFeature } from "./devcontainer.js";
import { dockerStages } from "./dockerfile-env.js";
import { goImageVersion, versionPrecision } from "./go-image.js";
import type { PinPrecision } from "./go-image.js";
import { gitlabJobs, gitlabVariables } from "./gitlab.js";
import { fromVersionFile } from "./setup-go.js";
import { SETUP_GO, workflowJobs } from "./workflows.js";
import { isRecord, recordAt, scalarString } from "./values.js";

export type GoPinKind =
  | "go-line"
  | "toolchain"
  | "dockerfile"
  | "devcontainer-image"
  | "devcontainer-feature"
  | "compose-image"
  | "setup-go"
  | "workflow-container"
  | "gitlab-image"
  | "version-file"
  | "tiltfile"
  | "spec"
  | "spec-builder";

/** One place that states which Go a part of the repo uses. */
export interface GoVersionPin {
  kind: GoPinKind;
  file: string;
  line: number;
  /** Normalised ("1.26.8", "1.26", "1.27rc1"); undefined when the source floats (latest, stable). */
  version: string | undefined;
  /** A go line is a minimum; a "1.26" tag or setup-go input takes any 1.26.x. */
  precision: "minimum" | PinPrecision;
  /** How a person would name the source, e.g. "Dockerfile FROM golang:1.26.8". */
  label: string;
  /** For a Dockerfile pin set by an ARG default: the FROM line that uses it. */
  fromLine?: number;
}

function toolchainVersion(name: string): string {
  // Custom toolchains ("go1.26.8-corp") compare by the version before the suffix.
  return name.replace(/^go/, "").replace(/-.*$/, "");
}

function modPins(model: RepoModel): GoVersionPin[] {
  const out: GoVersionPin[] = [];
  const files = [
    ...model.gomods.map((m) => ({ path: m.path, go: m.mod.go, toolchain: m.mod.toolchain })),
    ...(model.gowork
      ? [
          {
            path: model.gowork.path,
            go: model.gowork.work.go,
            toolchain: model.gowork.work.toolchain,
          },
        ]
      : []),
  ];
  for (const f of files) {
    if (f.go) {
      out.push({
        kind: "go-line",
        file: f.path,
        line: f.go.line,
        version: f.go.version,
        precision: "minimum",
        label: `${f.path} go ${f.go.version}`,
      });
    }
    if (f.toolchain && f.toolchain.name !== "default") {
      const p = versionPrecision(toolchainVersion(f.toolchain.name));
      out.push({
        kind: "toolchain",
        file: f.path,
        line: f.toolchain.line,
        version: p?.version,
        precision: p?.precision ?? "floating",
        label: `${f.path} toolchain ${f.toolchain.name}`,
      });
    }
  }
  return out;
}

function imagePin(
  kind: GoPinKind,
  file: string,
  line: number,
  image: string,
  label: string,
): GoVersionPin[] {
  const v = goImageVersion(image);
  if (!v || image.includes("$")) return [];
  return [{ kind, file, line, version: v.version, precision: v.precision, label }];
}

function dockerfilePins(model: RepoModel): GoVersionPin[] {
  return model.dockerfiles.flatMap((df) =>
    dockerStages(df).flatMap((s) =>
      // An ARG default is where the version is written, so that is where to fix it.
      imagePin(
        "dockerfile",
        df.path,
        s.argLine ?? s.line,
        s.image,
        `${df.path} FROM ${s.image}${s.argLine ? " (ARG default)" : ""}`,
      ).map((p) => ({ ...p, fromLine: s.line })),
    ),
  );
}

function devcontainerPins(model: RepoModel): GoVersionPin[] {
  const out: GoVersionPin[] = [];
  for (const dc of model.devcontainers) {
    // Only an `image:` dev container: a built one is covered by its Dockerfile or compose file.
    const image = devcontainerSource(model, dc).image;
    if (image !== undefined && isRecord(dc.data) && dc.data["image"] === image) {
      const line = dc.lineOf(["image"]);
      out.push(
        ...imagePin("devcontainer-image", dc.path, line, image, `${dc.path} image ${image}`),
      );
    }
    const feature = goFeature(dc);
    if (!feature) continue;
    const raw = scalarString(feature.options["version"]) ?? "latest";
    if (raw === "none") continue;
    const p = versionPrecision(raw);
    out.push({
      kind: "devcontainer-feature",
      file: dc.path,
      line:
        feature.options["version"] === undefined
          ? feature.line
          : dc.lineOf([...feature.path, "version"]),
      version: p?.version,
      precision: p?.precision ?? "floating",
      label: `${dc.path} Go feature version "${raw}"`,
    });
  }
  return out;
}

function composePins(model: RepoModel): GoVersionPin[] {
  return model.composes.flatMap((c) =>
    Object.entries(recordAt(c.data, "services") ?? {}).flatMap(([name, s]) => {
      const image = isRecord(s) ? s["image"] : undefined;
      if (typeof image !== "string") return [];
      const line = c.lineOf(["services", name, "image"]);
      return imagePin(
        "compose-image",
        c.path,
        line,
        image,
        `${c.path} service ${name} image ${image}`,
      );
    }),
  );
}

function workflowPins(model: RepoModel): GoVersionPin[] {
  const out: GoVersionPin[] = [];
  for (const job of workflowJobs(model)) {
    const container = job.job["container"];
    const image =
      typeof container === "string"
        ? container
        : isRecord(container)
          ? container["image"]
          : undefined;
    if (typeof image === "string") {
      const path = [
        "jobs",
        job.id,
        "container",
        ...(typeof container === "string" ? [] : ["image"]),
      ];
      out.push(
        ...imagePin(
          "workflow-container",
          job.file.path,
          job.file.lineOf(path),
          image,
          `${job.file.path} job ${job.id} container ${image}`,
        ),
      );
    }
    for (const step of job.steps) {
      if (step.action !== SETUP_GO) continue;
      const raw = scalarString(step.with["go-version"]);
      const file = scalarString(step.with["go-version-file"]);
      if ((raw === undefined || raw === "") && file && !file.includes("${{")) {
        // go-version-file: go.mod installs what go.mod names, so CI pins that version too.
        const sel = fromVersionFile(model, file, step.major);
        if (sel && !("missing" in sel)) {
          out.push({
            kind: "setup-go",
            file: job.file.path,
            line: job.file.lineOf([...step.path, "with", "go-version-file"]),
            version: sel.version,
            precision: sel.precision,
            label: `${job.file.path} job ${job.id} setup-go go-version-file ${file} (${sel.how})`,
          });
        }
        continue;
      }
      if (raw === undefined || raw.includes("${{")) continue;
      const p = versionPrecision(raw);
      out.push({
        kind: "setup-go",
        file: job.file.path,
        line: job.file.lineOf([...step.path, "with", "go-version"]),
        version: p?.version,
        precision: p?.precision ?? "floating",
        label: `${job.file.path} job ${job.id} setup-go go-version ${raw}`,
      });
    }
  }
  return out;
}

function gitlabPins(gitlab: StructuredFile | undefined): GoVersionPin[] {
  if (!gitlab) return [];
  const globals = gitlabVariables(gitlab.data);
  return gitlabJobs(gitlab).flatMap(({ name, job, path }) => {
    const img = job["image"];
    const raw = typeof img === "string" ? img : isRecord(img) ? img["name"] : undefined;
    if (typeof raw !== "string") return [];
    const vars = new Map([...globals, ...gitlabVariables(job)]);
    const image = raw.replace(
      /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
      (m, v: string) => vars.get(v) ?? m,
    );
    const line = gitlab.lineOf([...path, "image"]);
    const where = name === "" ? "image" : `job ${name} image`;
    return imagePin("gitlab-image", gitlab.path, line, image, `${gitlab.path} ${where} ${image}`);
  });
}

function versionFilePins(model: RepoModel): GoVersionPin[] {
  return model.versionPins.flatMap((f) => {
    const p = f.go && versionPrecision(f.go.version);
    if (!f.go || !p) return [];
    return [
      {
        kind: "version-file" as const,
        file: f.path,
        line: f.go.line,
        version: p.version,
        precision: p.precision,
        label: `${f.path} ${f.go.version}`,
      },
    ];
  });
}

/** Build args a Dockerfile's `FROM golang:${GO_VERSION}` (or GOLANG_VERSION) takes its tag from. */
const GO_VERSION_ARGS = new Set(["GO_VERSION", "GOLANG_VERSION"]);

/**
 * A hand-written Tiltfile's Go: the GO_VERSION/GOLANG_VERSION build args it passes to a Docker
 * build (the tag of the Dockerfile's `FROM golang:${GO_VERSION}`, so the same 1.26 = any 1.26.x
 * reading), and the release a GOTOOLCHAIN value names (`go1.26.8`, `go1.26.8+auto`: a custom
 * toolchain's suffix dropped, as for toolchain lines). gopave's own Tiltfile is GP001's.
 */
function tiltfilePins(model: RepoModel): GoVersionPin[] {
  const out: GoVersionPin[] = [];
  for (const f of model.tiltfiles) {
    if (f.generated) continue;
    for (const s of f.settings) {
      let raw: string | undefined;
      if (GO_VERSION_ARGS.has(s.name) && (s.via === "build_args" || s.via === "build-arg")) {
        raw = s.value;
      } else if (s.name === "GOTOOLCHAIN" && /^go\d/.test(s.value)) {
        raw = toolchainVersion(s.value.replace(/\+(?:auto|path)$/, ""));
      }
      const p = raw === undefined || raw.includes("$") ? undefined : versionPrecision(raw);
      if (!p) continue;
      if (out.some((o) => o.file === f.path && o.line === s.line && o.version === p.version))
        continue;
      out.push({
        kind: "tiltfile",
        file: f.path,
        line: s.line,
        version: p.version,
        precision: p.precision,
        label: `${f.path} ${s.where} ${s.name}=${s.value}${s.variable ? ` (${s.variable.name}, line ${s.variable.line})` : ""}`,
      });
    }
  }
  return out;
}

function specPins(model: RepoModel): GoVersionPin[] {
  const loaded = model.spec?.loaded;
  if (!model.spec || !loaded) return [];
  const file = model.spec.path;
  const { spec } = loaded;
  const out: GoVersionPin[] = [
    {
      kind: "spec",
      file,
      line: loaded.positionOf(["go", "version"]).line,
      version: spec.go.version,
      precision: "exact",
      label: `${file} go.version ${spec.go.version}`,
    },
  ];
  const builder = spec.image.builder;
  if (builder !== undefined) {
    const line = loaded.positionOf(["image", "builder"]).line;
    out.push(...imagePin("spec-builder", file, line, builder, `${file} image.builder ${builder}`));
  }
  return out;
}

/** Every place in the repo that pins or states a Go version, in a stable order. */
export function goVersionPins(model: RepoModel): GoVersionPin[] {
  return [
    ...modPins(model),
    ...dockerfilePins(model),
    ...devcontainerPins(model),
    ...composePins(model),
    ...workflowPins(model),
    ...gitlabPins(model.gitlab),
    ...versionFilePins(model),
    ...tiltfilePins(model),
    ...specPins(model),
  ];
}
