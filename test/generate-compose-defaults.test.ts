import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEnvFile } from "../src/detect/env-file.js";
import { generateCompose } from "../src/generate/compose.js";
import { generateDevcontainer } from "../src/generate/devcontainer.js";
import { generateEnvExample } from "../src/generate/env-example.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext } from "../src/generate/types.js";
import { SERVICE_CATALOG, SERVICE_KINDS } from "../src/spec/services.js";
import { gopave } from "./helpers/cli.js";
import { exampleSpec, makeContext } from "./helpers/spec.js";

/**
 * `docker compose up` works on a fresh clone, before anyone copies .env.example to .env: every
 * variable the generated compose files interpolate has a `${VAR:-value}` default, and that value
 * is the one .env.example holds, so the two cannot disagree and .env only overrides.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
// Keep in step with COMPOSE_VERSION in .ci/run (as test/engines-compose.test.ts does).
const COMPOSE_VERSION = "v2.40.3";

/** A spec with every service kind gopave runs, none optional. */
const EVERY_KIND: GenerateContext = makeContext(
  exampleSpec({ services: Object.fromEntries(SERVICE_KINDS.map((k) => [k, {}])) }),
);

/** Generated files by path, rendered as they are written. */
function rendered(ctx: GenerateContext): Map<string, string> {
  const files = [...generateCompose(ctx), ...generateDevcontainer(ctx), ...generateEnvExample(ctx)];
  return new Map(
    files.map((f) => {
      const r = renderFile(f, undefined);
      if (!r) throw new Error(`${f.path} not rendered`);
      return [f.path, r.content];
    }),
  );
}

/** The `${...}` references in every string of a parsed document (`$${...}` is an escaped `$`). */
function references(data: unknown): string[] {
  if (typeof data === "string") return [...data.matchAll(/(?<!\$)\$\{[^}]*\}/g)].map((m) => m[0]);
  if (Array.isArray(data)) return data.flatMap(references);
  if (data !== null && typeof data === "object") return Object.values(data).flatMap(references);
  return [];
}

const COMPOSE_FILES = ["compose.yaml", ".devcontainer/compose.yaml"];

describe("compose files run without a .env", () => {
  const files = rendered(EVERY_KIND);
  const example = parseEnvFile(files.get(".env.example") ?? "");

  it.each(COMPOSE_FILES)(
    "%s: every reference is ${VAR:-value} with .env.example's value",
    (path) => {
      const refs = references(parse(files.get(path) ?? ""));
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of new Set(refs)) {
        const m = /^\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}$/.exec(ref);
        expect(m, `${path}: ${ref}`).not.toBeNull();
        const [, name, value] = m as unknown as [string, string, string];
        expect(example[name], `${path}: ${name} in .env.example`).toBe(value);
      }
    },
  );

  it("every credential of every service kind has one development value", () => {
    for (const kind of SERVICE_KINDS) {
      const c = SERVICE_CATALOG[kind];
      for (const name of Object.values(c.credentials)) {
        expect(c.envExample, `${kind}: ${name}`).toHaveProperty([name]);
      }
      // Safe as written inside ${VAR:-...} and in a URL's user info, with no escaping.
      for (const value of Object.values(c.envExample)) expect(value).toMatch(/^[\w.-]+$/);
    }
  });

  it(".env.example says compose works without it and that .env overrides", () => {
    const header = (files.get(".env.example") ?? "")
      .split("\n")
      .filter((l) => l.startsWith("#"))
      .join("\n");
    expect(header).toMatch(/without a \.env/);
    expect(header).toMatch(/overrides?/);
    expect(header).not.toMatch(/reads the credentials from \.env/);
  });
});

function composeBinary(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  const bin =
    process.env.GOPAVE_COMPOSE ??
    join(cache, "gopave-ci", `compose-${COMPOSE_VERSION}`, "docker-compose");
  if (!existsSync(bin)) {
    throw new Error(
      `the Compose CLI is missing at ${bin}: run .ci/run, which builds it from the module source, or set GOPAVE_COMPOSE`,
    );
  }
  return bin;
}

type Resolved = { services: Record<string, { environment?: Record<string, string> }> };

/** `docker compose config` as the real CLI resolves it, with only the repo's .env (if any). */
function config(dir: string, files: string[]): Resolved {
  const out = execFileSync(
    composeBinary(),
    [...files.flatMap((f) => ["-f", f]), "config", "--format", "json"],
    {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    },
  );
  return JSON.parse(out) as Resolved;
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "gopave-defaults-"));
  made.push(dir);
  return dir;
}

describe("the real Compose CLI, with no .env and with one", () => {
  it("examples/orders after init: the development values, and .env's where it sets one", () => {
    const dir = scratch();
    cpSync(join(ROOT, "examples", "orders"), dir, { recursive: true });
    execFileSync(process.execPath, [BIN, "init", "--yes", "--offline"], {
      cwd: dir,
      stdio: "pipe",
    });
    expect(existsSync(join(dir, ".env"))).toBe(false);
    const url = (pw: string) => `postgres://app:${pw}@postgres:5432/app?sslmode=disable`;
    for (const files of [["compose.yaml"], ["compose.yaml", ".devcontainer/compose.yaml"]]) {
      const fresh = config(dir, files).services;
      expect(fresh.postgres?.environment).toEqual({
        POSTGRES_USER: "app",
        POSTGRES_PASSWORD: "app-dev-password",
        POSTGRES_DB: "app",
      });
      expect(fresh.api?.environment?.DATABASE_URL).toBe(url("app-dev-password"));
      if (files.length > 1) {
        expect(fresh.dev?.environment?.DATABASE_URL).toBe(url("app-dev-password"));
      }
    }
    writeFileSync(join(dir, ".env"), "POSTGRES_PASSWORD=x\n");
    const overridden = config(dir, ["compose.yaml", ".devcontainer/compose.yaml"]).services;
    expect(overridden.postgres?.environment?.POSTGRES_PASSWORD).toBe("x");
    expect(overridden.api?.environment?.DATABASE_URL).toBe(url("x"));
    expect(overridden.dev?.environment?.DATABASE_URL).toBe(url("x"));
  });

  it("every service kind: the values .env.example holds, with nothing left unset", () => {
    const dir = scratch();
    const files = rendered(EVERY_KIND);
    for (const [path, content] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const example = parseEnvFile(files.get(".env.example") ?? "");
    const resolved = config(dir, COMPOSE_FILES).services;
    for (const kind of SERVICE_KINDS) {
      for (const name of Object.keys(SERVICE_CATALOG[kind].envExample)) {
        expect(resolved[kind]?.environment?.[name], `${kind}: ${name}`).toBe(example[name]);
      }
    }
    for (const app of ["api", "dev"]) {
      for (const [name, value] of Object.entries(resolved[app]?.environment ?? {})) {
        expect(value, `${app}: ${name}`).not.toMatch(/\/\/:@|\$\{|^:@|\(\w+:\d+\)\/\?/);
      }
    }
    expect(resolved.api?.environment?.MYSQL_DSN).toBe(
      "app:app-dev-password@tcp(mysql:3306)/app?parseTime=true",
    );
  });
});

describe("gopave check on the generated files", () => {
  it("does not warn about gopave's own development defaults (CP005)", async () => {
    const dir = scratch();
    cpSync(join(ROOT, "examples", "orders"), dir, { recursive: true });
    expect((await gopave(dir, ["init", "--yes", "--offline"])).code).toBe(0);
    const r = await gopave(dir, ["check", "--format", "json", "--offline"]);
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[] })
      .findings;
    expect(findings.filter((f) => f.rule === "CP005" && f.severity !== "note")).toEqual([]);
    expect(r.code).toBe(0);
  });
});
