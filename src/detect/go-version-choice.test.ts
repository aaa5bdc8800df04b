import { describe, expect, it } from "vitest";
import { parseGoMod } from "../gomod/gomod-file.js";
import { parseGoWork } from "../gomod/gowork-file.js";
import { chooseGoVersion, releaseFromGoVersion } from "./go-version-choice.js";
import type { LoadedModule, LoadedRepo } from "./repo-files.js";

function repo(mods: Record<string, string>, work?: string): LoadedRepo {
  const modules: LoadedModule[] = Object.entries(mods).map(([dir, text]) => ({
    dir,
    absDir: `/r/${dir}`,
    mod: parseGoMod(text, `${dir}/go.mod`),
    hasGoSum: false,
  }));
  return {
    root: "/r",
    modules,
    primary: modules[0] as LoadedModule,
    work: work === undefined ? undefined : parseGoWork(work, "go.work"),
    workHasSum: false,
    notes: [],
  };
}

const local = (version: string | undefined, problem?: string) => ({ version, problem });

describe("chooseGoVersion", () => {
  it("prefers the toolchain line", () => {
    const r = repo({ ".": "module a.com/x\ngo 1.24\ntoolchain go1.25.3\n" });
    expect(chooseGoVersion(r, local("1.26.8"))).toEqual({
      version: "1.25.3",
      source: "toolchain",
      notes: [],
    });
  });

  it("uses the local go when it satisfies the go line", () => {
    const r = repo({ ".": "module a.com/x\ngo 1.24\n" });
    expect(chooseGoVersion(r, local("1.26.8"))).toMatchObject({
      version: "1.26.8",
      source: "local",
    });
  });

  it("falls back to the go line made exact", () => {
    const r = repo({ ".": "module a.com/x\ngo 1.27\n" });
    const c = chooseGoVersion(r, local("1.26.8"));
    expect(c).toMatchObject({ version: "1.27.0", source: "go-line-minimum" });
    expect(c.notes.join()).toMatch(/older than go 1.27/);
    const missing = chooseGoVersion(r, local(undefined, "go is not installed or not on PATH"));
    expect(missing).toMatchObject({ version: "1.27.0", source: "go-line-minimum" });
    expect(missing.notes.join()).toMatch(/not installed/);
  });

  it("takes a go line that names a release over a newer local go", () => {
    const r = repo({ ".": "module a.com/x\ngo 1.26.4\n" });
    expect(chooseGoVersion(r, local("1.26.8"))).toMatchObject({
      version: "1.26.4",
      source: "go-line",
    });
  });

  it("takes what the repo's own files name before the local go", () => {
    const r = repo({ ".": "module a.com/x\ngo 1.24\n" });
    const pin = (version: string, precision: "exact" | "minor", label: string) => ({
      version,
      precision,
      label,
    });
    const docker = pin("1.25.3", "exact", "Dockerfile FROM golang:1.25.3");
    expect(chooseGoVersion(r, local("1.26.8"), [docker])).toMatchObject({
      version: "1.25.3",
      source: "kept-files",
      notes: [],
    });
    // Disagreeing files: the newest that satisfies go.mod, and a note; older ones are ignored.
    const ci = pin("1.25.7", "exact", "ci.yml setup-go 1.25.7");
    const old = pin("1.23.1", "exact", ".go-version 1.23.1");
    const c = chooseGoVersion(r, local("1.26.8"), [docker, ci, old]);
    expect(c.version).toBe("1.25.7");
    expect(c.notes.join("\n")).toMatch(/different Go versions/);
    expect(c.notes.join("\n")).toMatch(/ignored Go versions below go.mod's go 1.24: .go-version/);
    // Floating minors only: the local go when it is one, else a known release, else .0.
    const floating = [pin("1.26", "minor", "Dockerfile FROM golang:1.26-alpine")];
    expect(chooseGoVersion(r, local("1.26.8"), floating).version).toBe("1.26.8");
    expect(chooseGoVersion(r, local("1.27.1"), floating, ["1.26.3", "1.26.5"]).version).toBe(
      "1.26.5",
    );
    const dot0 = chooseGoVersion(r, local("1.27.1"), floating);
    expect(dot0.version).toBe("1.26.0");
    expect(dot0.notes.join()).toMatch(/float on Go 1.26/);
  });

  it("ignores `toolchain default` and a toolchain older than the go line", () => {
    expect(
      chooseGoVersion(
        repo({ ".": "module a.com/x\ngo 1.24\ntoolchain default\n" }),
        local("1.26.8"),
      ),
    ).toMatchObject({ source: "local" });
    const old = chooseGoVersion(
      repo({ ".": "module a.com/x\ngo 1.25.0\ntoolchain go1.24.1\n" }),
      local(undefined),
    );
    expect(old).toMatchObject({ version: "1.25.0", source: "go-line" });
  });

  it("reads go.work's lines first", () => {
    const mods = {
      a: "module a.com/a\ngo 1.22\ntoolchain go1.22.9\n",
      b: "module a.com/b\ngo 1.23\n",
    };
    expect(
      chooseGoVersion(
        repo(mods, "go 1.24\ntoolchain go1.24.5\nuse ./a\nuse ./b\n"),
        local("1.26.8"),
      ),
    ).toMatchObject({
      version: "1.24.5",
      source: "toolchain",
    });
    expect(
      chooseGoVersion(repo(mods, "go 1.23.4\nuse ./a\nuse ./b\n"), local(undefined)),
    ).toMatchObject({
      version: "1.23.4",
      source: "go-line",
    });
    const behind = chooseGoVersion(repo(mods, "go 1.22\nuse ./a\nuse ./b\n"), local(undefined));
    expect(behind.version).toBe("1.23.0");
    expect(behind.notes.join()).toMatch(/go work use/);
  });

  it("parses GOVERSION strings", () => {
    expect(releaseFromGoVersion("go1.26.8")).toBe("1.26.8");
    expect(releaseFromGoVersion("go1.26.8 X:boringcrypto")).toBe("1.26.8");
    expect(releaseFromGoVersion("go1.20")).toBe("1.20.0");
    expect(releaseFromGoVersion("go1.25rc2")).toBe("1.25rc2");
    expect(releaseFromGoVersion("devel go1.27-abcdef Tue")).toBeUndefined();
  });
});
