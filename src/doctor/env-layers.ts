import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A go env configuration file: the user's (`go env GOENV`) or `$GOROOT/go.env`. */
export interface EnvFile {
  path: string;
  values: Map<string, string>;
}

/**
 * The three places a go setting can come from, highest precedence first: the process
 * environment, the user's go env file, `$GOROOT/go.env`; else the go command's built-in default.
 */
export interface EnvLayers {
  process: NodeJS.ProcessEnv;
  userFile: EnvFile | undefined;
  gorootFile: EnvFile | undefined;
}

export type SourceKind = "environment" | "env-file" | "go.env" | "default";

export interface SettingSource {
  kind: SourceKind;
  /** The file, for env-file and go.env. */
  path?: string;
}

/**
 * Parses NAME=VALUE lines as cmd/go/internal/cfg does: a line must start with an upper-case
 * letter and contain "="; anything else (comments, blanks) is skipped; the last one wins.
 */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const eq = line.indexOf("=");
    if (eq < 0 || !/^[A-Z]/.test(line)) continue;
    values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

function readEnvFile(path: string): EnvFile | undefined {
  try {
    return { path, values: parseEnvFile(readFileSync(path, "utf8")) };
  } catch {
    return undefined;
  }
}

/** Reads the layers; `goenv` is `go env GOENV` ("off" or "" means no user file). */
export function readEnvLayers(
  env: NodeJS.ProcessEnv,
  goenv: string | undefined,
  goroot: string | undefined,
): EnvLayers {
  return {
    process: env,
    userFile:
      goenv && goenv !== "off"
        ? (readEnvFile(goenv) ?? { path: goenv, values: new Map() })
        : undefined,
    gorootFile: goroot ? readEnvFile(join(goroot, "go.env")) : undefined,
  };
}

/** Where the go command takes NAME from. An empty value counts as unset, as in cfg.EnvOrAndChanged. */
export function settingSource(name: string, layers: EnvLayers): SettingSource {
  if (layers.process[name]) return { kind: "environment" };
  if (layers.userFile?.values.get(name)) return { kind: "env-file", path: layers.userFile.path };
  if (layers.gorootFile?.values.get(name)) return { kind: "go.env", path: layers.gorootFile.path };
  return { kind: "default" };
}

/** The value NAME resolves to through the layers, or undefined for the built-in default. */
export function layeredValue(name: string, layers: EnvLayers): string | undefined {
  return (
    layers.process[name] ||
    layers.userFile?.values.get(name) ||
    layers.gorootFile?.values.get(name) ||
    undefined
  );
}

/**
 * GOTOOLCHAIN as the user's go command sees it. gopave runs go with GOTOOLCHAIN=local to learn
 * the installed release, so `go env` cannot tell; without any setting the go command assumes
 * "local" (go.dev/doc/toolchain).
 */
export function effectiveGotoolchain(layers: EnvLayers): string {
  return layeredValue("GOTOOLCHAIN", layers) ?? "local";
}

/** "the process environment", "the go env file /home/u/.config/go/env", ... for a detail line. */
export function describeSource(s: SettingSource, name: string): string {
  switch (s.kind) {
    case "environment":
      return "the process environment";
    case "env-file":
      return `the go env file ${s.path ?? "(go env GOENV)"}`;
    case "go.env":
      return "$GOROOT/go.env";
    default:
      return name === "GONOPROXY" || name === "GONOSUMDB"
        ? "the default (follows GOPRIVATE)"
        : "Go's built-in default";
  }
}
