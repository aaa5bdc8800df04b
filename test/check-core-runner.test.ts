import { describe, expect, it } from "vitest";
import { modelFromFiles } from "../src/check/model/index.js";
import { runChecks } from "../src/check/runner.js";
import type { Rule, RuleFinding } from "../src/check/types.js";

const doc = { why: "w", fix: "f", example: { file: "x", bad: "b", good: "g" } };
const noProxy = async () => undefined;

function rule(id: string, findings: RuleFinding[], severity: Rule["severity"] = "warning"): Rule {
  return { id, severity, title: id, doc, check: () => findings };
}

const SPEC = "version: 1\nname: x\ngo:\n  version: 1.26.8\n";

describe("runChecks", () => {
  it("adds rule id and severity, keeps a rule's own severity, sorts by file, line, rule", async () => {
    const model = modelFromFiles({});
    const findings = await runChecks(model, {
      rules: [
        rule("ZZ001", [
          { file: "b", line: 2, message: "m1" },
          { file: "a", line: 9, message: "m2", severity: "note" },
        ]),
        rule("AA001", [{ file: "b", line: 2, message: "m3" }], "error"),
        {
          ...rule("MM001", []),
          check: async () => [
            { file: "a", line: 1, message: "m4", related: [{ file: "c", line: 3 }] },
          ],
        },
      ],
      isPublicModule: noProxy,
    });
    expect(findings).toEqual([
      {
        rule: "MM001",
        severity: "warning",
        file: "a",
        line: 1,
        message: "m4",
        related: [{ file: "c", line: 3 }],
      },
      { rule: "ZZ001", severity: "note", file: "a", line: 9, message: "m2" },
      { rule: "AA001", severity: "error", file: "b", line: 2, message: "m3" },
      { rule: "ZZ001", severity: "warning", file: "b", line: 2, message: "m1" },
    ]);
  });

  it("drops rules disabled in gopave.yaml and by option", async () => {
    const model = modelFromFiles({
      "gopave.yaml": `${SPEC}check:\n  disable: [AA001]\n`,
    });
    const findings = await runChecks(model, {
      rules: [
        rule("AA001", [{ file: "x", line: 1, message: "a" }]),
        rule("BB001", [{ file: "x", line: 1, message: "b" }]),
        rule("CC001", [{ file: "x", line: 1, message: "c" }]),
      ],
      disabled: ["CC001"],
      isPublicModule: noProxy,
    });
    expect(findings.map((f) => f.rule)).toEqual(["BB001"]);
  });

  it("honours inline ignores: # and //, same line or a comment line above, lists of ids", async () => {
    const model = modelFromFiles({
      "compose.yaml": [
        "services:", // 1
        "  a:", // 2
        "    # gopave:ignore CP001", // 3
        "    image: postgres", // 4 ignored for CP001 (comment above)
        "    ports: ['5432:5432']  # gopave:ignore CP002, CP003", // 5 ignored for CP002, CP003
        "    environment: {}", // 6 not covered: the comment above follows code
      ].join("\n"),
      ".devcontainer/devcontainer.json": [
        "{", // 1
        "  // gopave:ignore DC001", // 2
        '  "image": "x",', // 3 ignored
        '  "name": "n" // gopave:ignore dc002', // 4 ignored (ids are case-insensitive)
        "}", // 5
      ].join("\n"),
    });
    const at = (file: string, line: number, message = "m") => ({ file, line, message });
    const findings = await runChecks(model, {
      rules: [
        rule("CP001", [at("compose.yaml", 4), at("compose.yaml", 5)]),
        rule("CP002", [at("compose.yaml", 5), at("compose.yaml", 6)]),
        rule("CP003", [at("compose.yaml", 5)]),
        rule("CP004", [at("compose.yaml", 4)]),
        rule("DC001", [at(".devcontainer/devcontainer.json", 3)]),
        rule("DC002", [at(".devcontainer/devcontainer.json", 4)]),
      ],
      isPublicModule: noProxy,
    });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      "compose.yaml:4 CP004",
      "compose.yaml:5 CP001",
      "compose.yaml:6 CP002",
    ]);
  });

  it("reads inline ignores of files the model did not parse through readFile", async () => {
    const model = modelFromFiles({ ".env.example": "# gopave:ignore GP001\nX=1\n" });
    const findings = await runChecks(model, {
      rules: [rule("GP001", [{ file: ".env.example", line: 2, message: "drift" }])],
      isPublicModule: noProxy,
    });
    expect(findings).toEqual([]);
  });

  it("passes isPublicModule to rules", async () => {
    const model = modelFromFiles({});
    const findings = await runChecks(model, {
      rules: [
        {
          ...rule("PM001", []),
          check: async (ctx) => [
            {
              file: "go.mod",
              line: 1,
              message: String(await ctx.isPublicModule("a.b/c", "v1.0.0")),
            },
          ],
        },
      ],
      isPublicModule: async (path) => path === "a.b/c",
    });
    expect(findings[0]?.message).toBe("true");
  });

  it("turns a rule's exception into one PA002 finding and runs every other rule", async () => {
    const model = modelFromFiles({ "go.mod": "module x\n\ngo 1.26.8\n" });
    const broken: Rule = {
      ...rule("BR001", []),
      check: () => {
        throw new TypeError("boom");
      },
    };
    const findings = await runChecks(model, {
      rules: [broken, rule("OK001", [{ file: "go.mod", line: 3, message: "fine" }])],
      isPublicModule: noProxy,
    });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.severity}`)).toEqual([
      "go.mod:1 PA002 error",
      "go.mod:3 OK001 warning",
    ]);
    expect(findings[0]?.message).toMatch(
      /^gopave rule BR001 failed on go\.mod: TypeError: boom \(check-core-runner\.test\.ts:\d+\) — a bug in gopave, please report it$/,
    );
  });

  it("is deterministic", async () => {
    const model = modelFromFiles({});
    const rules = [
      rule("AA001", [
        { file: "f", line: 1, message: "b" },
        { file: "f", line: 1, message: "a" },
      ]),
    ];
    const a = await runChecks(model, { rules, isPublicModule: noProxy });
    const b = await runChecks(model, { rules: [...rules].reverse(), isPublicModule: noProxy });
    expect(a).toEqual(b);
    expect(a.map((f) => f.message)).toEqual(["a", "b"]);
  });
});
