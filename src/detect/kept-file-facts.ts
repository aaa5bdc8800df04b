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
  keep: { compose?: string | undefined } = {},
): Pick<RepoFacts, "keptCompose" | "envExample"> {
  const composeText = keep.compose === undefined ? undefined : read(keep.compose);
  const keptCompose =
    keep.compose === undefined || composeText === undefined
      ? undefined
      : parseKeptCompose(keep.compose, composeText);
  const envText = read(".env.example");
  const envExample =
    envText === undefined || hasMarker(envText) ? undefined : parseEnvFile(envText);
  return { ...(keptCompose ? { keptCompose } : {}), ...(envExample ? { envExample } : {}) };
}
