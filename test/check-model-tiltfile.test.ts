import { describe, expect, it } from "vitest";
import { classifyPath, modelFromFiles } from "../src/check/model/index.js";
import {
  parseStarlark,
  readTiltfile,
  starlarkTokens,
  stringOf,
} from "../src/check/model/tiltfile-files.js";
import type { StarExpr } from "../src/check/model/tiltfile-files.js";

const settings = (text: string) =>
  readTiltfile("Tiltfile", text).settings.map(
    (s) => `${s.line} ${s.via} ${s.name}=${s.value} @ ${s.where}`,
  );

describe("classifyPath for Tiltfiles", () => {
  it.each([
    ["Tiltfile", "tiltfile"],
    ["services/api/Tiltfile", "tiltfile"],
    ["tilt/go.star", undefined],
    ["Tiltfile.bak", undefined],
    ["tiltfile", undefined],
  ])("%s -> %s", (path, kind) => {
    expect(classifyPath(path)).toBe(kind);
  });
});

describe("starlarkTokens", () => {
  it("reads both quote kinds, escapes, prefixes and triple quotes, skipping comments", () => {
    const toks = starlarkTokens(
      [
        `a = 'it\\'s' # 'not a string`,
        `b = "tab\\there\\x41\\101"`,
        `c = r'\\d+\\'' + b"x"`,
        `d = """one`,
        `'two' "three"""`,
        `e = '''x\\`,
        `y'''`,
      ].join("\n"),
    );
    const strs = toks.flatMap((t) => (t.t === "str" ? [[t.value, t.line, t.end]] : []));
    expect(strs).toEqual([
      ["it's", 1, 1],
      ["tab\thereAA", 2, 2],
      ["\\d+\\'", 3, 3],
      ["x", 3, 3],
      [`one\n'two' "three`, 4, 5],
      ["xy", 6, 7],
    ]);
  });

  it("ends statements only outside brackets and after explicit line joins", () => {
    const toks = starlarkTokens("f(\n  1,\n  2)\nx = 1 + \\\n  2\n\n\ny = 3");
    expect(toks.filter((t) => t.t === "nl").map((t) => t.line)).toEqual([3, 5]);
  });

  it("leaves an unterminated string without a value, ending at its line", () => {
    const toks = starlarkTokens("a = 'open\nb = 'ok'");
    expect(toks.flatMap((t) => (t.t === "str" ? [t.value ?? null] : []))).toEqual([null, "ok"]);
  });
});

describe("parseStarlark", () => {
  it("finds calls with positional and keyword arguments, nested ones too", () => {
    const { calls } = parseStarlark(
      [
        "docker_build('api', context='.',",
        "    live_update=[sync('.', '/src'), run('go build ./...', trigger=['go.mod'])],",
        ")",
        "k8s_yaml(helm('chart', set=['a=b']))",
      ].join("\n"),
    );
    expect(
      calls.map((c) => `${c.fn}@${c.line}:${c.args.length}/${c.kwargs.map((k) => k.name)}`),
    ).toEqual([
      "docker_build@1:1/context,live_update",
      "sync@2:2/",
      "run@2:1/trigger",
      "k8s_yaml@4:1/",
      "helm@4:1/set",
    ]);
  });

  it("reads dict literals over lines, with comments, trailing commas and either quote", () => {
    const { calls, globals } = parseStarlark(
      [
        "X = 'v'",
        "f(d={",
        "  # a comment { with a brace",
        "  'A': \"1\",",
        '  "B": X,',
        "  'C': 'a' + X,",
        "  'D': some_call(),",
        "},)",
      ].join("\n"),
    );
    const d = calls[0]?.kwargs[0]?.value as StarExpr & { k: "dict" };
    expect(d.k).toBe("dict");
    expect(
      d.entries.map((e) => `${stringOf(e.key, globals)}=${stringOf(e.value, globals)}@${e.line}`),
    ).toEqual(["A=1@4", "B=v@5", "C=av@6", "D=undefined@7"]);
  });

  it("keeps top-level assignments only, and forgets a name assigned twice or augmented", () => {
    const { globals } = parseStarlark(
      [
        "A = '1'",
        "B = '2'",
        "B = '3'",
        "C = '4'",
        "C += '5'",
        "def f():",
        "    D = 'local'",
        "E = {'K': A}",
      ].join("\n"),
    );
    expect([...globals.keys()]).toEqual(["A", "B", "C", "E"]);
    expect(stringOf(globals.get("A"), globals)).toBe("1");
    expect(globals.get("B")).toBeUndefined();
    expect(globals.get("C")).toBeUndefined();
    expect(globals.get("E")?.k).toBe("dict");
  });

  it("does not take a formatted, subscripted or conditional value for a literal", () => {
    const { globals } = parseStarlark(
      [
        "A = '%s' % x",
        "B = '{}'.format(x)",
        "C = ['a'][0]",
        "D = 'a' if x else 'b'",
        "E = os.getenv('GO', '1.22.3')",
        "F = ('a' + 'b')",
      ].join("\n"),
    );
    expect(["A", "B", "C", "D", "E", "F"].map((n) => stringOf(globals.get(n), globals))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "ab",
    ]);
  });
});

describe("Tiltfile settings", () => {
  it("reads build_args, env and serve_env dicts and dict(K=v)", () => {
    expect(
      settings(
        [
          "docker_build('api', '.', build_args={",
          "  'GO_VERSION': '1.22.3',",
          "  'GOPROXY': 'https://proxy.example.com,direct'})",
          "local_resource('t', cmd='go test ./...', env={'GOFLAGS': '-mod=vendor'},",
          "  serve_env=dict(GOPRIVATE='x.example.com'))",
          "k8s_yaml('deploy.yaml', env={'not a name': 'x', 'N': 1})",
        ].join("\n"),
      ),
    ).toEqual([
      "2 build_args GO_VERSION=1.22.3 @ docker_build('api') build_args",
      "3 build_args GOPROXY=https://proxy.example.com,direct @ docker_build('api') build_args",
      "4 env GOFLAGS=-mod=vendor @ local_resource('t') env",
      "5 serve_env GOPRIVATE=x.example.com @ local_resource('t') serve_env",
    ]);
  });

  it("reads NAME=value prefixes and --build-arg in command strings, at the line that holds them", () => {
    expect(
      settings(
        [
          "local('GOTOOLCHAIN=go1.22.3 CGO_ENABLED=0 go build ./... && GOFLAGS=-mod=mod go test')",
          "custom_build('img', 'docker build --build-arg=GO_VERSION=1.22.3 --build-arg GOPROXY -t $EXPECTED_REF .', ['.'])",
          "custom_build(",
          "  'img2',",
          "  command='''",
          "    docker buildx build \\\\",
          "      --build-arg GOFLAGS=-trimpath \\\\",
          "      .",
          "  ''',",
          "  deps=['.'])",
          "docker_build('x', '.', live_update=[run('GOFLAGS=-mod=mod go build -o /out ./cmd/x')])",
          "local_resource('a', ['docker', 'build', '--build-arg', 'GO_VERSION=1.21.0', '.'])",
        ].join("\n"),
      ),
    ).toEqual([
      "1 command GOTOOLCHAIN=go1.22.3 @ local() command",
      "1 command CGO_ENABLED=0 @ local() command",
      "1 command GOFLAGS=-mod=mod @ local() command",
      "2 build-arg GO_VERSION=1.22.3 @ custom_build('img') command",
      "7 build-arg GOFLAGS=-trimpath @ custom_build('img2') command",
      "11 command GOFLAGS=-mod=mod @ run() command",
      "12 build-arg GO_VERSION=1.21.0 @ local_resource('a') command",
    ]);
  });

  it("ignores strings in comments and in calls that run nothing", () => {
    expect(
      settings(
        [
          "# local('GOFLAGS=-mod=mod go test')",
          "print('GOFLAGS=-mod=mod go test')",
          "k8s_resource('api', labels=['GOFLAGS=x y'])",
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("is not read in gopave's own marked Tiltfile, whose loads are not followed", () => {
    const m = modelFromFiles({
      Tiltfile:
        "# Code generated by gopave from gopave.yaml; DO NOT EDIT.\nload('./x.star', 'a')\ndocker_build('a', '.', build_args={'GO_VERSION': '1.0.1'})\n",
      "x.star": "local('GOFLAGS=-mod=mod go test')\n",
    });
    expect(m.tiltfiles.map((t) => [t.path, t.generated, t.settings.length])).toEqual([
      ["Tiltfile", true, 0],
    ]);
  });

  it("follows load() and include() inside the repo, once each, skipping extensions", () => {
    const m = modelFromFiles({
      "dev/Tiltfile":
        "load('ext://restart_process', 'docker_build_with_restart')\nload('../tilt/go.star', 'x')\ninclude('../../outside/Tiltfile')\ninclude('./api/Tiltfile')\n",
      "dev/api/Tiltfile": "load('../../tilt/go.star', 'x')\nload('/abs/y.star', 'y')\n",
      "tilt/go.star":
        "load('./go.star', 'x')\nload('helpers.tiltfile', 'h')\nload('notes.txt', 'n')\n",
      "tilt/helpers.tiltfile": "",
      "tilt/notes.txt": "",
    });
    expect(m.tiltfiles.map((t) => `${t.path}<${t.loadedBy ?? ""}`)).toEqual([
      "dev/Tiltfile<",
      "dev/api/Tiltfile<",
      "tilt/go.star<dev/Tiltfile",
      "tilt/helpers.tiltfile<tilt/go.star",
    ]);
    expect(m.files.filter((f) => f.kind === "tiltfile").map((f) => f.path)).toEqual([
      "dev/Tiltfile",
      "dev/api/Tiltfile",
      "tilt/go.star",
      "tilt/helpers.tiltfile",
    ]);
  });
});

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "docker_build(",
  "local_resource(",
  "local(",
  "custom_build(",
  "load(",
  "include(",
  "build_args=",
  "env=",
  "cmd=",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "=",
  "+",
  "'",
  '"',
  "'''",
  '"""',
  "\\",
  "\n",
  "\r\n",
  "#",
  " ",
  "'GO_VERSION'",
  "'1.22.3'",
  "'GOFLAGS=-mod=mod go test'",
  "'--build-arg GO_VERSION=1.2.3'",
  "GO",
  "GO = ",
  "'./x.star'",
  "'../Tiltfile'",
  "r'",
  'b"',
  "\\x4",
  "\\0",
  "%",
  ".format(",
  "**",
  "lambda x: ",
  "for",
  "if",
  "\ufeff",
  "\u0000",
];

describe("the Tiltfile scanner on odd input", () => {
  it("never throws, and its lines stay inside the file", () => {
    const next = rng(0x711e);
    for (let n = 0; n < 1500; n++) {
      const parts: string[] = [];
      const len = Math.floor(next() * 60);
      for (let i = 0; i < len; i++)
        parts.push(PIECES[Math.floor(next() * PIECES.length)] as string);
      const text = parts.join("");
      const files = { Tiltfile: text, "x.star": text, "Tiltfile.orig": text };
      const m = modelFromFiles(files);
      expect(m.malformed).toEqual([]);
      for (const f of m.tiltfiles) {
        for (const s of f.settings) {
          expect(s.line).toBeGreaterThanOrEqual(1);
          expect(s.line).toBeLessThanOrEqual(f.lines.length);
        }
      }
    }
  });

  it("survives deep nesting and long input without recursing without bound", () => {
    for (const text of [
      "f(".repeat(20_000),
      "a.b(".repeat(20_000),
      "'x'.format(".repeat(20_000),
      "x[".repeat(20_000),
      `x = ${"[".repeat(50_000)}`,
      `docker_build('a', build_args=${"{'K': ".repeat(5_000)}'v'${"}".repeat(5_000)})`,
      "'".repeat(30_001),
      `${"('a' + ".repeat(3_000)}'b'${")".repeat(3_000)}`,
    ]) {
      expect(() => readTiltfile("Tiltfile", text)).not.toThrow();
    }
  });
});
