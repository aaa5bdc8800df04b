import { packageArgs } from "../../check/rules/docker/util/run-script.js";
import type { GoCall } from "../../check/rules/docker/util/run-script.js";
import { keptLdflags } from "./ldflags.js";

export interface GoBuildCall {
  targets: string[];
  tags: string[];
  ldflags: string | undefined;
  cgo: boolean | undefined;
  /** `go -C dir build`: the directory the package arguments are relative to. */
  chdir: string | undefined;
}

/** The value of a flag given as `-f v`, `-f=v`, `--f v` or `--f=v`; the last one wins. */
function flagValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = (args[i] as string).replace(/^--/, "-");
    if (a === "--") break;
    if (a === name) value = args[++i];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
}

/** Build tags as `go build -tags` takes them: comma-separated (space-separated is the old form). */
export function splitTags(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter((t) => /^[A-Za-z0-9_.]+$/.test(t));
}

/** What a `go build` / `go install` (of local packages) call builds and with which flags. */
export function goBuildCall(call: GoCall): GoBuildCall | undefined {
  if (call.sub !== "build" && call.sub !== "install") return undefined;
  // A C library or a plugin is loaded by another program; it is not an app of its own.
  const mode = flagValue(call.args, "-buildmode");
  if (mode !== undefined && !["default", "exe", "pie"].includes(mode)) return undefined;
  // A package argument still holding `$(...)` names nothing gopave can resolve.
  const targets = packageArgs(call.args).filter(
    (a) => !a.includes("@") && !a.endsWith(".go") && !a.includes("$"),
  );
  const files = packageArgs(call.args).filter((a) => a.endsWith(".go"));
  // `go build main.go` builds the file's directory's package (as far as apps are concerned).
  for (const f of files) targets.push(f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : ".");
  if (targets.length === 0 && call.sub === "build") targets.push(".");
  if (targets.length === 0) return undefined;
  const cgoEnv = call.env.get("CGO_ENABLED");
  return {
    targets: [...new Set(targets)],
    tags: splitTags(flagValue(call.args, "-tags")),
    ldflags: keptLdflags(flagValue(call.args, "-ldflags")),
    cgo: cgoEnv === "1" ? true : cgoEnv === "0" ? false : undefined,
    chdir: undefined,
  };
}
