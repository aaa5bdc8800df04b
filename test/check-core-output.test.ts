import { describe, expect, it } from "vitest";
import { colors } from "../src/cli/io.js";
import { formatJson } from "../src/check/output/json.js";
import { formatSarif } from "../src/check/output/sarif.js";
import { formatText } from "../src/check/output/text.js";
import { CORE_RULES } from "../src/check/rules/core/index.js";
import type { Finding } from "../src/check/types.js";

const FINDINGS: Finding[] = [
  {
    rule: "GV001",
    severity: "error",
    file: "Dockerfile",
    line: 3,
    message: "Go 1.25.0 here, 1.26.8 in go.mod",
    related: [
      { file: "go.mod", line: 5, message: "toolchain go1.26.8" },
      { file: ".go-version", line: 1 },
    ],
  },
  { rule: "DF002", severity: "warning", file: "Dockerfile", line: 7, message: "no cache mount" },
  { rule: "PA001", severity: "note", file: "dir with space/compose.yaml", line: 1, message: "n" },
];

const plain = colors({ cwd: "/", env: {}, stdout: () => {}, stderr: () => {}, isTTY: false });
const tty = colors({ cwd: "/", env: {}, stdout: () => {}, stderr: () => {}, isTTY: true });

describe("text output", () => {
  it("groups by file, one `path:line  ID  severity  message` line each, related indented", () => {
    expect(formatText(FINDINGS, plain)).toBe(
      [
        "Dockerfile",
        "Dockerfile:3  GV001  error  Go 1.25.0 here, 1.26.8 in go.mod",
        "    go.mod:5  toolchain go1.26.8",
        "    .go-version:1",
        "Dockerfile:7  DF002  warning  no cache mount",
        "",
        "dir with space/compose.yaml",
        "dir with space/compose.yaml:1  PA001  note  n",
        "",
        "gopave check: 1 error, 1 warning, 1 note",
        "",
      ].join("\n"),
    );
  });

  it("says so when clean", () => {
    expect(formatText([], plain)).toBe("gopave check: no problems found\n");
  });

  it("colours the severity only on a terminal", () => {
    expect(formatText(FINDINGS, plain)).not.toContain("\u001b[");
    const coloured = formatText(FINDINGS, tty);
    expect(coloured).toContain("\u001b[33mwarning\u001b[0m");
    expect(coloured).toContain("\u001b[31merror\u001b[0m");
  });
});

describe("json output", () => {
  it("is exactly {findings:[{rule,severity,file,line,message,related?}]}", () => {
    const parsed = JSON.parse(formatJson(FINDINGS)) as { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(["findings"]);
    expect(parsed.findings.map((f) => Object.keys(f))).toEqual([
      ["rule", "severity", "file", "line", "message", "related"],
      ["rule", "severity", "file", "line", "message"],
      ["rule", "severity", "file", "line", "message"],
    ]);
    expect(parsed.findings[0]).toEqual(FINDINGS[0]);
    expect(JSON.parse(formatJson([]))).toEqual({ findings: [] });
  });
});

describe("sarif output", () => {
  type Json = Record<string, unknown>;
  const log = JSON.parse(formatSarif(FINDINGS, CORE_RULES, "1.2.3")) as Json;
  const run = (log.runs as Json[])[0] as Json;
  const driver = (run.tool as Json).driver as Json;
  const rules = driver.rules as Json[];
  const results = run.results as Json[];

  it("has the SARIF 2.1.0 envelope GitHub code scanning requires", () => {
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    expect(driver.name).toBe("gopave");
    expect(driver.version).toBe("1.2.3");
    expect(typeof driver.informationUri).toBe("string");
    expect(() => new URL(driver.informationUri as string)).not.toThrow();
  });

  it("describes every rule", () => {
    expect(rules.map((r) => r.id)).toEqual(CORE_RULES.map((r) => r.id));
    for (const r of rules) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect((r.shortDescription as Json).text).toEqual(expect.any(String));
      expect((r.fullDescription as Json).text).toEqual(expect.any(String));
      expect((r.help as Json).text).toEqual(expect.any(String));
      expect((r.help as Json).markdown).toMatch(/```/);
      expect(["error", "warning", "note"]).toContain((r.defaultConfiguration as Json).level);
    }
  });

  it("has one result per finding with level, message and a %SRCROOT%-relative location", () => {
    expect(results).toHaveLength(FINDINGS.length);
    const [first, , third] = results as [Json, Json, Json];
    expect(first.ruleId).toBe("GV001");
    expect(first.level).toBe("error");
    expect(first.message).toEqual({ text: FINDINGS[0]?.message });
    expect(first.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "Dockerfile", uriBaseId: "%SRCROOT%" },
          region: { startLine: 3 },
        },
      },
    ]);
    expect(first.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: "go.mod", uriBaseId: "%SRCROOT%" },
          region: { startLine: 5 },
        },
        message: { text: "toolchain go1.26.8" },
      },
      {
        id: 2,
        physicalLocation: {
          artifactLocation: { uri: ".go-version", uriBaseId: "%SRCROOT%" },
          region: { startLine: 1 },
        },
      },
    ]);
    expect(third.level).toBe("note");
    const loc = (third.locations as Json[])[0]?.physicalLocation as Json;
    expect((loc.artifactLocation as Json).uri).toBe("dir%20with%20space/compose.yaml");
  });

  it("points each result at its rule by ruleIndex", () => {
    const pa = results[2] as Json;
    expect(pa.ruleIndex).toBe(CORE_RULES.findIndex((r) => r.id === "PA001"));
    expect(rules[pa.ruleIndex as number]?.id).toBe("PA001");
    // A rule not in the list (here GV001) gets no index rather than a wrong one.
    expect((results[0] as Json).ruleIndex).toBeUndefined();
  });
});
