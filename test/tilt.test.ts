import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Run } from "dockerfile-ast";
import { parse as parseJsonc } from "jsonc-parser";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { commandAfterFlags, parseStages, stageByName } from "./generate-container-helpers.js";
import { copyRepo, gopave } from "./helpers/cli.js";
import { tiltBinary } from "./helpers/tilt-cli.js";

/**
 * Proof with the real Tilt (built by .ci/run from its module source): `tilt alpha
 * tiltfile-result` evaluates each generated Tiltfile — loading the compose file with compose's
 * own loader — and prints the resources Tilt would run as JSON. The assertions are on that JSON:
 * the resources and their labels, dependencies and trigger modes, which image each app is built
 * from (the Dockerfile's live target, attached to its compose service) and the live_update steps.
 */

// Tilt's model.TriggerMode values in its JSON.
const TRIGGER_AUTO = 0;
const TRIGGER_MANUAL = 2;
// tiltfile-result's exit code for a Tiltfile that does not evaluate.
const TILTFILE_ERROR = 5;

interface ImageTarget {
  selector: string;
  BuildDetails: { target?: string; context?: string };
  LiveUpdateSpec?: {
    stopPaths?: string[];
    syncs?: { localPath: string; containerPath: string }[];
    execs?: { args: string[] }[];
    restart?: string;
  };
  FileWatchIgnores?: { basePath: string; patterns?: string[] }[];
}

interface Manifest {
  Name: string;
  ImageTargets: ImageTarget[] | null;
  DeployTarget: {
    Spec?: { service: string; project: { configPaths: string[]; name: string } };
    UpdateCmdSpec?: { args: string[] };
    FileWatchIgnores?: { patterns?: string[] }[];
  };
  TriggerMode: number;
  ResourceDependencies: string[] | null;
  Labels: Record<string, string> | null;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fixture copy after `gopave init` (then `edit` of its spec and a sync, if given). */
async function initialised(
  from: "example" | "fixture",
  name: string,
  edit?: (spec: string) => string,
): Promise<string> {
  const dir = copyRepo(from, name);
  dirs.push(dir);
  const init = await gopave(dir, ["init", "--yes", "--offline"]);
  expect(init.code, init.stderr).toBe(0);
  if (edit) {
    const file = join(dir, "gopave.yaml");
    writeFileSync(file, edit(readFileSync(file, "utf8")));
    const sync = await gopave(dir, ["sync"]);
    expect(sync.code, sync.stderr).toBe(0);
  }
  return dir;
}

function tiltfileResult(dir: string): { code: number | null; manifests: Manifest[]; err: string } {
  const r = spawnSync(tiltBinary(), ["alpha", "tiltfile-result", "-f", "Tiltfile"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) return { code: r.status, manifests: [], err: r.stderr };
  const json = JSON.parse(r.stdout) as { Manifests: Manifest[] };
  return { code: 0, manifests: json.Manifests, err: r.stderr };
}

function byName(manifests: Manifest[], name: string): Manifest {
  const m = manifests.find((x) => x.Name === name);
  if (!m) throw new Error(`no resource ${name}: ${manifests.map((x) => x.Name).join(", ")}`);
  return m;
}

const labels = (m: Manifest) => Object.keys(m.Labels ?? {});
const dockerignore = (dir: string) =>
  readFileSync(join(dir, ".dockerignore"), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));

interface Compose {
  services: Record<string, { profiles?: string[]; depends_on?: Record<string, unknown> }>;
}

/** The live target's RUN command in the generated Dockerfile. */
function liveBuild(dir: string, app: string): { command: string; from: string } {
  const text = readFileSync(join(dir, "Dockerfile"), "utf8");
  const stage = stageByName(parseStages(text), `${app}-live`);
  const run = stage.instructions.find((i): i is Run => i instanceof Run);
  if (!run) throw new Error(`${app}-live has no RUN`);
  return { command: commandAfterFlags(text, run), from: stage.from.getImageName() ?? "" };
}

/** The proof every generated stack passes: compose's services and the apps, as the files say. */
function provesStack(dir: string, manifests: Manifest[]): void {
  const spec = parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as {
    name: string;
    apps: { name: string }[];
  };
  const compose = parseYaml(readFileSync(join(dir, "compose.yaml"), "utf8")) as Compose;
  const apps = new Set(spec.apps.map((a) => a.name));
  const started = Object.entries(compose.services).filter(([, s]) =>
    (s.profiles ?? []).every((p) => p === "debug"),
  );
  expect(
    manifests
      .filter((m) => m.DeployTarget.Spec)
      .map((m) => m.Name)
      .sort(),
  ).toEqual(started.map(([name]) => name).sort());
  for (const [name, svc] of started) {
    const m = byName(manifests, name);
    expect(m.DeployTarget.Spec?.project.name, name).toBe(spec.name);
    // In compose's order: what it waits for to be healthy, Tilt starts first.
    expect([...(m.ResourceDependencies ?? [])].sort(), name).toEqual(
      Object.keys(svc.depends_on ?? {}).sort(),
    );
    if (svc.profiles?.includes("debug")) {
      expect(labels(m), name).toEqual(["debug"]);
      expect(m.TriggerMode, `${name} starts only by hand`).toBe(TRIGGER_MANUAL);
      continue;
    }
    expect(m.TriggerMode, name).toBe(TRIGGER_AUTO);
    if (!apps.has(name)) {
      expect(labels(m), name).toEqual(["services"]);
      expect(m.ImageTargets ?? [], name).toEqual([]);
      continue;
    }
    expect(labels(m), name).toEqual(["apps"]);
    // Tilt's own build of the app, attached to its compose service, with live_update.
    const [image, ...more] = m.ImageTargets ?? [];
    expect(more, name).toEqual([]);
    expect(image?.selector, name).toBe(`${spec.name}-${name}`);
    expect(image?.BuildDetails.target, name).toBe(`${name}-live`);
    const live = image?.LiveUpdateSpec;
    expect(live?.syncs, name).toEqual([{ localPath: ".", containerPath: "/src" }]);
    expect(
      live?.execs?.map((e) => e.args),
      name,
    ).toEqual([["sh", "-c", liveBuild(dir, name).command]]);
    expect(live?.restart, name).toBe("always");
    expect(live?.stopPaths, name).toContain("go.mod");
    const ignored = (image?.FileWatchIgnores ?? []).flatMap((i) => i.patterns ?? []);
    for (const p of dockerignore(dir)) expect(ignored, `${name} ignores ${p}`).toContain(p);
  }
}

/** The checks: the VS Code tasks' test and lint commands, test on change, lint by hand. */
function provesChecks(dir: string, manifests: Manifest[]): void {
  const tasks = (
    parseJsonc(readFileSync(join(dir, ".vscode", "tasks.json"), "utf8")) as {
      tasks: { label: string; command: string }[];
    }
  ).tasks;
  const command = (label: string) => tasks.find((t) => t.label === label)?.command;
  const test = byName(manifests, "go-test");
  expect(test.DeployTarget.UpdateCmdSpec?.args).toEqual(["sh", "-c", command("test")]);
  expect(test.TriggerMode).toBe(TRIGGER_AUTO);
  const lint = byName(manifests, "lint");
  expect(lint.DeployTarget.UpdateCmdSpec?.args).toEqual(["sh", "-c", command("lint")]);
  expect(lint.TriggerMode).toBe(TRIGGER_MANUAL);
  for (const m of [test, lint]) expect(labels(m)).toEqual(["checks"]);
}

describe("generated Tiltfiles, evaluated by the real Tilt", () => {
  it("the example: services, apps built from their live targets with live_update, debug by hand, checks", async () => {
    const dir = await initialised("example", "orders");
    const { code, manifests, err } = tiltfileResult(dir);
    expect(code, err).toBe(0);
    provesStack(dir, manifests);
    provesChecks(dir, manifests);
    expect(byName(manifests, "api").ResourceDependencies).toEqual(["postgres", "redis"]);
    expect(liveBuild(dir, "api").from).toBe("src");
    expect(byName(manifests, "api").ImageTargets?.[0]?.LiveUpdateSpec?.stopPaths).toEqual([
      "go.mod",
      "go.sum",
    ]);
  });

  it("MySQL and Redis, one app", async () => {
    const dir = await initialised("fixture", "mysql-redis");
    const { code, manifests, err } = tiltfileResult(dir);
    expect(code, err).toBe(0);
    provesStack(dir, manifests);
    provesChecks(dir, manifests);
  });

  it("a cgo app (dev.loop: tilt): rebuilt with cgo on the native source stage", async () => {
    const dir = await initialised("fixture", "shapes/cgo", (s) => `${s}dev:\n  loop: tilt\n`);
    const { code, manifests, err } = tiltfileResult(dir);
    expect(code, err).toBe(0);
    provesStack(dir, manifests);
    const cgoApps = (
      parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as {
        apps: { name: string; cgo?: unknown }[];
      }
    ).apps.filter((a) => a.cgo);
    expect(cgoApps.length).toBeGreaterThan(0);
    for (const app of cgoApps) {
      const live = liveBuild(dir, app.name);
      expect(live.from).toBe("src-cgo");
      expect(live.command).toMatch(/^CGO_ENABLED=1 go build /);
    }
  });

  it("a replace => ./dir (dev.loop: tilt): the replacement's go.mod rebuilds the image", async () => {
    const dir = await initialised(
      "fixture",
      "shapes/replace-local",
      (s) => `${s}dev:\n  loop: tilt\n`,
    );
    const { code, manifests, err } = tiltfileResult(dir);
    expect(code, err).toBe(0);
    provesStack(dir, manifests);
    const stops = (manifests.find((m) => m.ImageTargets?.length)?.ImageTargets ?? []).flatMap(
      (i) => i.LiveUpdateSpec?.stopPaths ?? [],
    );
    expect(
      stops.some((p) => /^libs\/[^/]+\/go\.mod$/.test(p)),
      stops.join(", "),
    ).toBe(true);
  });

  it("over a kept compose file: its services as the file names them, built by compose", async () => {
    const dir = await initialised("fixture", "svc-kept-compose");
    const kept = (
      parseYaml(readFileSync(join(dir, "gopave.yaml"), "utf8")) as {
        keep: { compose: string };
      }
    ).keep.compose;
    const compose = parseYaml(readFileSync(join(dir, kept), "utf8")) as Compose;
    const { code, manifests, err } = tiltfileResult(dir);
    expect(code, err).toBe(0);
    const services = Object.entries(compose.services)
      .filter(([, s]) => (s.profiles ?? []).length === 0)
      .map(([n]) => n);
    expect(
      manifests
        .filter((m) => m.DeployTarget.Spec)
        .map((m) => m.Name)
        .sort(),
    ).toEqual(services.sort());
    for (const m of manifests) {
      for (const i of m.ImageTargets ?? []) expect(i.LiveUpdateSpec?.syncs ?? []).toEqual([]);
    }
    provesChecks(dir, manifests);
  });

  it("a library gets no Tiltfile", async () => {
    const dir = await initialised("fixture", "library");
    expect(() => readFileSync(join(dir, "Tiltfile"))).toThrow();
  });

  it("fails a Tiltfile that names a service compose does not have, or a missing compose file", async () => {
    const dir = await initialised("example", "orders");
    const file = join(dir, "Tiltfile");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, `${good}dc_resource("billing", labels=["apps"])\n`);
    const unknown = tiltfileResult(dir);
    expect(unknown.code).toBe(TILTFILE_ERROR);
    expect(unknown.err).toContain("billing");
    writeFileSync(file, good);
    rmSync(join(dir, "compose.yaml"));
    const missing = tiltfileResult(dir);
    expect(missing.code).toBe(TILTFILE_ERROR);
    expect(missing.err).toContain("compose.yaml");
  });
});
