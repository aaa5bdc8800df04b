import { describe, expect, it } from "vitest";
import { parseBuildInfo } from "../src/doctor/build-info.js";
import { parseEnvFile, settingSource } from "../src/doctor/env-layers.js";
import { netrcFor, parseNetrc } from "../src/doctor/netrc.js";
import { diskStatus, formatBytes } from "../src/doctor/probes/disk.js";
import { gitUrlHost, hostGlobs } from "../src/doctor/probes/credentials.js";
import { envWriteCommand } from "../src/doctor/probes/module-settings.js";
import { redactSecrets } from "../src/doctor/redact.js";
import { resolveToolchain } from "../src/doctor/toolchain.js";

describe("go env file parsing", () => {
  it("reads NAME=VALUE lines the way cmd/go does", () => {
    const m = parseEnvFile(
      "# comment\nGOPROXY=https://a,direct\n\nlower=x\nGOFLAGS=-mod=mod -trimpath\r\nNOEQUALS\nGOPROXY=https://b\n",
    );
    expect([...m]).toEqual([
      ["GOPROXY", "https://b"],
      ["GOFLAGS", "-mod=mod -trimpath"],
    ]);
  });

  it("attributes a value to the first layer that sets it; empty counts as unset", () => {
    const layers = {
      process: { GOPROXY: "", GOSUMDB: "sum.example" },
      userFile: { path: "/u/env", values: new Map([["GOPROXY", "https://file"]]) },
      gorootFile: { path: "/g/go.env", values: new Map([["GOTOOLCHAIN", "auto"]]) },
    };
    expect(settingSource("GOSUMDB", layers).kind).toBe("environment");
    expect(settingSource("GOPROXY", layers)).toEqual({ kind: "env-file", path: "/u/env" });
    expect(settingSource("GOTOOLCHAIN", layers).kind).toBe("go.env");
    expect(settingSource("GOFLAGS", layers).kind).toBe("default");
  });
});

describe("go version -m parsing", () => {
  it("reads the Go version, package, main module and a replacement", () => {
    const text =
      "/bin/gopls: go1.26.8\n\tpath\tgolang.org/x/tools/gopls\n\tmod\tgolang.org/x/tools/gopls\tv0.23.0\th1:x=\n\tdep\tgolang.org/x/mod\tv0.20.0\th1:y=\n\tbuild\t-compiler=gc\n";
    expect(parseBuildInfo(text)).toEqual({
      goVersion: "go1.26.8",
      path: "golang.org/x/tools/gopls",
      mod: { path: "golang.org/x/tools/gopls", version: "v0.23.0" },
      replacedBy: undefined,
    });
    const replaced = parseBuildInfo(
      "/b: go1.25.0\n\tpath\tex.com/a\n\tmod\tex.com/a\tv1.0.0\n\t=>\tex.com/fork\tv1.0.1\th1:z=\n",
    );
    expect(replaced?.replacedBy).toEqual({ path: "ex.com/fork", version: "v1.0.1" });
    expect(parseBuildInfo("not build info")).toBeUndefined();
  });
});

describe("netrc", () => {
  const text =
    "machine git.corp.example\n  login bob\n  password hunter2\nmacdef init\ncd /\n\nmachine other.example login x password y\ndefault login anon password guest\n";
  it("parses machines, skips macdef bodies, keeps default separate", () => {
    const entries = parseNetrc(text);
    expect(entries.map((e) => e.machine)).toEqual(["git.corp.example", "other.example", undefined]);
    const netrc = { path: "/h/.netrc", entries, tooOpen: false };
    expect(netrcFor(netrc, "GIT.corp.example")?.login).toBe("bob");
    expect(netrcFor(netrc, "nowhere.example")).toBeUndefined();
    expect(netrcFor(netrc, "nowhere.example", { withDefault: true })?.login).toBe("anon");
  });
});

describe("GOTOOLCHAIN resolution", () => {
  const base = {
    installed: "1.26.8",
    goLine: "1.25.0",
    toolchainLine: undefined,
    onPath: () => false,
  };
  it("local runs the installed toolchain and fails when go.mod needs newer", () => {
    expect(resolveToolchain({ ...base, gotoolchain: "local" })).toMatchObject({
      release: "1.26.8",
      how: "installed",
      tooOld: false,
    });
    expect(resolveToolchain({ ...base, gotoolchain: "local", goLine: "1.27.0" })).toMatchObject({
      tooOld: true,
    });
  });
  it("auto switches to the go line or toolchain line, downloading unless on PATH", () => {
    expect(resolveToolchain({ ...base, gotoolchain: "auto", goLine: "1.27.0" })).toMatchObject({
      release: "1.27.0",
      how: "download",
      tooOld: false,
    });
    expect(
      resolveToolchain({ ...base, gotoolchain: "auto", toolchainLine: "go1.26.9" }),
    ).toMatchObject({ release: "1.26.9", how: "download" });
    expect(
      resolveToolchain({ ...base, gotoolchain: "go1.26.9+auto", onPath: (n) => n === "go1.26.9" }),
    ).toMatchObject({ release: "1.26.9", how: "path" });
  });
  it("+path never downloads; a bare name always runs that release", () => {
    expect(resolveToolchain({ ...base, gotoolchain: "go1.26.9+path" })).toMatchObject({
      how: "not-on-path",
    });
    expect(resolveToolchain({ ...base, gotoolchain: "go1.26.7", goLine: "1.26.8" })).toMatchObject({
      release: "1.26.7",
      how: "download",
      tooOld: true,
    });
  });
});

describe("small helpers", () => {
  it("redacts user-info in every URL of a text", () => {
    expect(redactSecrets("GOPROXY=https://u:s3cret@a.example/x,http://tok@b.example|direct")).toBe(
      "GOPROXY=https://***@a.example/x,http://***@b.example|direct",
    );
    expect(redactSecrets("ssh://git@host.example/ and ssh://deploy:pw@host.example/")).toBe(
      "ssh://git@host.example/ and ssh://***@host.example/",
    );
    expect(envWriteCommand("GOPROXY", "https://u:p@a.example,direct")).toBe(
      "go env -w GOPROXY=https://***@a.example,direct",
    );
    expect(envWriteCommand("GOFLAGS", "-mod=mod -trimpath")).toBe(
      "go env -w 'GOFLAGS=-mod=mod -trimpath'",
    );
  });
  it("derives hosts from private globs and git URLs", () => {
    expect(
      hostGlobs(["github.com/acme", "git.corp.example", "github.com/acme2/*", "*.corp.example"]),
    ).toEqual(["*.corp.example", "git.corp.example", "github.com"]);
    expect(gitUrlHost("https://git.corp.example/")).toBe("git.corp.example");
    expect(gitUrlHost("ssh://git@git.corp.example:22/x")).toBe("git.corp.example");
    expect(gitUrlHost("git@github.com:acme/")).toBe("github.com");
  });
  it("classifies free space: fail under 200 MiB, warn under 2 GiB", () => {
    expect(diskStatus(100 * 1024 * 1024)).toBe("fail");
    expect(diskStatus(1024 * 1024 * 1024)).toBe("warn");
    expect(diskStatus(3 * 1024 * 1024 * 1024)).toBe("pass");
    expect(formatBytes(3 * 1024 * 1024 * 1024)).toBe("3.0 GiB");
  });
});
