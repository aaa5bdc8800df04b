import { describe, expect, it } from "vitest";
import { GopaveErrors } from "../util/errors.js";
import { loadSpec } from "./load.js";
import { resolveTools } from "./tools.js";

function errorsOf(text: string): string[] {
  try {
    loadSpec(text);
  } catch (e) {
    if (e instanceof GopaveErrors) return e.errors.map((x) => x.format());
    throw e;
  }
  throw new Error("expected the spec to be rejected");
}

const minimal = "version: 1\nname: orders\ngo:\n  version: 1.26.8\n";

describe("loadSpec", () => {
  it("applies defaults to a minimal spec", () => {
    const { spec } = loadSpec(minimal);
    // Unset: each developer machine keeps its own GOTOOLCHAIN (images and CI use local).
    expect(spec.go.toolchain).toBeUndefined();
    expect(spec.image.runtime).toBe("distroless");
    expect(spec.editor.debugPort).toBe(2345);
    expect(spec.ci.provider).toBe("github");
  });

  it("points at a mistyped key with line:col and a did-you-mean", () => {
    const [err] = errorsOf(`${minimal}  toolchian: auto\n`);
    expect(err).toContain("gopave.yaml:5:3:");
    expect(err).toContain('unknown key "toolchian" in go (did you mean "toolchain"?)');
    expect(err).toContain("allowed keys: version, toolchain");
  });

  it("lists allowed values for an enum and guesses the intended one", () => {
    const [err] = errorsOf(`${minimal}image:\n  runtime: distrolss\n`);
    expect(err).toContain("gopave.yaml:6:12:");
    expect(err).toContain('image.runtime: "distrolss" is not allowed (did you mean "distroless"?)');
    expect(err).toContain("expected one of: distroless, alpine, scratch");
  });

  it("rejects an inexact Go version and latest tools", () => {
    const errs = errorsOf(
      "version: 1\nname: orders\ngo:\n  version: '1.26'\ntools:\n  gopls: latest\n",
    );
    expect(errs.join("\n")).toMatch(
      /gopave\.yaml:4:12: go\.version: "1\.26": expected an exact Go release/,
    );
    expect(errs.join("\n")).toMatch(/gopave\.yaml:6:10: tools\.gopls: "latest"/);
  });

  it("reports a missing required key at its parent", () => {
    const [err] = errorsOf("version: 1\nname: orders\ngo:\n  toolchain: auto\n");
    expect(err).toContain('gopave.yaml:3:1: go: missing required key "version"');
    expect(err).toContain('add "version:"');
  });

  it("rejects an invalid GOPROXY list", () => {
    const [err] = errorsOf(`${minimal}modules:\n  proxy: skip\n`);
    expect(err).toContain("gopave.yaml:6:10: modules.proxy");
  });

  it("reports YAML syntax errors with a position", () => {
    const [err] = errorsOf("version: 1\nname: [orders\n");
    expect(err).toMatch(/^gopave\.yaml:\d+:\d+: invalid YAML/);
  });

  it("catches cross-key mistakes: duplicate apps, cgo on scratch, unknown tools", () => {
    const errs = errorsOf(
      `${minimal}image:\n  runtime: scratch\napps:\n  - { name: api, main: ./cmd/api, port: 8080 }\n  - { name: api, main: ./cmd/x, port: 8080, cgo: true }\ntools:\n  gopsl: v0.23.0\n`,
    ).join("\n");
    expect(errs).toContain('tools.gopsl: unknown tool "gopsl" (did you mean "gopls"?)');
    expect(errs).toContain('apps[1].name: app name "api" is already used by apps[0]');
    expect(errs).toContain("apps[1].port: port 8080 is already used by app api");
    expect(errs).toContain("apps[1].cgo: cgo binaries need a C library");
  });

  it("loads wasm programs, and pins wazero for wasip1 targets", () => {
    const { spec } = loadSpec(
      `${minimal}wasm:\n  - { name: calc, main: ./cmd/calc, targets: [js, wasip1] }\n`,
    );
    expect(spec.wasm).toEqual([{ name: "calc", main: "./cmd/calc", targets: ["js", "wasip1"] }]);
    expect(resolveTools(spec).find((t) => t.name === "wazero")).toEqual({
      name: "wazero",
      package: "github.com/tetratelabs/wazero/cmd/wazero",
      version: "v1.12.0",
    });
    const js = loadSpec(`${minimal}wasm:\n  - { name: calc, main: ./cmd/calc, targets: [js] }\n`);
    expect(resolveTools(js.spec).map((t) => t.name)).not.toContain("wazero");
  });

  it("reports wasm mistakes with line:col and what is allowed", () => {
    const errs = errorsOf(
      `${minimal}wasm:\n  - name: calc\n    main: ./cmd/calc\n    targets: [js, wasi]\n    test: [calc/...]\n  - name: web\n    mian: ./cmd/web\n    targets: []\n`,
    ).join("\n");
    expect(errs).toContain(
      'gopave.yaml:8:19: wasm[0].targets[1]: "wasi" is not allowed (did you mean "wasip1"?)',
    );
    expect(errs).toContain("expected one of: js, wasip1");
    expect(errs).toContain(
      'gopave.yaml:9:12: wasm[0].test[0]: "calc/...": expected a package pattern',
    );
    expect(errs).toContain(
      'gopave.yaml:11:5: unknown key "mian" in wasm[1] (did you mean "main"?)',
    );
    expect(errs).toContain("gopave.yaml:12:14: wasm[1].targets: expected at least 1 item(s)");
  });

  it("catches wasm cross-key mistakes: names, stage clashes, repeated targets, old Go", () => {
    const errs = errorsOf(
      `${minimal}apps:\n  - { name: calc-wasm, main: ./cmd/a }\nwasm:\n  - { name: calc, main: ./cmd/calc, targets: [js, js] }\n  - { name: calc, main: ./cmd/c2, targets: [js] }\n`,
    ).join("\n");
    expect(errs).toContain(
      'wasm[0].name: the Dockerfile stage "calc-wasm" of this wasm program is already an app\'s stage',
    );
    expect(errs).toMatch(
      /gopave\.yaml:8:\d+: wasm\[0\]\.targets\[1\]: target "js" is listed twice/,
    );
    expect(errs).toContain('wasm[1].name: wasm name "calc" is already used by wasm[0]');
    const old = errorsOf(
      "version: 1\nname: w\ngo:\n  version: 1.20.3\nwasm:\n  - { name: c, main: ./cmd/c, targets: [wasip1] }\n",
    ).join("\n");
    expect(old).toContain("wasm[0].targets: GOOS=wasip1 needs Go 1.21.0 or later");
    // No wazero release gopave checked builds with Go 1.24: it asks for a pin.
    const noPin = errorsOf(
      "version: 1\nname: w\ngo:\n  version: 1.24.3\nwasm:\n  - { name: c, main: ./cmd/c, targets: [wasip1] }\n",
    ).join("\n");
    expect(noPin).toContain("gopave has no wazero pin for Go 1.24.3");
    expect(() =>
      loadSpec(
        "version: 1\nname: w\ngo:\n  version: 1.24.3\ntools:\n  wazero: v1.9.0\nwasm:\n  - { name: c, main: ./cmd/c, targets: [wasip1] }\n",
      ),
    ).not.toThrow();
  });
});
