import { inspectMachine } from "./machine.js";
import { credentialsProbe } from "./probes/credentials.js";
import { diskProbe } from "./probes/disk.js";
import { dockerProbe } from "./probes/docker.js";
import { goProbe } from "./probes/go.js";
import { moduleSettingsProbe } from "./probes/module-settings.js";
import { proxiesProbe } from "./probes/proxies.js";
import { sumdbProbe } from "./probes/sumdb.js";
import { toolsProbe } from "./probes/tools.js";
import type { Check, DoctorContext, Finding, Probe, Status, Target } from "./types.js";

/** In output order; they run concurrently. */
const PROBES: Probe[] = [
  goProbe,
  moduleSettingsProbe,
  proxiesProbe,
  sumdbProbe,
  toolsProbe,
  credentialsProbe,
  dockerProbe,
  diskProbe,
];

export const DEFAULT_TIMEOUT_MS = 5_000;

/** GOPAVE_DOCTOR_TIMEOUT_MS overrides the per-request deadline (local commands keep theirs). */
export function timeoutFrom(env: NodeJS.ProcessEnv, explicit?: number): number {
  if (explicit !== undefined) return explicit;
  const n = Number(env.GOPAVE_DOCTOR_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

export interface AuditInput {
  root: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Default: DEFAULT_TIMEOUT_MS, or the request deadline when that is longer. */
  commandTimeoutMs?: number;
  target: Target;
}

/** Runs every probe in parallel; a probe that throws becomes a failed check, not a crash. */
export async function audit(input: AuditInput): Promise<Finding[]> {
  const commandTimeoutMs = input.commandTimeoutMs ?? Math.max(DEFAULT_TIMEOUT_MS, input.timeoutMs);
  const machine = await inspectMachine(input.root, input.env, commandTimeoutMs);
  const ctx: DoctorContext = { ...input, commandTimeoutMs, machine };
  const results = await Promise.all(
    PROBES.map((probe) =>
      probe(ctx).catch((err: unknown): Finding[] => [
        {
          id: `probe.${probe.name || "unknown"}`,
          status: "fail",
          title: "internal error",
          detail: `a probe crashed: ${(err as Error).message}`,
          fix: "report this as a gopave bug",
        },
      ]),
    ),
  );
  return results.flat();
}

export type Summary = Record<Status, number>;

export function summarize(checks: readonly Check[]): Summary {
  const s: Summary = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}
