import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel, modelFromFiles } from "../src/check/model/index.js";
import { CORE_RULES } from "../src/check/rules/core/index.js";
import { runChecks } from "../src/check/runner.js";
import type { RepoModel } from "../src/check/types.js";
import { copyRepo, gopave, REPO_ROOT } from "./helpers/cli.js";

const run = (model: RepoModel, ids?: string[]) =>
  runChecks(model, {
    rules: ids ? CORE_RULES.filter((r) => ids.includes(r.id)) : CORE_RULES,
    isPublicModule: async () => undefined,
  });
const brief = (fs: { rule: string; file: string; line: number }[]) =>
  fs.map((f) => `${f.file}:${f.line} ${f.rule}`);

describe("core rule docs", () => {
  it.each(CORE_RULES.map((r) => [r.id, r]))("%s is documented", (_id, r) => {
    expect(r.id).toMatch(/^[A-Z]{2}\d{3}$/);
    expect(r.title.length).toBeGreaterThan(5);
    expect(r.doc.why.length).toBeGreaterThan(40);
    expect(r.doc.fix.length).toBeGreaterThan(20);
    expect(r.doc.example.bad).not.toBe(r.doc.example.good);
  });
});

describe("PA001 malformed file", () => {
  it("reports every unparsable file at its line and checks the rest", async () => {
    const model = await buildModel(join(REPO_ROOT, "test/fixtures/check/core-malformed"));
    const findings = await run(model, ["PA001"]);
    expect(brief(findings)).toEqual([
      ".devcontainer/devcontainer.json:5 PA001",
      ".github/workflows/ci.yml:3 PA001",
      ".vscode/launch.json:3 PA001",
      "compose.yaml:6 PA001",
      "go.mod:6 PA001",
    ]);
    expect(findings[0]?.message).toBe("invalid JSON: expected a comma between items");
    expect(findings.find((f) => f.file === "go.mod")?.message).toMatch(/require/);
    expect(model.gomods.map((g) => g.dir)).toEqual(["svc"]);
    expect(model.dockerfiles).toHaveLength(1);
  });

  it("is silent on well-formed files", async () => {
    const model = modelFromFiles({ "compose.yaml": "services: {}\n", "go.mod": "module x.y/z\n" });
    expect(await run(model, ["PA001"])).toEqual([]);
  });
});

describe("GP002 invalid gopave.yaml", () => {
  it("reports each spec problem at its line, with the hint", async () => {
    const model = modelFromFiles({
      "gopave.yaml":
        "version: 1\nname: x\ngo:\n  version: 1.26.8\nmodules:\n  proxi: https://p.example\ntools:\n  gopls: latest\n",
    });
    const findings = await run(model, ["GP002"]);
    expect(brief(findings)).toEqual(["gopave.yaml:6 GP002", "gopave.yaml:8 GP002"]);
    expect(findings[0]?.message).toMatch(/unknown key "proxi".*did you mean "proxy"/);
  });

  it("reports YAML syntax errors of the spec", async () => {
    const model = modelFromFiles({ "gopave.yaml": "version: 1\nname: [x\n" });
    const findings = await run(model, ["GP002", "PA001"]);
    expect(findings.map((f) => f.rule)).toEqual(["GP002"]);
    expect(findings[0]?.message).toMatch(/invalid YAML/);
  });

  it("is silent on a valid spec and without one", async () => {
    expect(await run(modelFromFiles({}), ["GP002"])).toEqual([]);
    const ok = modelFromFiles({ "gopave.yaml": "version: 1\nname: x\ngo:\n  version: 1.26.8\n" });
    expect(await run(ok, ["GP002"])).toEqual([]);
  });
});

describe("GP001 drift", () => {
  it("is silent right after init, and reports each drifted file after edits", async () => {
    const dir = copyRepo("example", "orders");
    expect((await gopave(dir, ["init", "--yes"])).code).toBe(0);
    expect(await run(await buildModel(dir), ["GP001"])).toEqual([]);

    const dockerfile = readFileSync(join(dir, "Dockerfile"), "utf8").split("\n");
    const fromLine = dockerfile.findIndex((l) => l.startsWith("FROM ")) + 1;
    dockerfile[fromLine - 1] = (dockerfile[fromLine - 1] as string).replace(
      /golang:[^ ]+/,
      "golang:1.22.0",
    );
    writeFileSync(join(dir, "Dockerfile"), dockerfile.join("\n"));
    rmSync(join(dir, ".vscode", "tasks.json"));
    appendFileSync(join(dir, "gopave.yaml"), "");
    const findings = await run(await buildModel(dir), ["GP001"]);
    expect(brief(findings)).toEqual([`Dockerfile:${fromLine} GP001`, "gopave.yaml:1 GP001"]);
    expect(findings[0]?.message).toMatch(/edited by hand.*gopave sync/);
    expect(findings[1]?.message).toMatch(/\.vscode\/tasks\.json .*missing.*gopave sync/);
    // The same comparison as `gopave sync --check`.
    expect((await gopave(dir, ["sync", "--check"])).code).toBe(1);
  });

  it("works on an in-memory model", async () => {
    const model = modelFromFiles({
      "go.mod": "module example.com/x\n\ngo 1.26.0\n",
      "gopave.yaml": "version: 1\nname: x\ngo:\n  version: 1.26.8\n",
    });
    const findings = await run(model, ["GP001"]);
    expect(findings.length).toBeGreaterThan(3);
    expect(findings.every((f) => f.file === "gopave.yaml" && /missing/.test(f.message))).toBe(true);
  });

  it("reports a spec that cannot be rendered at the override's line", async () => {
    const model = modelFromFiles({
      "go.mod": "module example.com/x\n\ngo 1.26.0\n",
      "gopave.yaml":
        "version: 1\nname: x\ngo:\n  version: 1.26.8\noverrides:\n  .golangci.yaml:\n    generate: false\n",
    });
    const findings = await run(model, ["GP001"]);
    expect(brief(findings)).toEqual(["gopave.yaml:6 GP001"]);
    expect(findings[0]?.message).toMatch(
      /does not generate ".golangci.yaml".*did you mean ".golangci.yml"/,
    );
  });

  it("is silent without a spec, with an invalid one, or without go.mod", async () => {
    expect(await run(modelFromFiles({ "go.mod": "module x.y/z\n" }), ["GP001"])).toEqual([]);
    const bad = modelFromFiles({ "go.mod": "module x.y/z\n", "gopave.yaml": "version: 2\n" });
    expect(await run(bad, ["GP001"])).toEqual([]);
    const noMod = modelFromFiles({
      "gopave.yaml": "version: 1\nname: x\ngo:\n  version: 1.26.8\n",
    });
    expect(await run(noMod, ["GP001"])).toEqual([]);
  });
});

describe("DC005 devcontainer schema", () => {
  const dc = (text: string) => modelFromFiles({ ".devcontainer/devcontainer.json": text });

  it("accepts valid image, Dockerfile and compose configurations (JSONC)", async () => {
    for (const text of [
      '{\n  // c\n  "image": "mcr.microsoft.com/devcontainers/go:1",\n  "forwardPorts": [8080,],\n}\n',
      '{ "build": { "dockerfile": "Dockerfile", "args": { "GO": "1.26.8" } }, "remoteUser": "vscode" }',
      '{ "dockerComposeFile": ["compose.yaml"], "service": "dev", "workspaceFolder": "/w", "runServices": ["db"] }',
      '{ "image": "x", "features": { "ghcr.io/devcontainers/features/go:1": { "version": "1.26.8" } },' +
        ' "customizations": { "vscode": { "extensions": ["golang.go"], "settings": { "go.useLanguageServer": true } } } }',
    ]) {
      expect(await run(dc(text), ["DC005"]), text).toEqual([]);
    }
  });

  it("reports a wrong type at the key's line", async () => {
    const findings = await run(
      dc('{\n  "image": "x",\n  "forwardPorts": "8080",\n  "postCreateCommand": 5\n}\n'),
      ["DC005"],
    );
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [3, "does not match the dev container schema: forwardPorts: must be array"],
      [
        4,
        "does not match the dev container schema: postCreateCommand: must be string,array,object",
      ],
    ]);
  });

  it("reports an unknown property with a did-you-mean, and only that", async () => {
    const findings = await run(dc('{\n  "image": "x",\n  "forwardPort": [8080]\n}\n'), ["DC005"]);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [
        3,
        'does not match the dev container schema: forwardPort: unknown property "forwardPort" (did you mean "forwardPorts"?)',
      ],
    ]);
  });

  it("reports nested problems inside a value, not the union's other branch", async () => {
    const findings = await run(
      dc(
        '{\n  "image": "x",\n  "mounts": [\n    { "source": "a", "target": "/b", "type": "volume", "extra": 1 }\n  ]\n}\n',
      ),
      ["DC005"],
    );
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [4, 'does not match the dev container schema: mounts[0].extra: unknown property "extra"'],
    ]);
  });

  it("reports missing compose keys and conflicting shapes once", async () => {
    const compose = await run(dc('{\n  "dockerComposeFile": "compose.yaml"\n}\n'), ["DC005"]);
    expect(compose.map((f) => f.message)).toEqual([
      'does not match the dev container schema: missing required property "service"',
      'does not match the dev container schema: missing required property "workspaceFolder"',
    ]);
    const both = await run(dc('{\n  "image": "x",\n  "build": { "dockerfile": "D" }\n}\n'), [
      "DC005",
    ]);
    expect(both.map((f) => [f.line, f.message])).toEqual([
      [
        3,
        "does not match the dev container schema: sets image and build: use exactly one of image, build (or dockerFile), dockerComposeFile",
      ],
    ]);
    const none = await run(dc('{ "name": "x" }'), ["DC005"]);
    expect(none).toHaveLength(1);
    expect(none[0]?.message).toMatch(/needs one of image/);
  });

  it("checks every devcontainer location", async () => {
    const model = modelFromFiles({
      ".devcontainer.json": '{ "image": 1 }',
      ".devcontainer/go/devcontainer.json": '{ "image": "x", "appPort": true }',
    });
    expect(brief(await run(model, ["DC005"]))).toEqual([
      ".devcontainer.json:1 DC005",
      ".devcontainer/go/devcontainer.json:1 DC005",
    ]);
  });
});
