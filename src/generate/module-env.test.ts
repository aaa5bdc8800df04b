import { describe, expect, it } from "vitest";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import { makeSpec } from "../../test/helpers/spec.js";
import { goproxyValue, moduleEnv } from "./module-env.js";

describe("moduleEnv", () => {
  it("leaves GOPROXY to Go's default when the spec sets none", () => {
    expect(moduleEnv(makeSpec()).map(([k]) => k)).toEqual(["GOTOOLCHAIN"]);
  });

  it("puts the team proxy first, falling through to modules.proxy on any error", () => {
    const spec = makeSpec({
      modules: {
        teamProxy: "http://goproxy.corp.example:3000",
        proxy: "https://mirror.example,direct",
        private: [],
        flags: [],
      },
    });
    const value = goproxyValue(spec);
    expect(value).toBe("http://goproxy.corp.example:3000|https://mirror.example,direct");
    expect(parseGoproxy(value ?? "")).toMatchObject({
      ok: true,
      entries: [
        { kind: "url", url: "http://goproxy.corp.example:3000", fallbackOnError: true },
        { kind: "url", url: "https://mirror.example", fallbackOnError: false },
        { kind: "direct" },
      ],
    });
    expect(moduleEnv(spec)).toContainEqual(["GOPROXY", value]);
  });

  it("uses the team proxy alone when there is no fallback", () => {
    const spec = makeSpec({
      modules: { teamProxy: "http://127.0.0.1:3000", private: [], flags: [] },
    });
    expect(goproxyValue(spec)).toBe("http://127.0.0.1:3000");
  });
});
