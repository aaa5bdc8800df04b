import { goMinor, parseGoVersion } from "../../../gomod/go-version.js";
import type { Rule, RuleFinding } from "../../types.js";
import { belowGoLineEffect } from "./sources/below-go-line.js";
import { versionPrecision } from "./sources/go-image.js";
import { requiredGo } from "./sources/go-lines.js";
import { setupGoSteps, toolchainMode } from "./sources/setup-go.js";
import { isRecord, scalarString } from "./sources/values.js";

/** Minor of a version as [major, minor], for ordering. */
function minorOf(v: string): [number, number] | undefined {
  const p = parseGoVersion(v);
  return p ? [p.major, p.minor] : undefined;
}
const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

export const CI005: Rule = {
  id: "CI005",
  severity: "warning",
  title: "workflow Go matrix misses go.mod's Go or goes below it",
  doc: {
    why:
      "go.mod's go line is the oldest Go the module says it supports. A matrix that tests only " +
      "newer Gos never builds with that one, so code that needs a newer standard library or " +
      "language feature passes CI and breaks for users on the declared minimum. A matrix of only " +
      "older Gos cannot build the module at all (or, before Go 1.21, builds it with a Go it does " +
      "not support). Matrices that name `stable`/`oldstable` or expressions are not judged: what " +
      "they resolve to is not in the repo.",
    fix:
      "Add the go line's minor to the matrix (`go: ['1.24', '1.26']` for `go 1.24.0`), or raise " +
      "the go line to the oldest Go you test.",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "# go.mod: go 1.24.0\nstrategy:\n  matrix:\n    go: ['1.25', '1.26']\n",
      good: "# go.mod: go 1.24.0\nstrategy:\n  matrix:\n    go: ['1.24', '1.26']\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const setup of setupGoSteps(model)) {
      const { job, step } = setup;
      const input = scalarString(step.with["go-version"]) ?? "";
      const key = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(input.trim())?.[1];
      const matrix = isRecord(job.job["strategy"]) ? job.job["strategy"]["matrix"] : undefined;
      if (!key || !isRecord(matrix)) continue;
      const values: unknown[] = Array.isArray(matrix[key]) ? [...(matrix[key] as unknown[])] : [];
      if (matrix[key] !== undefined && !Array.isArray(matrix[key])) continue;
      for (const inc of Array.isArray(matrix["include"]) ? matrix["include"] : []) {
        if (isRecord(inc) && inc[key] !== undefined) values.push(inc[key]);
      }
      const versions = values.map((v) => versionPrecision(String(v)));
      if (versions.length === 0 || versions.some((v) => v === undefined)) continue;
      const need = requiredGo(model, job.file.path);
      const line = need && minorOf(goMinor(need.version));
      if (!need || !line) continue;
      const minors = versions.map((v) => minorOf(v?.version ?? "") as [number, number]);
      const newer = minors.every((m) => cmp(m, line) > 0);
      const below = versions.filter((v, i) => v && cmp(minors[i] as [number, number], line) < 0);
      if (!newer && below.length === 0) continue;
      const at = job.file.lineOf(["jobs", job.id, "strategy", "matrix", key]);
      const where = `${job.file.path}:${at}`;
      if (seen.has(where)) continue;
      seen.add(where);
      const listed = values.map(String).join(", ");
      const related = [{ file: need.file, line: need.line, message: `go ${need.version}` }];
      if (newer) {
        out.push({
          file: job.file.path,
          line: at,
          message:
            `the matrix of job ${job.id} tests Go ${listed}, all newer than the go line ` +
            `\`go ${need.version}\` in ${need.file}: the oldest Go the module declares is never ` +
            `tested; add '${goMinor(need.version)}' or raise the go line`,
          related,
        });
      } else {
        // Each cell below the go line fails or runs another Go (CI001 judges single versions).
        const newest = below.reduce((a, b) =>
          a && b && cmp(minorOf(a.version) ?? [0, 0], minorOf(b.version) ?? [0, 0]) >= 0 ? a : b,
        );
        const effect = newest
          ? belowGoLineEffect(newest, need.version, toolchainMode(setup), "setup-go v6+ exports it")
          : "";
        const names = below.map((v) => (v?.precision === "minor" ? `${v.version}.x` : v?.version));
        const all = below.length === versions.length;
        out.push({
          file: job.file.path,
          line: at,
          severity: "error",
          message:
            `the matrix of job ${job.id} ${all ? "tests only" : "includes"} Go ${names.join(", ")}, ` +
            `older than the go line \`go ${need.version}\` in ${need.file}: ${effect}`,
          related,
        });
      }
    }
    return out;
  },
};
