import { Run } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import { generateTiltfile } from "../src/generate/tiltfile.js";
import type { GenerateContext, GeneratedFile, RepoFacts } from "../src/generate/types.js";
import { commandAfterFlags, parseStages, stageByName } from "./generate-container-helpers.js";
import { expectGolden } from "./helpers/golden.js";
import { exampleSpec, makeContext, makeSpec, SINGLE_MODULE_REPO } from "./helpers/spec.js";

function text(files: GeneratedFile[], path: string): string | undefined {
  const f = files.find((x) => x.path === path);
  if (f === undefined) return undefined;
  if (f.format !== "text") throw new Error(`${path} is not a text file`);
  return f.text;
}

const tiltfile = (ctx: GenerateContext) => text(generateTiltfile(ctx), "Tiltfile");
const dockerfile = (ctx: GenerateContext) => text(generateDockerfile(ctx), "Dockerfile") ?? "";

/** The string arguments of every call of `fn` (first positional argument). */
function calls(tilt: string, fn: string): string[] {
  return [...tilt.matchAll(new RegExp(`^${fn}\\(\\s*"([^"]+)"`, "gm"))].map((m) => m[1] ?? "");
}

describe("Tiltfile", () => {
  const ctx = makeContext(exampleSpec());
  const tilt = tiltfile(ctx) ?? "";

  it("for apps with backing services, by default", () => {
    expectGolden("tilt/example/Tiltfile", tilt);
  });

  it("builds each app from a live target the Dockerfile has, and rebuilds it with the same command", () => {
    const parsed = parseStages(dockerfile(ctx));
    const df = dockerfile(ctx);
    for (const app of ["api", "worker"]) {
      const stage = stageByName(parsed, `${app}-live`);
      const run = stage.instructions.find((i): i is Run => i instanceof Run);
      if (!run) throw new Error(`${app}-live has no RUN`);
      const command = commandAfterFlags(df, run);
      expect(tilt).toContain(`target="${app}-live"`);
      expect(tilt).toContain(`run(${JSON.stringify(command)})`);
    }
    // The default `docker build` target is still the first app's runtime image.
    expect(parsed.stages.at(-1)?.name).toBe("api");
  });

  it("orders apps after the services compose makes them wait for, and keeps debug services manual", () => {
    expect(calls(tilt, "dc_resource")).toEqual([
      "postgres",
      "redis",
      "api",
      "worker",
      "api-debug",
      "worker-debug",
    ]);
    expect(tilt).toContain(
      'dc_resource("api", image="orders-api", resource_deps=["postgres", "redis"]',
    );
    expect(tilt).toContain('profiles=["debug"]');
    expect(calls(tilt, "local_resource")).toEqual(["go-test", "lint"]);
  });

  it("leaves optional services out: compose does not start them", () => {
    const t =
      tiltfile(
        makeContext(exampleSpec({ services: { postgres: {}, redis: { optional: true } } })),
      ) ?? "";
    expect(calls(t, "dc_resource")).not.toContain("redis");
    expect(t).toContain('resource_deps=["postgres"]');
  });

  it("rebuilds a cgo app with cgo on, from the native source stage", () => {
    const c = makeContext(
      exampleSpec({
        apps: [{ name: "api", main: "./cmd/api", port: 8080, cgo: true }],
      }),
    );
    expect(dockerfile(c)).toContain("FROM src-cgo AS api-live");
    expect(tiltfile(c)).toContain('run("CGO_ENABLED=1 go build');
  });

  it("none without backing services or when the spec says none; local resources only when asked with nothing to run", () => {
    const appsOnly = makeContext(
      makeSpec({ apps: [{ name: "api", main: "./cmd/api", port: 8080 }] }),
    );
    expect(tiltfile(appsOnly)).toBeUndefined();
    expect(dockerfile(appsOnly)).not.toContain("-live");
    const none = makeContext(exampleSpec({ dev: { loop: "none" } }));
    expect(tiltfile(none)).toBeUndefined();
    expect(dockerfile(none)).not.toContain("-live");
    const library = tiltfile(makeContext(makeSpec({ dev: { loop: "tilt" } }))) ?? "";
    expect(calls(library, "docker_compose")).toEqual([]);
    expect(calls(library, "local_resource")).toEqual(["go-test", "lint"]);
  });

  it("over a kept compose file: compose's own builds, its own names", () => {
    const kept = makeContext(exampleSpec({ keep: { compose: "deploy/docker-compose.yml" } }));
    const t = tiltfile(kept) ?? "";
    expect(t).toContain('docker_compose(\n    "deploy/docker-compose.yml",\n)');
    expect(calls(t, "docker_build")).toEqual([]);
    expect(calls(t, "dc_resource")).toEqual([]);
    expect(dockerfile(kept)).not.toContain("-live");
    // No live_update to promise, and no generated .dockerignore to point at.
    expect(t).not.toContain("synced into");
    expect(t).not.toContain(".dockerignore");
  });

  it("beside a kept Dockerfile: the generated compose file's builds, resources still ordered", () => {
    const kept = makeContext(
      exampleSpec({
        apps: [
          { name: "api", main: "./cmd/api", port: 8080, dockerfile: "build/api.Dockerfile" },
          // No Dockerfile of the repo's builds it: no compose service, so no resource.
          { name: "worker", main: "./cmd/worker" },
        ],
        keep: { dockerfile: "build/api.Dockerfile" },
      }),
    );
    const t = tiltfile(kept) ?? "";
    expect(calls(t, "docker_build")).toEqual([]);
    expect(calls(t, "dc_resource")).toEqual(["postgres", "redis", "api"]);
  });

  it("with modules outside the repo (named build contexts): compose's builds", () => {
    const repo: RepoFacts = {
      ...SINGLE_MODULE_REPO,
      replacements: [
        { dir: "../shared", inRepo: false, hasGoMod: false, replaces: "example.com/shared" },
      ],
    };
    const outside = makeContext(exampleSpec(), repo);
    expect(calls(tiltfile(outside) ?? "", "docker_build")).toEqual([]);
    expect(dockerfile(outside)).not.toContain("-live");
  });
});
