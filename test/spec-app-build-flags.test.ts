import { describe, expect, it } from "vitest";
import { ciTagSets, debugLdflags, delveBuildFlags } from "../src/generate/app-build-flags.js";
import { specSchema } from "../src/spec/schema.js";
import { makeSpec } from "./helpers/spec.js";

const app = (extra: Record<string, unknown>) =>
  specSchema.safeParse({
    version: 1,
    name: "x",
    go: { version: "1.26.8" },
    apps: [{ name: "api", main: "./cmd/api", ...extra }],
  });

describe("apps[].tags and apps[].ldflags", () => {
  it("accepts build tags and literal linker flags", () => {
    expect(app({ tags: ["netgo", "sqlite_fts5", "go1.26"] }).success).toBe(true);
    expect(app({ ldflags: '-X main.version=1.2.3 -X "main.motto=a b"' }).success).toBe(true);
  });

  it.each([["-netgo"], ["a,b"], ["two words"], ["!cgo"]])("rejects the tag %j", (tag) => {
    expect(app({ tags: [tag] }).success).toBe(false);
  });

  // $ is expanded by sh in double quotes, by GitHub Actions in ${{ }}, by VS Code in ${…};
  // ' and \ are Delve's quote and escape characters in buildFlags.
  it.each([
    ["-X main.version=$VERSION"],
    ["-X 'main.v=1'"],
    ["-X main.v=`git describe`"],
    ["-X main.v=a\\b"],
    ["-X a=1\n-X b=2"],
    ["   "],
  ])("rejects the linker flags %j", (ldflags) => {
    expect(app({ ldflags }).success).toBe(false);
  });

  it("keeps -s/-w out of debug builds, which need the DWARF data", () => {
    const [a] = makeSpec({
      apps: [{ name: "api", main: ".", ldflags: "-s -w -X main.v=1" }],
    }).apps;
    expect(a && debugLdflags(a)).toBe("-X main.v=1");
    expect(a && delveBuildFlags(a)).toBe("-ldflags='-X main.v=1'");
  });

  it("CI runs each distinct tag set, not their union", () => {
    const spec = makeSpec({
      apps: [
        { name: "a", main: "./a", tags: ["pg", "netgo"] },
        { name: "b", main: "./b", tags: ["netgo", "pg"] },
        { name: "c", main: "./c", tags: ["sqlite"] },
      ],
    });
    expect(ciTagSets(spec)).toEqual([["netgo", "pg"], ["sqlite"]]);
    expect(ciTagSets(makeSpec())).toEqual([[]]);
  });
});
