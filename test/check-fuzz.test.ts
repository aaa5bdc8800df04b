import { describe, expect, it } from "vitest";
import { loadSeeds, makeCase } from "./helpers/check-fuzz/cases.js";
import type { Files } from "./helpers/check-fuzz/cases.js";
import { checkProblems, shrink } from "./helpers/check-fuzz/oracle.js";
import { Rand } from "./helpers/check-fuzz/random.js";
import { REPO_ROOT } from "./helpers/cli.js";

/**
 * gopave check must never crash on a repo (issue 9). Each case is a small repo of generated
 * Dockerfiles, compose files, workflows and dev containers (grammar-based, in the shapes the
 * official schemas allow and a few they do not), the repo's own fixtures and golden files, and
 * mutations of both; see helpers/check-fuzz/oracle.ts for what must hold on each.
 *
 * Fixed seed and count, so a failure reproduces; GOPAVE_FUZZ_SEED and GOPAVE_FUZZ_COUNT run
 * other or more cases locally (e.g. GOPAVE_FUZZ_COUNT=20000 npx vitest run test/check-fuzz).
 * A failure prints the case shrunk to what still fails: add it to a regular test when fixing it.
 */
const SEED = Number(process.env["GOPAVE_FUZZ_SEED"] ?? 0x5eed9);
const COUNT = Number(process.env["GOPAVE_FUZZ_COUNT"] ?? 600);
const MAX_REPORTED = 3;

describe("gopave check fuzz", () => {
  it(
    `survives ${COUNT} generated repos (seed ${SEED})`,
    async () => {
      const seeds = loadSeeds(REPO_ROOT);
      const rand = new Rand(SEED);
      const failures: { index: number; problems: string[]; files: Files }[] = [];
      for (let index = 0; index < COUNT && failures.length < MAX_REPORTED; index++) {
        const files = makeCase(rand, seeds);
        const problems = await checkProblems(files);
        if (problems.length > 0) failures.push({ index, problems, files });
      }
      const reports = await Promise.all(
        failures.map(async (f) => {
          const minimal = await shrink(f.files);
          return `case ${f.index} (seed ${SEED}): ${f.problems.slice(0, 3).join("\n  ")}\nminimal repro: ${JSON.stringify(minimal, null, 2)}`;
        }),
      );
      expect(reports).toEqual([]);
      // A longer local run (GOPAVE_FUZZ_COUNT) gets the time it needs.
    },
    Math.max(120_000, COUNT * 100),
  );
});
