import { DockerfileParser } from "dockerfile-ast";
import { afterEach, describe, expect, it, vi } from "vitest";
import { locateFailure } from "../src/check/failure/locate.js";
import { modelFromFiles } from "../src/check/model/index.js";
import { formatJson } from "../src/check/output/json.js";
import { formatSarif } from "../src/check/output/sarif.js";
import { RULES } from "../src/check/rules/index.js";
import { runChecks } from "../src/check/runner.js";
import type { RepoModel, Rule, RuleContext, RuleFinding } from "../src/check/types.js";

/** A rule that fails (or misbehaves) on purpose, to see what the runner makes of it. */
const doc = { why: "w", fix: "f", example: { file: "x", bad: "b", good: "g" } };
function failing(id: string, check: (ctx: RuleContext) => unknown): Rule {
  return { id, severity: "warning", title: id, doc, check: check as Rule["check"] };
}
const noProxy = async () => undefined;
const run = (model: RepoModel, rules: Rule[], disabled?: string[]) =>
  runChecks(model, { rules, isPublicModule: noProxy, ...(disabled ? { disabled } : {}) });

const FILES = {
  "go.mod": "module example.com/x\n\ngo 1.26.8\n",
  Dockerfile: [
    "FROM golang:1.26.8 AS build", // 1
    "WORKDIR /src", // 2
    "ADD https://example.com/a.tgz /a", // 3
    "RUN go build ./...", // 4
  ].join("\n"),
  "compose.yaml": [
    "services:", // 1
    "  db:", // 2
    "    image: postgres:17", // 3
    "    ports:", // 4
    "      - 5432", // 5
    "      - target: 80", // 6
  ].join("\n"),
};

describe("a rule that throws (PA002)", () => {
  it("is placed on the Dockerfile instruction the rule was reading", async () => {
    const rule = failing("BR001", ({ model }) => {
      for (const f of model.dockerfiles) {
        for (const ins of f.ast.getInstructions()) {
          // The bug issue 9 found: a Copy-only method called on an ADD.
          if (ins.getKeyword() === "ADD") (ins as unknown as { getFromFlag(): void }).getFromFlag();
        }
      }
      return [];
    });
    const [f] = await run(modelFromFiles(FILES), [rule]);
    expect(f).toMatchObject({ rule: "PA002", severity: "error", file: "Dockerfile", line: 3 });
    expect(f?.message).toMatch(/^gopave rule BR001 failed on Dockerfile: TypeError: .*getFromFlag/);
  });

  it("is placed on the YAML value the rule was reading", async () => {
    const rule = failing("BR002", ({ model }) => {
      for (const c of model.composes) {
        const svc = (c.data as { services: { db: { ports: unknown[] } } }).services.db;
        // A rule that assumed the long port syntax everywhere.
        for (const p of svc.ports) (p as { target: { toFixed(): void } }).target.toFixed();
      }
      return [];
    });
    const [f] = await run(modelFromFiles(FILES), [rule]);
    expect(f).toMatchObject({ rule: "PA002", file: "compose.yaml", line: 5 });
  });

  it("is placed on a file read through readFile, and survives an async rule", async () => {
    const rule = failing("BR003", async ({ model }) => {
      await Promise.resolve();
      const text = model.readFile?.("notes.txt");
      return JSON.parse(text ?? "") as RuleFinding[];
    });
    const [f] = await run(modelFromFiles({ ...FILES, "notes.txt": "not json" }), [rule]);
    expect(f).toMatchObject({ rule: "PA002", file: "notes.txt", line: 1 });
    expect(f?.message).toContain("SyntaxError");
  });

  it("falls back to the root go.mod when the failure touches no file", async () => {
    const rule = failing("BR004", () => {
      throw "a string"; // not even an Error
    });
    const [f] = await run(modelFromFiles(FILES), [rule]);
    expect(f).toMatchObject({ rule: "PA002", file: "go.mod", line: 1 });
    expect(f?.message).toBe(
      "gopave rule BR004 failed on go.mod: thrown a string — a bug in gopave, please report it",
    );
  });

  it("falls back to the first file read when there is no go.mod", async () => {
    const rule = failing("BR005", () => {
      throw Object.create(null) as unknown; // String() of it throws too
    });
    const [f] = await run(modelFromFiles({ "compose.yaml": FILES["compose.yaml"] }), [rule]);
    expect(f).toMatchObject({ rule: "PA002", file: "compose.yaml", line: 1 });
    expect(f?.message).toContain("thrown object");
  });

  it("reports findings a rule returns malformed (no file, no message, not a list)", async () => {
    const model = modelFromFiles(FILES);
    const rules = [
      failing("BR006", () => [{ file: "go.mod", line: 1 }]),
      failing("BR007", () => undefined),
      failing("BR008", () => [{ file: "go.mod", line: 1, message: "m", related: [{ line: 2 }] }]),
    ];
    const findings = await run(model, rules);
    expect(findings.map((f) => `${f.rule} ${f.message.split(":")[0]}`)).toEqual([
      "PA002 gopave rule BR006 failed on go.mod",
      "PA002 gopave rule BR007 failed on go.mod",
      "PA002 gopave rule BR008 failed on go.mod",
    ]);
  });

  it("keeps a finding's line 1-based and its severity one of the three", async () => {
    const rule = failing("BR009", () => [
      { file: "go.mod", line: 0, message: "a", severity: "fatal" },
      { file: "go.mod", line: Number.NaN, message: "b", related: [{ file: "x", line: -3 }] },
    ]);
    const findings = await run(modelFromFiles(FILES), [rule]);
    expect(findings.map((f) => [f.line, f.severity, f.related?.[0]?.line])).toEqual([
      [1, "warning", undefined],
      [1, "warning", 1],
    ]);
  });

  it("is dropped with the failing rule's own findings when PA002 is disabled", async () => {
    const rule = failing("BR010", () => {
      throw new Error("x");
    });
    expect(await run(modelFromFiles(FILES), [rule], ["PA002"])).toEqual([]);
  });

  it("keeps the JSON and SARIF outputs well-formed", async () => {
    const rule = failing("BR011", () => {
      throw new RangeError('line\nbreaks\tand "quotes"');
    });
    const findings = await run(modelFromFiles(FILES), [rule]);
    const json = JSON.parse(formatJson(findings)) as { findings: { message: string }[] };
    expect(json.findings[0]?.message).toContain('RangeError: line breaks and "quotes"');
    const sarif = JSON.parse(formatSarif(findings, RULES, "0.0.0")) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleIndex: number }[] }[];
    };
    const [r] = sarif.runs;
    expect(r?.tool.driver.rules[r.results[0]?.ruleIndex ?? -1]?.id).toBe("PA002");
  });
});

describe("locateFailure", () => {
  it("says nothing when the rule does not throw again", async () => {
    expect(await locateFailure(modelFromFiles(FILES), () => [])).toBeUndefined();
  });

  it("keeps Map receivers and identities working through its proxies", async () => {
    const model = modelFromFiles(FILES);
    const spot = await locateFailure(model, (m) => {
      const f = m.dockerfiles[0];
      const seen = new Map([[f, f?.ast.getInstructions()]]);
      if (seen.get(m.dockerfiles[0]) !== seen.get(f)) return [];
      const ins = f?.ast.getInstructions()[3];
      // getInstructions() twice gives the same (proxied) objects, and their methods still run.
      if (ins !== f?.ast.getInstructions()[3] || ins?.getKeyword() !== "RUN") return [];
      throw new Error("reached");
    });
    expect(spot).toEqual({ file: "Dockerfile", line: 4 });
  });
});

describe("a reader that throws (PA001)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reports that file as malformed and still reads the others", async () => {
    vi.spyOn(DockerfileParser, "parse").mockImplementation(() => {
      throw new Error("parser bug");
    });
    const model = modelFromFiles(FILES);
    expect(model.dockerfiles).toEqual([]);
    expect(model.composes.map((c) => c.path)).toEqual(["compose.yaml"]);
    expect(model.malformed).toEqual([
      {
        path: "Dockerfile",
        line: 1,
        message:
          "gopave could not read this file (Error: parser bug) — a bug in gopave, please report it",
      },
    ]);
    const findings = await run(model, RULES);
    expect(findings.find((f) => f.rule === "PA001")?.file).toBe("Dockerfile");
    expect(findings.some((f) => f.rule === "PA002")).toBe(false);
  });
});
