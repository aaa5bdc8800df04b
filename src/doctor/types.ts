import type { Spec } from "../spec/schema.js";
import type { ResolvedTool } from "../spec/tools.js";
import type { EnvLayers } from "./env-layers.js";

export type Status = "pass" | "warn" | "fail";

/** One line of the audit, as printed and as `--json` emits it. */
export interface Check {
  id: string;
  status: Status;
  title: string;
  detail: string;
  fix?: string;
}

/** What `--fix` may do about a check: nothing outside go env and go install. */
export type FixAction =
  | { kind: "env-write"; name: string; value: string }
  | { kind: "env-unset"; name: string }
  | { kind: "install"; tool: string; package: string; version: string };

/** A check plus the action `--fix` would take; the action never reaches the output. */
export interface Finding extends Check {
  action?: FixAction;
}

/** What the machine is audited against: gopave.yaml, or go.mod alone. */
export interface Target {
  kind: "spec" | "go.mod";
  spec: Spec | undefined;
  /** The spec's exact Go release. */
  goExact: string | undefined;
  goPolicy: "local" | "auto" | "path" | undefined;
  /** The repo's `go` line as a release ("1.25" -> "1.25.0") and the file it is in. */
  goLine: { release: string; file: string } | undefined;
  /** The repo's `toolchain` line ("go1.26.8"), if any and not "default". */
  toolchainLine: string | undefined;
  /** NAME -> value the spec prescribes (moduleEnv); empty without a spec. */
  settings: Map<string, string>;
  tools: ResolvedTool[];
}

/** `go env -json` output: a flat string map. */
export type GoEnvJson = Record<string, string>;

/** Facts about the machine gathered once, before the probes run. */
export interface Machine {
  /** The go binary first on PATH. */
  goBinary: string | undefined;
  /** `go env -json` with GOTOOLCHAIN=local; undefined when go is missing or failed. */
  goEnv: GoEnvJson | undefined;
  goProblem: string | undefined;
  layers: EnvLayers;
}

export interface DoctorContext {
  root: string;
  /** The user's environment, unchanged (source attribution needs the real one). */
  env: NodeJS.ProcessEnv;
  /** Deadline of each network request (proxies, checksum database). */
  timeoutMs: number;
  /**
   * Deadline of each local command (go env, go version -m, git, docker): a separate one, so a
   * short network deadline never cuts off a command that is only slow to start on a busy machine.
   */
  commandTimeoutMs: number;
  target: Target;
  machine: Machine;
}

export type Probe = (ctx: DoctorContext) => Promise<Finding[]>;
