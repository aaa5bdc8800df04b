import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";

const GOLDEN_ROOT = join(import.meta.dirname, "..", "golden");

/**
 * Compares text with test/golden/<name>. `UPDATE_GOLDEN=1 npx vitest run` rewrites the files;
 * review the diff before committing. A missing golden file fails (never silently passes).
 */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_ROOT, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    throw new Error(
      `golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run and review it`,
    );
  }
  expect(actual).toBe(expected);
}
