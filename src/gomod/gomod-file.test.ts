import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GopaveError, GopaveErrors } from "../util/errors.js";
import type { GoModFile } from "./gomod-file.js";
import { parseGoMod } from "./gomod-file.js";
import { lexModFile, unquoteGoString } from "./modfile-syntax.js";

// The go command is the reference for every go.mod case; without it these tests must fail.
execFileSync("go", ["version"]);

const scratch = mkdtempSync(join(tmpdir(), "gopave-gomod-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "", GOWORK: "off" };

/** `go mod edit -json` on the text: the go command's own reading of it. */
function goModEditJson(text: string): { ok: true; json: GoJson } | { ok: false; lines: number[] } {
  writeFileSync(join(scratch, "go.mod"), text);
  const r = spawnSync("go", ["mod", "edit", "-json"], {
    cwd: scratch,
    env: goEnv,
    encoding: "utf8",
  });
  if (r.status === 0) return { ok: true, json: JSON.parse(r.stdout) as GoJson };
  const lines = [...r.stderr.matchAll(/go\.mod:(\d+)/g)].map((m) => Number(m[1]));
  return { ok: false, lines };
}

interface GoJson {
  Module: { Path: string };
  Go?: string;
  Toolchain?: string;
  GoDebug?: { Key: string; Value: string }[];
  Require?: { Path: string; Version: string; Indirect?: boolean }[];
  Exclude?: { Path: string; Version: string }[];
  Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[];
  Retract?: { Low: string; High: string }[];
  Tool?: { Path: string }[];
  Ignore?: { Path: string }[];
}

/** Our parse in the go command's JSON shape. */
function asGoJson(f: GoModFile): GoJson {
  const j: GoJson = { Module: { Path: f.module.path } };
  if (f.go) j.Go = f.go.version;
  if (f.toolchain) j.Toolchain = f.toolchain.name;
  if (f.godebug.length) j.GoDebug = f.godebug.map((g) => ({ Key: g.key, Value: g.value }));
  if (f.requires.length) {
    j.Require = f.requires.map((r) => ({
      Path: r.path,
      Version: r.version,
      ...(r.indirect ? { Indirect: true } : {}),
    }));
  }
  if (f.excludes.length) j.Exclude = f.excludes.map((e) => ({ Path: e.path, Version: e.version }));
  const mv = (m: { path: string; version: string | undefined }) =>
    m.version === undefined ? { Path: m.path } : { Path: m.path, Version: m.version };
  if (f.replaces.length) j.Replace = f.replaces.map((r) => ({ Old: mv(r.old), New: mv(r.new) }));
  if (f.retracts.length) j.Retract = f.retracts.map((r) => ({ Low: r.low, High: r.high }));
  if (f.tools) j.Tool = f.tools.map((t) => ({ Path: t.path }));
  if (f.ignores.length) j.Ignore = f.ignores.map((i) => ({ Path: i.path }));
  return j;
}

/** Drops fields `go mod edit -json` reports that we do not model (retract rationale). */
function normalise(j: GoJson): GoJson {
  const retract = j.Retract?.map((r) => ({ Low: r.Low, High: r.High }));
  return JSON.parse(JSON.stringify({ ...j, Retract: retract }), (_k, v: unknown) =>
    v === null ? undefined : v,
  ) as GoJson;
}

const VALID: Record<string, string> = {
  minimal: "module example.com/m\n",
  everything: `// leading comment
module "example.com/ed" // trailing

go 1.24
toolchain go1.26.8
godebug default=go1.21

require (
\tgithub.com/A/b v1.2 // indirect
\tgolang.org/x/net v0.30.0 // indirect; for foo
\t"example.com/q" v2.0.0+incompatible
\texample.com/notindirect v1.0.0 // indirectly used
)
require example.com/z/v2 v2.1.0
exclude example.com/z/v2 v2.0.0
replace example.com/q => ../q
replace (
\texample.com/r v1.0.0 => example.com/s v1.1.0
\texample.com/t => /abs/t
)
retract [v1.0.0, v1.0.5] // bad
retract v0.9.0
tool example.com/z/v2/cmd/zz
ignore ./node_modules
ignore static
`,
  crlfAndBlocks:
    "module example.com/crlf\r\n\r\ngo 1.22.3\r\nrequire (\r\n\tgithub.com/x/y v1.0.0 // indirect\r\n)\r\nrequire ()\r\n",
  toolBlock:
    "module example.com/t\n\ngo 1.24\n\ntool (\n\tgolang.org/x/tools/cmd/stringer\n\texample.com/gen\n)\n",
  godebugBlock:
    "module example.com/g\n\ngo 1.23\n\ngodebug (\n\tpanicnil=1\n\tasynctimerchan=0\n)\n",
  quotedEscapes: 'module "example.com/\\x71uoted"\n\nrequire "example.com/a\\u0062" v1.0.0\n',
  preRelease: "module example.com/p\n\ngo 1.23rc1\ntoolchain go1.23rc1\n",
  moduleBlock: "module (\n\texample.com/blockmod\n)\n",
  singleIndirect: "module a.com/b\nrequire c.com/d v1.0.0 // indirect\n",
  commentsEverywhere:
    "// x\n\nmodule a.com/b // y\n\n// z\nrequire ( // indirect\n\t// v\n\tc.com/d v1.0.0 // indirect\n\n\t// u\n\te.com/f v1.0.0\n) // t\n",
  parenInLine: "module example.com/paren\n\nrequire (\n\texample.com/a v1.0.0\n)\n",
};

describe("parseGoMod agrees with `go mod edit -json`", () => {
  it.each(Object.entries(VALID))("%s", (_name, text) => {
    const go = goModEditJson(text);
    expect(go.ok, "the go command accepts the fixture").toBe(true);
    if (!go.ok) return;
    expect(asGoJson(parseGoMod(text, "go.mod"))).toEqual(normalise(go.json));
  });
});

const INVALID: Record<string, [text: string, col: number, message: RegExp]> = {
  badGoVersion: ["module m.com/x\n\ngo 1.2x\n", 4, /invalid go version '1.2x'/],
  unknownDirective: ["module m.com/x\nfrobnicate 1\n", 1, /unknown directive: frobnicate/],
  usage: [
    "module m.com/x\nrequire (\n\tgithub.com/a/b v1.2.3\n\tbogus line here\n)\n",
    2,
    /usage: require/,
  ],
  majorMismatch: ["module m.com/x\nrequire x.com/y/v2 v1.0.0\n", 20, /should be v2, not v1/],
  badVersion: ["module m.com/x\nrequire x.com/y latest\n", 17, /must be of the form v1.2.3/],
  replaceNoVersion: ["module m.com/x\nreplace a.com/b => c.com/d\n", 20, /must be directory path/],
  replaceDirWithVersion: [
    "module m.com/x\nreplace a.com/b => ../d v1.0.0\n",
    20,
    /cannot have version/,
  ],
  repeatedGo: ["module m.com/x\ngo 1.21\ngo 1.22\n", 1, /repeated go statement/],
  badToolchain: ["module m.com/x\ntoolchain 1.21\n", 11, /invalid toolchain version/],
  goBlock: ["module m.com/x\ngo (\n\t1.21\n)\n", 1, /unknown block type: go/],
  singleQuote: [
    "module m.com/x\nrequire 'a.com/b' v1.0.0\n",
    9,
    /unquoted string cannot contain quote/,
  ],
  strayParen: ["module m.com/x\n(\n", 1, /unknown directive: \(/],
  strayClose: ["module m.com/x\n) x\n", 1, /unknown directive: \)/],
  retractTrailing: [
    "module m.com/x\nretract v1.0.0 v1.0.1\n",
    16,
    /unexpected token after version/,
  ],
};

describe("parseGoMod errors", () => {
  it.each(Object.entries(INVALID))(
    "%s: same line as the go command, with a column",
    (_n, [text, col, msg]) => {
      const go = goModEditJson(text);
      expect(go.ok, "the go command rejects the fixture").toBe(false);
      let err: unknown;
      try {
        parseGoMod(text, "go.mod");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GopaveError);
      const e = err as GopaveError;
      expect(e.code).toBe("GOMOD_INVALID");
      expect(e.message).toMatch(msg);
      expect(e.position?.file).toBe("go.mod");
      expect(e.position?.line).toBe(go.ok ? -1 : go.lines[0]);
      expect(e.position?.col).toBe(col);
      expect(e.hint).toBeTruthy();
    },
  );

  it("reports every semantic error together", () => {
    const text = "module m.com/x\ngo 1.x\nrequire a.com/b nope\n";
    let err: unknown;
    try {
      parseGoMod(text, "sub/go.mod");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GopaveErrors);
    expect((err as GopaveErrors).errors.map((e) => e.position?.line)).toEqual([2, 3]);
    expect((err as GopaveErrors).format()).toContain("sub/go.mod:2:4: invalid go version");
  });

  it.each([
    ["module m.com/x\n/* no */\n", 2, 1, /must use \/\/ comments/],
    ['module "m.com/x\n', 1, 16, /unexpected newline in string/],
    [
      "module m.com/x\nrequire (\n\ta.com/b v1.0.0\n",
      2,
      1,
      /unterminated block started at go.mod:2:1/,
    ],
    [
      "module m.com/x\nrequire (\n\ta.com/b v1.0.0\n) x\n",
      4,
      3,
      /expected newline after closing paren/,
    ],
    ["module m.com/x\x01\n", 1, 15, /unexpected input character/],
  ])("syntax error in %j at %i:%i", (text, line, col, msg) => {
    expect(goModEditJson(text).ok).toBe(false);
    expect(() => parseGoMod(text, "go.mod")).toThrow(msg);
    try {
      parseGoMod(text, "go.mod");
    } catch (e) {
      expect((e as GopaveError).position).toEqual({ file: "go.mod", line, col });
    }
  });

  it("needs a module line", () => {
    expect(() => parseGoMod("go 1.21\n", "go.mod")).toThrow(/missing module declaration/);
  });
});

/** Odd inputs: whatever the go command decides (accept, or reject on a line), we decide the same. */
const SWEEP = [
  "module x.com/a\nrequire ( a.com/b v1.0.0 )\n",
  "module x.com/a\nrequire a.com/b v1.0.0 // indirect // more\n",
  "module x.com/a\nrequire a.com/b v1.0.0 //indirect\n",
  "module x.com/a\nrequire a.com/b v1.0.0 // Indirect\n",
  "module x.com/a\nreplace a.com/b v1.0.0 => ./x\n",
  'module x.com/a\nreplace a.com/b => "./x y"\n',
  "module x.com/a\nreplace a.com/b => c.com/d@v1.0.0\n",
  "module x.com/a\nreplace a.com/b v1 => c.com/d v1.2\n",
  "module x.com/a\nexclude a.com/b/v3 v3.0.0\n",
  "module x.com/a\nrequire gopkg.in/yaml.v3 v3.0.1\n",
  "module x.com/a\nrequire gopkg.in/yaml.v3 v2.0.1\n",
  "module x.com/a\nrequire gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n",
  "module x.com/a\ngo 1.21.0rc1\n",
  "module x.com/a\ngo 1.21 // c\n",
  "module x.com/a\ngo 1.021\n",
  "module x.com/a\ntoolchain go1.22.1-custom\n",
  "module x.com/a\nrequire a.com/b v1.0.0+incompatible\n",
  "module x.com/a\nrequire a.com/b v2.0.0\n",
  "\uFEFFmodule x.com/a\n",
  "module\tx.com/a\n",
  "module \u00e9.com/x\n",
  "module x.com/a\ngodebug a=b c=d\n",
  "module x.com/a\ngodebug ab\n",
  "module x.com/a\ntool a.com/b a.com/c\n",
  "module x.com/a\nretract (\n\tv1.0.0\n\t[v1.1.0,v1.2.0] // why\n)\n",
  "module x.com/a\nretract [v1.1.0 v1.2.0]\n",
  "module x.com/a\nrequire (\n\ta.com/b v1.0.0\n\ta.com/b v1.1.0\n)\n",
  "module x.com/a\nmodule y.com/b\n",
  "module x.com/a\nrequire a.com/b `v1.0.0`\n",
  'module x.com/a\nrequire "a.com/b v1.0.0\n',
  "module x.com/a\nrequire a.com/b v1.0.0 extra\n",
  "module x.com/a\nreplace (\n)\nrequire (\n\n)\n",
  "module x.com/a\nrequire a.com/b v1.0.0 { }\n",
  "module x.com/a\nignore\n",
  "module x.com/a\nrequire a.com/B/c v1.0.0\n",
  "module x.com/a\n\n// x\nrequire a.com/b v1.0.0-RC1\n",
];

describe("odd inputs", () => {
  it.each(SWEEP)("%j", (text) => {
    const go = goModEditJson(text);
    let ours: GoModFile | GopaveError;
    try {
      ours = parseGoMod(text, "go.mod");
    } catch (e) {
      ours = e as GopaveError;
    }
    if (go.ok) {
      expect(ours).not.toBeInstanceOf(Error);
      expect(asGoJson(ours as GoModFile)).toEqual(normalise(go.json));
    } else {
      expect(ours).toBeInstanceOf(GopaveError);
      const first = ours instanceof GopaveErrors ? ours.errors[0] : (ours as GopaveError);
      if (go.lines.length > 0) expect(first?.position?.line).toBe(go.lines[0]);
    }
  });
});

describe("details", () => {
  it("gives 1-based lines for every entry", () => {
    const f = parseGoMod(VALID.everything as string, "go.mod");
    expect(f.module.line).toBe(2);
    expect(f.go?.line).toBe(4);
    expect(f.requires.map((r) => [r.path, r.line, r.indirect])).toEqual([
      ["github.com/A/b", 9, true],
      ["golang.org/x/net", 10, true],
      ["example.com/q", 11, false],
      ["example.com/notindirect", 12, false],
      ["example.com/z/v2", 14, false],
    ]);
    expect(f.replaces.map((r) => [r.line, r.local])).toEqual([
      [16, true],
      [18, false],
      [19, true],
    ]);
  });

  it("omits tools when there are none", () => {
    expect(parseGoMod("module a.com/b\n", "go.mod").tools).toBeUndefined();
  });

  it("lexes columns in characters, not bytes", () => {
    const toks = lexModFile("module \u00e9.com/x // c\n", "go.mod");
    expect(toks.map((t) => [t.kind, t.text, t.col])).toEqual([
      ["ident", "module", 1],
      ["ident", "\u00e9.com/x", 8],
      ["eol", " c", 16],
      ["eof", "", 1],
    ]);
  });

  it("unquotes Go strings", () => {
    expect(unquoteGoString('"a\\tb\\u00e9\\101\\x41"')).toBe("a\tb\u00e9AA");
    expect(unquoteGoString('"a\\q"')).toBeUndefined();
    expect(unquoteGoString('"\\ud800"')).toBeUndefined();
  });
});
