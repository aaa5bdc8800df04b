import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Detection, MainPackage } from "../detect/index.js";
import type { SpecInput } from "./schema.js";
import { draftServices } from "./draft-services.js";
import { DEFAULT_TOOLS, defaultToolPin } from "./tools.js";
import type { SpecComments } from "./spec-yaml.js";

export interface SpecDraft {
  spec: SpecInput;
  comments: SpecComments;
  /** Things the user should know about the draft (missing pins, guesses). */
  notes: string[];
}

const SOURCE_TEXT: Record<Detection["goVersionSource"], string> = {
  toolchain: "from go.mod's toolchain line",
  local: "the local go, which satisfies go.mod's go line",
  "go-line": "go.mod's go line (no toolchain line, and no newer local go)",
};

/** Turns what init detected into a spec a person can read and adjust. */
export function draftSpec(d: Detection): SpecDraft {
  const notes: string[] = [];
  const comments: SpecComments = { "go.version": SOURCE_TEXT[d.goVersionSource] };
  const tools: Record<string, string> = {};
  for (const name of DEFAULT_TOOLS) {
    const pin = defaultToolPin(name, d.goVersion);
    if (pin.note) notes.push(pin.note);
    if (pin.version) tools[name] = pin.version;
  }
  comments.tools = `pinned for Go ${d.goVersion} (gopave's compatibility table); never @latest`;

  const tooling = d.mainPackages.filter((m) => isDevTooling(m.dir));
  if (tooling.length > 0) {
    notes.push(
      `left out main packages that look like dev tooling (${tooling.map((m) => m.dir).join(", ")}); ` +
        "add them under apps: to build images for them",
    );
  }
  const mains = d.mainPackages.filter((m) => !isDevTooling(m.dir));
  const apps = nameApps(mains, d.name).map(({ name, pkg }) => ({
    name,
    main: pkg.dir,
    ...guessHttp(join(d.root, pkg.dir)),
  }));
  let nextPort = 8080;
  for (const app of apps) {
    if (app.port === undefined) continue;
    if (apps.some((o) => o !== app && o.port === app.port)) app.port = nextPort;
    nextPort = Math.max(nextPort, app.port) + 1;
  }
  if (apps.length === 0)
    comments.apps = "no main package found: a library (no app image or service)";

  const { services, comments: serviceComments, notes: serviceNotes } = draftServices(d);
  Object.assign(comments, serviceComments);
  notes.push(...serviceNotes);
  if (d.privateGlobs.length > 0) {
    const why = d.privateEvidence.map(
      (e) =>
        `${e.module} (${e.reason === "proxy-not-found" ? "not on the public proxy" : "private-looking host"})`,
    );
    comments["modules.private"] = `detected: ${why.join(", ")}`;
  }

  const spec: SpecInput = {
    version: 1,
    name: d.name,
    go: { version: d.goVersion, toolchain: "local" },
    modules: { private: d.privateGlobs, flags: [] },
    tools,
    apps,
    image: { runtime: "distroless", platforms: ["linux/amd64", "linux/arm64"] },
    services,
    editor: { kind: "vscode", debugPort: 2345 },
    ci: { provider: "github", branches: ["main"] },
    lint: { linters: ["gosec", "revive", "staticcheck"], formatters: ["gofumpt"] },
  };
  return { spec, comments, notes: [...notes, ...d.notes] };
}

/** Directories whose main packages are generators, examples or tests rather than deployables. */
const TOOLING_DIRS = new Set([
  "scripts",
  "script",
  "hack",
  "tools",
  "tool",
  "internal/tools",
  "examples",
  "example",
  "_examples",
  "test",
  "tests",
  "e2e",
  "integration",
  "testutil",
  "testing",
  "playground",
  "fuzz",
  "bench",
  "benchmark",
  "benchmarks",
  "docs",
  "doc",
  "gen",
  "generate",
  "codegen",
  "demo",
  "demos",
]);

function isDevTooling(dir: string): boolean {
  const parts = dir.split("/").filter((p) => p !== "." && p !== "");
  return parts.some(
    (p, i) => TOOLING_DIRS.has(p) || TOOLING_DIRS.has(parts.slice(i, i + 2).join("/")),
  );
}

/** App names from main package dirs: the last element, or the last two when that collides. */
function nameApps(mains: MainPackage[], project: string): { name: string; pkg: MainPackage }[] {
  const base = (dir: string, n: number) => {
    const parts = dir.split("/").filter((p) => p !== "." && p !== "" && p !== "cmd");
    return sanitize(parts.slice(-n).join("-")) || project;
  };
  const names = mains.map((m) => base(m.dir, 1));
  return mains.map((pkg, i) => {
    const name = names[i] as string;
    return { name: names.indexOf(name) !== names.lastIndexOf(name) ? base(pkg.dir, 2) : name, pkg };
  });
}

function sanitize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
}

/**
 * A guess at an HTTP main's port and health path from its sources: a ":NNNN" literal or a
 * PORT default, and a /healthz-like route. Good enough for a draft the user reviews.
 */
function guessHttp(dir: string): { port?: number; health?: string } {
  let src = "";
  try {
    for (const f of readdirSync(dir)) {
      if (f.endsWith(".go") && !f.endsWith("_test.go")) src += readFileSync(join(dir, f), "utf8");
    }
  } catch {
    return {};
  }
  // Only servers get a port: plenty of mains import net/http to fetch something.
  if (
    !src.includes('"net/http"') ||
    !/ListenAndServe|\.Serve\(|\bhttp\.Server\{|net\.Listen\(/.test(src)
  ) {
    return {};
  }
  const literal = /"(?:[0-9.]*|localhost)?:(\d{2,5})"/.exec(src)?.[1];
  const envDefault = /port[^\n]{0,60}?"(\d{4,5})"/i.exec(src)?.[1];
  const port = Number(literal ?? envDefault ?? 8080);
  const health = /"(?:GET )?(\/(?:healthz|health|livez|readyz|ping))"/.exec(src)?.[1];
  return { port, ...(health ? { health } : {}) };
}
