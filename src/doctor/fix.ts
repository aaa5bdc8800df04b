import { parse } from "node:path";
import { goEnv, runGo } from "../detect/go-command.js";
import type { Colors } from "../cli/io.js";
import { envWriteCommand } from "./probes/module-settings.js";
import { withProgress } from "./progress.js";
import { redactSecrets } from "./redact.js";
import type { FixAction, Finding } from "./types.js";

export interface FixResult {
  id: string;
  /** The command as shown (credentials redacted). */
  command: string;
  ok: boolean;
  detail: string;
}

export interface FixOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  colors: Colors;
  write: (text: string) => void;
}

/** go install builds from source, sometimes a large module graph: generous, but bounded. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const ENV_TIMEOUT_MS = 30_000;

function commandOf(a: FixAction): string {
  if (a.kind === "env-write") return envWriteCommand(a.name, a.value);
  if (a.kind === "env-unset") return `go env -u ${a.name}`;
  return `go install ${a.package}@${a.version}`;
}

/**
 * Applies the fixes the audit found: go env -w / -u for module settings (GOTOOLCHAIN last, so a
 * toolchain it selects is fetched through the new GOPROXY), then go install for tools. Checks
 * with no action are reported as not changed, with the reason (e.g. a shell export wins).
 */
export async function applyFixes(
  findings: readonly Finding[],
  opts: FixOptions,
): Promise<FixResult[]> {
  const c = opts.colors;
  const withAction = findings.filter(
    (f): f is Finding & { action: FixAction } => f.action !== undefined,
  );
  const envFixes = withAction
    .filter((f) => f.action.kind !== "install")
    .sort((a, b) => Number(isToolchain(a.action)) - Number(isToolchain(b.action)));
  const installs = withAction.filter((f) => f.action.kind === "install");
  const results: FixResult[] = [];

  const manual = findings.filter(
    (f) => f.status !== "pass" && !f.action && f.id.startsWith("env."),
  );
  for (const f of manual) {
    opts.write(`  ${c.yellow("not changed")} ${f.title}: ${redactSecrets(f.fix ?? f.detail)}\n`);
  }
  for (const f of envFixes) {
    const action = f.action;
    if (action.kind === "install") continue;
    const command = commandOf(action);
    const args =
      action.kind === "env-write"
        ? ["env", "-w", `${action.name}=${action.value}`]
        : ["env", "-u", action.name];
    // GOTOOLCHAIN=local: writing the file must not first switch to (or download) a toolchain.
    const r = await runGo(args, {
      cwd: opts.root,
      env: goEnv(opts.env),
      timeoutMs: ENV_TIMEOUT_MS,
    });
    const detail = r.ok ? "done" : redactSecrets(r.reason);
    opts.write(`  ${r.ok ? c.green("✓") : c.red("✗")} ${command}${r.ok ? "" : `: ${detail}`}\n`);
    results.push({ id: f.id, command, ok: r.ok, detail });
  }
  for (const f of installs) {
    if (f.action.kind !== "install") continue;
    const action = f.action;
    const command = commandOf(action);
    const r = await withProgress(
      `${action.tool} ${action.version}: ${command}`,
      opts.write,
      opts.isTTY,
      // The user's own settings (GOTOOLCHAIN, GOPROXY, GOFLAGS) apply, as when they run it; from
      // the file system root so no go.mod around the repo changes what gets built.
      () =>
        runGo(["install", `${action.package}@${action.version}`], {
          cwd: parse(opts.root).root,
          env: opts.env,
          timeoutMs: INSTALL_TIMEOUT_MS,
        }),
      (res) => ({ ok: res.ok, text: res.ok ? "installed" : redactSecrets(res.reason) }),
    );
    results.push({
      id: f.id,
      command,
      ok: r.ok,
      detail: r.ok ? "installed" : redactSecrets(r.reason),
    });
  }
  return results;
}

function isToolchain(a: FixAction): boolean {
  return a.kind !== "install" && a.name === "GOTOOLCHAIN";
}

export interface Change {
  id: string;
  title: string;
  before: string;
  after: string;
}

/** Checks whose status differs between two audits, in the new audit's order. */
export function changes(before: readonly Finding[], after: readonly Finding[]): Change[] {
  const old = new Map(before.map((f) => [f.id, f]));
  const out: Change[] = [];
  for (const f of after) {
    const prev = old.get(f.id);
    if (!prev || prev.status !== f.status) {
      out.push({
        id: f.id,
        title: redactSecrets(f.title),
        before: prev?.status ?? "absent",
        after: f.status,
      });
    }
  }
  return out;
}
