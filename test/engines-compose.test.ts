import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { composeBinary } from "./helpers/compose-cli.js";

/**
 * Proof with the real Compose CLI (built by .ci/run from its module source; no daemon needed):
 * every compose file `gopave init` writes, alone, with the dev container's file merged in, and
 * with the debug profile, passes `docker compose config` — on the example and on fixtures of
 * other shapes. `config` does not check that a `condition: service_healthy` dependency has a
 * healthcheck (that fails only at `up`), so the test reads the resolved model for it.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A copy of a repo after `gopave init`, with no .env: compose files must work without one. */
function initialised(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-compose-"));
  made.push(dir);
  cpSync(src, dir, { recursive: true });
  execFileSync(process.execPath, [BIN, "init", "--yes", "--offline"], { cwd: dir, stdio: "pipe" });
  return dir;
}

interface ResolvedService {
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
}

function config(dir: string, args: string[]): Record<string, ResolvedService> {
  const out = execFileSync(composeBinary(), [...args, "config", "--format", "json"], {
    cwd: dir,
    encoding: "utf8",
    // Only what the repo's .env sets: nothing from this machine's environment leaks in.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
  });
  return (JSON.parse(out) as { services: Record<string, ResolvedService> }).services;
}

/** Every `condition: service_healthy` dependency names a service with a healthcheck. */
function healthyTargets(services: Record<string, ResolvedService>): string[] {
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(services)) {
    for (const [dep, cfg] of Object.entries(svc.depends_on ?? {})) {
      if (cfg.condition !== "service_healthy") continue;
      const hc = services[dep]?.healthcheck;
      if (!hc || hc.disable === true || hc.test === undefined) {
        problems.push(`${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
    }
  }
  return problems;
}

const REPOS: [string, string][] = [
  ["examples/orders", join(ROOT, "examples", "orders")],
  ["mysql-redis", join(ROOT, "test", "fixtures", "mysql-redis")],
  ["replace-local", join(ROOT, "test", "fixtures", "shapes", "replace-local")],
  ["cgo", join(ROOT, "test", "fixtures", "shapes", "cgo")],
];

describe("the generated compose files, through the real Compose CLI", () => {
  it.each(REPOS)(
    "%s: compose.yaml, with the debug profile and with the dev container's file",
    (_, src) => {
      const dir = initialised(src);
      expect(existsSync(join(dir, "compose.yaml"))).toBe(true);
      const plain = config(dir, ["-f", "compose.yaml"]);
      expect(Object.keys(plain).length).toBeGreaterThan(0);
      expect(healthyTargets(plain)).toEqual([]);
      const debug = config(dir, ["-f", "compose.yaml", "--profile", "debug"]);
      expect(healthyTargets(debug)).toEqual([]);
      if (existsSync(join(dir, ".devcontainer", "compose.yaml"))) {
        const dev = config(dir, ["-f", "compose.yaml", "-f", ".devcontainer/compose.yaml"]);
        expect(healthyTargets(dev)).toEqual([]);
      }
    },
  );

  it("fails on a compose file the CLI rejects, so the proof can fail", () => {
    const dir = initialised(join(ROOT, "examples", "orders"));
    expect(() => config(dir, ["-f", "compose.yaml", "-f", "gopave.yaml"])).toThrow();
  });
});
