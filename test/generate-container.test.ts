import { describe, expect, it } from "vitest";
import { generateCompose } from "../src/generate/compose.js";
import { generateDevcontainerDockerfile } from "../src/generate/devcontainer-dockerfile.js";
import { generateDockerfile } from "../src/generate/dockerfile.js";
import { generateDockerignore } from "../src/generate/dockerignore.js";
import { generateEnvExample } from "../src/generate/env-example.js";
import { renderFile } from "../src/generate/render.js";
import type { GenerateContext } from "../src/generate/types.js";
import { CONTAINER_CASES } from "./generate-container-helpers.js";
import { expectGolden } from "./helpers/golden.js";
import { makeContext, makeSpec } from "./helpers/spec.js";

const GENERATORS = [
  generateDockerfile,
  generateDevcontainerDockerfile,
  generateDockerignore,
  generateCompose,
  generateEnvExample,
];

function render(ctx: GenerateContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of GENERATORS) {
    for (const f of g(ctx)) {
      const r = renderFile(f, undefined);
      if (r) out.set(r.path, r.content);
    }
  }
  return out;
}

describe("container generators: golden files", () => {
  for (const [name, ctx] of Object.entries(CONTAINER_CASES)) {
    it(`${name}`, () => {
      const files = render(ctx());
      for (const [path, content] of files) expectGolden(`container/${name}/${path}`, content);
      // Same input, same bytes: sync's drift check depends on it.
      expect(render(ctx())).toEqual(files);
    });
  }

  it("writes only .dockerignore for a library without services", () => {
    const files = render(makeContext(makeSpec()));
    expect([...files.keys()].sort()).toEqual([".devcontainer/Dockerfile", ".dockerignore"]);
  });

  it("writes compose.yaml and .env.example for services without apps", () => {
    const files = render(makeContext(makeSpec({ services: { redis: {} } })));
    expect([...files.keys()].sort()).toEqual([
      ".devcontainer/Dockerfile",
      ".dockerignore",
      ".env.example",
      "compose.yaml",
    ]);
  });
});
