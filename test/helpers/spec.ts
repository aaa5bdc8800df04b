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
