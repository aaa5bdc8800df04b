import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { specJsonSchema } from "./json-schema.js";
import { loadSpec } from "./load.js";

const committed = new URL("../../schema/gopave.schema.json", import.meta.url);

describe("gopave.schema.json", () => {
  it("is the current export of the zod schema (run `npm run schema` after changing it)", () => {
    expect(JSON.parse(readFileSync(committed, "utf8"))).toEqual(specJsonSchema());
  });

  it("accepts the README's spec example and rejects a mistyped key, as editors would", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(specJsonSchema());
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const example = /## The spec[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const spec = parse(example ?? "") as Record<string, unknown>;
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...spec, go: { version: "1.26.8", toolchian: "auto" } })).toBe(false);
    expect(() => loadSpec(example ?? "")).not.toThrow();
  });
});
