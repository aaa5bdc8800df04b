import { specSchema } from "../../src/spec/schema.js";
import type { Spec, SpecInput } from "../../src/spec/schema.js";
import type { GenerateContext, RepoFacts } from "../../src/generate/types.js";
import { resolveTools } from "../../src/spec/tools.js";

/** A full spec from a partial input, with defaults, as gopave.yaml would load. */
export function makeSpec(input: Partial<SpecInput> = {}): Spec {
  return specSchema.parse({
    version: 1,
    name: "orders",
    go: { version: "1.26.8" },
    ...input,
  });
}

export const SINGLE_MODULE_REPO: RepoFacts = {
  modules: [
    {
      dir: ".",
      path: "example.com/orders",
      goLine: "1.25.0",
      toolchain: "go1.26.8",
      hasGoSum: true,
    },
  ],
  workspace: undefined,
};

/**
 * A go.work repo: the root module (whose go line and toolchain vary by test), a library with a
 * go.sum, and a tool module without one.
 */
export function workspaceRepo(root: { goLine: string; toolchain: string | undefined }): RepoFacts {
  return {
    modules: [
      { dir: ".", path: "example.com/orders", ...root, hasGoSum: true },
      {
        dir: "libs/platform",
        path: "example.com/orders/platform",
        goLine: "1.25.0",
        toolchain: undefined,
        hasGoSum: true,
      },
      {
        dir: "tools/migrate",
        path: "example.com/migrate",
        goLine: "1.25.0",
        toolchain: undefined,
        hasGoSum: false,
      },
    ],
    workspace: { hasSum: true },
  };
}

export function makeContext(spec: Spec, repo: RepoFacts = SINGLE_MODULE_REPO): GenerateContext {
  return { spec, repo, tools: resolveTools(spec), gopaveVersion: "0.1.0" };
}

/** The example-like spec: two apps, postgres and redis. */
export function exampleSpec(overrides: Partial<SpecInput> = {}): Spec {
  return makeSpec({
    apps: [
      { name: "api", main: "./cmd/api", port: 8080, health: "/healthz" },
      { name: "worker", main: "./cmd/worker" },
    ],
    services: { postgres: {}, redis: {} },
    modules: { private: ["git.internal.example.com"], flags: ["-mod=readonly"] },
    ...overrides,
  });
}

/** wasm programs: one for both targets, one for browsers only (as test/fixtures/wasm-calc). */
export const WASM_PROGRAMS: NonNullable<SpecInput["wasm"]> = [
  { name: "calc", main: "./cmd/calc", targets: ["js", "wasip1"] },
  {
    name: "calc-web",
    main: "./cmd/calc-web",
    targets: ["js"],
    test: ["./calc/...", "./cmd/calc-web"],
  },
];
