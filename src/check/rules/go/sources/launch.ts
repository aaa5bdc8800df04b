import type { RepoModel, StructuredFile } from "../../../types.js";
import { isRecord } from "./values.js";

export interface RemoteAttach {
  file: StructuredFile;
  index: number;
  config: Record<string, unknown>;
  name: string;
  line: number;
}

/** launch.json configurations that attach to a headless Delve (`request: attach`, `mode: remote`). */
export function remoteAttaches(model: RepoModel): RemoteAttach[] {
  const out: RemoteAttach[] = [];
  for (const file of model.launches) {
    const configs = isRecord(file.data) ? file.data["configurations"] : undefined;
    if (!Array.isArray(configs)) continue;
    configs.forEach((config: unknown, index) => {
      if (!isRecord(config) || config["type"] !== "go") return;
      if (config["request"] !== "attach" || config["mode"] !== "remote") return;
      const name =
        typeof config["name"] === "string" ? config["name"] : `configuration ${index + 1}`;
      out.push({ file, index, config, name, line: file.lineOf(["configurations", index]) });
    });
  }
  return out;
}
