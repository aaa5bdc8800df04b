import { parse as parseJsonc } from "jsonc-parser";
import { hasMarker } from "../generate/marker.js";
import type { RepoFacts } from "../generate/types.js";
import { parseEnvFile } from "./env-file.js";
import { parseKeptCompose } from "./kept-compose.js";

/**
 * The RepoFacts fields read from files the repo keeps: the compose file the spec keeps, and a
 * hand-written .env.example (gopave's own, with its marker, is not the repo's). Fields are left
 * out when absent, so facts of repos without them compare as before. `read` returns a
 * repo-relative file's text, or undefined; sync reads the disk, `check` its model.
 */
export function keptFileFacts(
  read: (path: string) => string | undefined,
  keep: { compose?: string | undefined; devcontainer?: string | undefined } = {},
): Pick<RepoFacts, "keptCompose" | "envExample" | "keptDevcontainerWorkspace"> {
  const composeText = keep.compose === undefined ? undefined : read(keep.compose);
  const keptCompose =
    keep.compose === undefined || composeText === undefined
      ? undefined
      : parseKeptCompose(keep.compose, composeText);
  const envText = read(".env.example");
  const envExample =
    envText === undefined || hasMarker(envText) ? undefined : parseEnvFile(envText);
  const devcontainerText = keep.devcontainer === undefined ? undefined : read(keep.devcontainer);
  const workspace =
    devcontainerText === undefined ? undefined : devcontainerWorkspace(devcontainerText);
  return {
    ...(keptCompose ? { keptCompose } : {}),
    ...(envExample ? { envExample } : {}),
    ...(workspace !== undefined ? { keptDevcontainerWorkspace: workspace } : {}),
  };
}

/** A devcontainer.json's own workspaceFolder, when it sets one as a string. */
function devcontainerWorkspace(text: string): string | undefined {
  const data: unknown = parseJsonc(text, [], { allowTrailingComma: true });
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const folder = (data as Record<string, unknown>)["workspaceFolder"];
  return typeof folder === "string" && folder.startsWith("/") ? folder : undefined;
}
