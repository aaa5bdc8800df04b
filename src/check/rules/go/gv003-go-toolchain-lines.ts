import { compareGoVersions, goLineToRelease, parseGoVersion } from "../../../gomod/go-version.js";
import type { Rule, RuleFinding } from "../../types.js";

interface ModLines {
  file: string;
  go: { version: string; line: number } | undefined;
  toolchain: { name: string; line: number } | undefined;
}

/** Go 1.21 started naming first releases 1.N.0, so "1.N" stopped being a release there. */
function isLanguageOnly(v: string): boolean {
  const p = parseGoVersion(v);
  return (
    p !== undefined &&
    p.patch === undefined &&
    p.pre === undefined &&
    (p.major > 1 || p.minor >= 21)
  );
}

function check(f: ModLines): RuleFinding[] {
  const out: RuleFinding[] = [];
  const tc = f.toolchain && f.toolchain.name !== "default" ? f.toolchain : undefined;
  const tv = tc?.name.replace(/^go/, "").replace(/-.*$/, "");
  if (tc && tv !== undefined && isLanguageOnly(tv)) {
    out.push({
      file: f.file,
      line: tc.line,
      message:
        `toolchain ${tc.name} is not a toolchain name: since Go 1.21 releases are named go${tv}.0, ` +
        `go${tv}.1, …, so a go command that has to switch to it fails — "invalid toolchain: ` +
        `go${tv} is a language version but not a toolchain version" since Go 1.23, "toolchain ` +
        `not available" before; write toolchain go${tv}.0 (or the patch release you use)`,
    });
  } else if (tc && tv !== undefined && f.go && parseGoVersion(tv) && parseGoVersion(f.go.version)) {
    const need = goLineToRelease(f.go.version);
    if (compareGoVersions(tv, need) < 0) {
      out.push({
        file: f.file,
        line: tc.line,
        message:
          `toolchain ${tc.name} is older than the go line (go ${f.go.version}), so it never takes ` +
          `effect — the go line alone sets the minimum — while tools that read it (setup-go v6+) install ` +
          `a Go that cannot build the module; raise it to at least go${need} or remove it`,
        related: [{ file: f.file, line: f.go.line, message: `go ${f.go.version}` }],
      });
    }
  }
  // A go command switches to the toolchain line when it names a release at or above the go
  // line, and never asks for "go1.N" then; `go 1.21` itself is met by every go command that can
  // switch toolchains (1.21 sorts before 1.21rc1 and 1.21.0), so only 1.22 and later matter.
  const switchesToToolchain =
    tc !== undefined && tv !== undefined && !isLanguageOnly(tv) && parseGoVersion(tv) !== undefined;
  const line = f.go && parseGoVersion(f.go.version);
  const needsSwitch = !!line && (line.major > 1 || line.minor >= 22);
  if (f.go && isLanguageOnly(f.go.version) && needsSwitch && !switchesToToolchain) {
    out.push({
      file: f.file,
      line: f.go.line,
      severity: "note",
      message:
        `go ${f.go.version} has no patch number: a go command that has to switch toolchains ` +
        `downloads go${f.go.version}.0 since Go 1.23 (golang/go#62278), but Go 1.21 and 1.22 ` +
        `releases without that fix try to download "go${f.go.version}", which does not exist ` +
        `("toolchain not available"); write go ${f.go.version}.0`,
    });
  }
  return out;
}

export const GV003: Rule = {
  id: "GV003",
  severity: "warning",
  title: "go.mod toolchain line below the go line, or a version that is not a release",
  doc: {
    why:
      "Since Go 1.21 the first release of a minor is 1.N.0 and there is no toolchain called go1.N: " +
      '`toolchain go1.26` cannot be downloaded ("toolchain not available"). A toolchain line lower ' +
      "than the go line never takes effect — the go line is the minimum — yet setup-go v6 installs it. " +
      "A go line without a patch (`go 1.26`) makes a go command that has to switch toolchains " +
      "download go1.26.0 since Go 1.23 (golang/go#62278), but Go 1.21 and 1.22 releases without " +
      "that fix tried to download the nonexistent go1.26; that case is reported as a note.",
    fix:
      "Write full release names: `go 1.26.0` and `toolchain go1.26.8`, with the toolchain at or above " +
      "the go line (`go get go@1.26.0 toolchain@go1.26.8` edits both).",
    example: {
      file: "go.mod",
      bad: "module example.com/app\n\ngo 1.26.2\n\ntoolchain go1.26",
      good: "module example.com/app\n\ngo 1.26.2\n\ntoolchain go1.26.8",
    },
  },
  check({ model }) {
    const files: ModLines[] = model.gomods.map((m) => ({
      file: m.path,
      go: m.mod.go,
      toolchain: m.mod.toolchain,
    }));
    if (model.gowork) {
      const w = model.gowork;
      files.push({ file: w.path, go: w.work.go, toolchain: w.work.toolchain });
    }
    return files.flatMap(check);
  },
};
