import { posix } from "node:path";
import type { DockerfileModel, RepoModel, StructuredFile } from "../../../types.js";
import { isRecord, recordAt } from "./values.js";

/** The official Go feature, any version tag (`:1`, `:1.3.4`) or digest. */
const GO_FEATURE_RE = /^ghcr\.io\/devcontainers\/features\/go(?:[:@][^/]*)?$/i;

export interface GoFeature {
  key: string;
  /** Options; the legacy string form `"…/go:1": "1.26"` means `{ version: "1.26" }`. */
  options: Record<string, unknown>;
  line: number;
  path: string[];
}

export function goFeature(dc: StructuredFile): GoFeature | undefined {
  const features = recordAt(dc.data, "features");
  for (const [key, value] of Object.entries(features ?? {})) {
    if (!GO_FEATURE_RE.test(key)) continue;
    const options = isRecord(value) ? value : typeof value === "string" ? { version: value } : {};
    const path = ["features", key];
    return { key, options, line: dc.lineOf(path), path };
  }
  return undefined;
}

export interface DevcontainerUser {
  name: string;
  key: "remoteUser" | "containerUser";
  line: number;
}

/** The user the tools run as, when the file names one other than root. */
export function nonRootUser(dc: StructuredFile): DevcontainerUser | undefined {
  for (const key of ["remoteUser", "containerUser"] as const) {
    const v = isRecord(dc.data) ? dc.data[key] : undefined;
    if (typeof v !== "string" || v === "" || /^(root|0)(:.*)?$/.test(v)) continue;
    return { name: v, key, line: dc.lineOf([key]) };
  }
  return undefined;
}

export interface ComposeService {
  file: StructuredFile;
  name: string;
  service: Record<string, unknown>;
}

/** Where the dev container's image comes from: an image, a Dockerfile, or a compose service. */
export interface DevcontainerSource {
  image: string | undefined;
  dockerfile: DockerfileModel | undefined;
  /** Build stage, when one is named. */
  target: string | undefined;
  /** Every definition of the compose service, in merge order. */
  services: ComposeService[];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function devcontainerSource(model: RepoModel, dc: StructuredFile): DevcontainerSource {
  const data = isRecord(dc.data) ? dc.data : {};
  const dir = posix.dirname(dc.path);
  const findDockerfile = (p: string) => {
    const want = posix.normalize(p);
    return model.dockerfiles.find((d) => d.path === want);
  };
  const build = recordAt(data, "build");
  const dockerfile = str(build?.["dockerfile"]) ?? str(data["dockerFile"]);
  if (dockerfile !== undefined) {
    return {
      image: undefined,
      dockerfile: findDockerfile(posix.join(dir, dockerfile)),
      target: str(build?.["target"]),
      services: [],
    };
  }
  const composeFiles = ([] as unknown[]).concat(data["dockerComposeFile"] ?? []).flatMap((f) => {
    const p = str(f);
    return p ? [posix.normalize(posix.join(dir, p))] : [];
  });
  const serviceName = str(data["service"]);
  if (composeFiles.length === 0 || serviceName === undefined) {
    return { image: str(data["image"]), dockerfile: undefined, target: undefined, services: [] };
  }
  // Compose resolves every relative path against the first file's directory.
  const project = posix.dirname(composeFiles[0] as string);
  const services: ComposeService[] = [];
  let image: string | undefined;
  let built: { dockerfile: DockerfileModel | undefined; target: string | undefined } | undefined;
  for (const path of composeFiles) {
    const file = model.composes.find((c) => c.path === path);
    const service = recordAt(recordAt(file?.data, "services"), serviceName);
    if (!file || !service) continue;
    services.push({ file, name: serviceName, service });
    image = str(service["image"]) ?? image;
    const b = service["build"];
    if (typeof b === "string" || isRecord(b)) {
      const context = typeof b === "string" ? b : (str(b["context"]) ?? ".");
      const name = (isRecord(b) ? str(b["dockerfile"]) : undefined) ?? "Dockerfile";
      built = {
        dockerfile: findDockerfile(posix.join(project, context, name)),
        target: isRecord(b) ? str(b["target"]) : undefined,
      };
    }
  }
  return {
    image: built ? undefined : image,
    dockerfile: built?.dockerfile,
    target: built?.target,
    services,
  };
}
