import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Check } from "../src/doctor/types.js";
import { gopave } from "./helpers/cli.js";
import { fakeMachine } from "./helpers/fake-go.js";
import type { FakeBuild, FakeMachine } from "./helpers/fake-go.js";

interface Audit {
  code: number;
  checks: Map<string, Check>;
  summary: { pass: number; warn: number; fail: number };
  raw: string;
}

async function doctor(m: FakeMachine, env: NodeJS.ProcessEnv = {}): Promise<Audit> {
  const r = await gopave(m.root, ["doctor", "--json"], { ...m.env, ...env });
  const parsed = JSON.parse(r.stdout) as { checks: Check[]; summary: Audit["summary"] };
  // Every line that is not a pass says how to fix it.
  for (const c of parsed.checks) if (c.status !== "pass") expect(c.fix, c.id).toBeTruthy();
  return {
    code: r.code,
    checks: new Map(parsed.checks.map((c) => [c.id, c])),
    summary: parsed.summary,
    raw: r.stdout + r.stderr,
  };
}

function get(a: Audit, id: string): Check {
  const c = a.checks.get(id);
  if (!c) throw new Error(`no check ${id}; have ${[...a.checks.keys()].join(", ")}`);
  return c;
}

/** policy "" leaves go.toolchain out of the spec. */
const SPEC = (extra = "", go = "1.26.8", policy = "local") =>
  `version: 1\nname: app\ngo:\n  version: ${go}\n${policy ? `  toolchain: ${policy}\n` : ""}tools: {}\n${extra}`;

const gopls = (version: string, go = "go1.26.8", path = "golang.org/x/tools/gopls"): FakeBuild => ({
  bin: "gopls",
  go,
  path,
  mod: "golang.org/x/tools/gopls",
  version,
});

describe("go and its version", () => {
  it("fails without go on PATH, and the JSON has the documented shape", async () => {
    const m = fakeMachine({ noGo: true });
    m.writeSpec(SPEC().replace("tools: {}", "tools:\n  gopls: v0.23.0"));
    const a = await doctor(m);
    expect(a.code).toBe(1);
    expect(get(a, "go.installed")).toMatchObject({ status: "fail", detail: "go is not on PATH" });
    expect(get(a, "go.installed").fix).toContain("install Go 1.26.8");
    expect(get(a, "tool.gopls")).toMatchObject({
      status: "fail",
      fix: "install Go, then go install golang.org/x/tools/gopls@v0.23.0",
    });
    expect(get(a, "env").status).toBe("warn");
    for (const c of a.checks.values()) {
      expect(
        Object.keys(c).every((k) => ["id", "status", "title", "detail", "fix"].includes(k)),
      ).toBe(true);
    }
    expect(a.summary.fail).toBeGreaterThan(0);
    expect(a.summary.pass + a.summary.warn + a.summary.fail).toBe(a.checks.size);
  });

  it("passes on the pinned release and runs go env -json once, with GOTOOLCHAIN=local", async () => {
    const m = fakeMachine();
    m.writeSpec(SPEC());
    writeFileSync(join(m.goroot, "go.env"), "GOTOOLCHAIN=local\n");
    const a = await doctor(m);
    expect(get(a, "go.version")).toMatchObject({
      status: "pass",
      detail: "go1.26.8, as gopave.yaml pins",
    });
    expect(get(a, "go.toolchain").status).toBe("pass");
    const envCalls = m.calls().filter((c) => c.args[0] === "env");
    expect(envCalls).toEqual([{ args: ["env", "-json"], cwd: m.root, GOTOOLCHAIN: "local" }]);
  });

  it("fails a different release under toolchain: local", async () => {
    const m = fakeMachine({ goversion: "go1.26.7" });
    m.writeSpec(SPEC());
    const a = await doctor(m, { GOTOOLCHAIN: "local" });
    expect(a.code).toBe(1);
    const v = get(a, "go.version");
    expect(v.status).toBe("fail");
    expect(v.detail).toContain("installed go1.26.7; gopave.yaml pins go1.26.8");
    expect(v.fix).toContain("install Go 1.26.8");
  });

  it("without go.toolchain leaves GOTOOLCHAIN to the machine and says how to get the Go", async () => {
    const m = fakeMachine({ goversion: "go1.26.7" });
    m.writeSpec(SPEC("", "1.26.8", ""));
    const a = await doctor(m, { GOTOOLCHAIN: "local" });
    const v = get(a, "go.version");
    expect(v.status).toBe("fail");
    expect(v.fix).toContain("export GOTOOLCHAIN=go1.26.8");
    expect(v.fix).toContain("go.toolchain: auto");
    // Nothing to write: the spec does not ask for a GOTOOLCHAIN, so --fix has nothing to fix.
    const t = get(a, "env.GOTOOLCHAIN");
    expect(t.status).toBe("pass");
    expect(t.detail).toContain("leaves it to Go's default");
    expect(t.fix).toBeUndefined();
  });

  it("says what GOTOOLCHAIN does under toolchain: auto and path", async () => {
    const m = fakeMachine({ goversion: "go1.26.7" });
    m.writeSpec(SPEC("", "1.26.8", "auto"));
    let a = await doctor(m, { GOTOOLCHAIN: "go1.26.8+auto" });
    expect(get(a, "go.version")).toMatchObject({ status: "warn" });
    expect(get(a, "go.version").detail).toContain(
      "switches to go1.26.8, downloading it on first use",
    );
    expect(get(a, "env.GOTOOLCHAIN").status).toBe("pass");

    m.placeScript("go1.26.8", "exit 0");
    a = await doctor(m, { GOTOOLCHAIN: "go1.26.8+auto" });
    expect(get(a, "go.version").status).toBe("pass");
    expect(get(a, "go.version").detail).toContain("from PATH");

    const p = fakeMachine({ goversion: "go1.26.7" });
    p.writeSpec(SPEC("", "1.26.8", "path"));
    a = await doctor(p, { GOTOOLCHAIN: "go1.26.8+path" });
    expect(get(a, "go.version").status).toBe("fail");
    expect(get(a, "go.toolchain").status).toBe("fail");
    expect(get(a, "go.toolchain").fix).toContain(
      'GOTOOLCHAIN=go1.26.8 go version && ln -s "$(GOTOOLCHAIN=go1.26.8 go env GOROOT)/bin/go"',
    );
    expect(get(a, "go.toolchain").fix).not.toContain("@latest");
  });

  it("without gopave.yaml treats go.mod's go line as a minimum", async () => {
    const m = fakeMachine({
      goMod: "module example.com/app\n\ngo 1.27.0\n",
      goEnvFile: "GOTOOLCHAIN=local\n",
    });
    let a = await doctor(m);
    expect(get(a, "go.version")).toMatchObject({ status: "warn" });
    expect(get(a, "go.toolchain").status).toBe("fail");
    expect(get(a, "go.toolchain").detail).toContain("go.mod needs go 1.27.0");
    expect(get(a, "go.toolchain").detail).toContain("$GOROOT/go.env");
    expect([...a.checks.keys()].some((k) => k.startsWith("tool."))).toBe(false);

    writeFileSync(join(m.goroot, "go.env"), "GOTOOLCHAIN=auto\n");
    a = await doctor(m);
    expect(get(a, "go.toolchain").status).toBe("pass");
    expect(get(a, "go.toolchain").detail).toContain(
      "switches to go1.27.0, downloading it on first use",
    );

    const ok = fakeMachine();
    a = await doctor(ok);
    expect(get(a, "go.version")).toMatchObject({
      status: "pass",
      detail: "go1.26.8 satisfies go.mod's go 1.25.0 (a minimum)",
    });
  });

  it("exits 2 with no gopave.yaml and no go.mod", async () => {
    const m = fakeMachine();
    const r = await gopave(join(m.root, ".."), ["doctor"], m.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no gopave.yaml, go.mod or go.work");
  });
});

describe("module settings", () => {
  const spec = SPEC(
    "modules:\n  proxy: http://127.0.0.1:9/mirror,direct\n  sumdb: off\n  private: [git.corp.example, github.com/acme]\n  flags: [-mod=readonly]\n",
  );

  it("names where each value comes from", async () => {
    const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=local\nGOPROXY=off\n" });
    m.writeSpec(spec);
    mkdirSync(dirname(m.envFile), { recursive: true });
    writeFileSync(m.envFile, "GOSUMDB=off\nGOFLAGS=-mod=readonly -trimpath\n");
    const a = await doctor(m, {
      GOPROXY: "http://127.0.0.1:9/mirror,direct",
      GOPRIVATE: "github.com/acme,git.corp.example,other.example",
    });
    expect(get(a, "env.GOPROXY")).toMatchObject({ status: "pass" });
    expect(get(a, "env.GOPROXY").detail).toContain("from the process environment");
    expect(get(a, "env.GOSUMDB").detail).toBe(`off — from the go env file ${m.envFile}`);
    expect(get(a, "env.GOTOOLCHAIN").detail).toBe("local — from $GOROOT/go.env");
    expect(get(a, "env.GOFLAGS")).toMatchObject({ status: "pass" });
    expect(get(a, "env.GOFLAGS").detail).toContain("also -trimpath");
    expect(get(a, "env.GOPRIVATE").detail).toContain("also other.example");
    expect(get(a, "env.GONOPROXY").detail).toContain("follows GOPRIVATE");
  });

  it("fails a different value with the go env -w that fixes it, or the shell export to change", async () => {
    const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=auto\n" });
    m.writeSpec(spec);
    const a = await doctor(m, { GOSUMDB: "sum.example", GOPRIVATE: "" });
    expect(a.code).toBe(1);
    const tc = get(a, "env.GOTOOLCHAIN");
    expect(tc).toMatchObject({ status: "fail", fix: "go env -w GOTOOLCHAIN=local" });
    expect(tc.detail).toBe("auto — from $GOROOT/go.env; gopave.yaml wants local");
    const sumdb = get(a, "env.GOSUMDB");
    expect(sumdb.status).toBe("fail");
    expect(sumdb.fix).toContain("your shell exports GOSUMDB");
    expect(get(a, "env.GOPRIVATE").fix).toBe(
      "go env -w GOPRIVATE=git.corp.example,github.com/acme",
    );
    expect(get(a, "env.GOFLAGS").fix).toBe("go env -w GOFLAGS=-mod=readonly");
    // The default GOPROXY of the fake go is off.
    expect(get(a, "env.GOPROXY").detail).toContain(
      "off — from Go's built-in default; gopave.yaml wants http://127.0.0.1:9/mirror,direct",
    );
  });

  it("fails an invalid GOPROXY even when the spec leaves it alone", async () => {
    const m = fakeMachine();
    m.writeSpec(SPEC());
    const a = await doctor(m, { GOPROXY: "skip" });
    expect(get(a, "env.GOPROXY").status).toBe("fail");
    expect(get(a, "env.GOPROXY").detail).toContain("missing scheme");
    expect(get(a, "proxy").status).toBe("fail");
  });
});

describe("pinned tools", () => {
  const spec = SPEC().replace(
    "tools: {}",
    "tools:\n  gopls: v0.23.0\n  staticcheck: v0.7.0\n  stringer: { package: golang.org/x/tools/cmd/stringer, version: v0.38.0 }",
  );

  it("checks each binary's module version, package and Go", async () => {
    const m = fakeMachine();
    m.writeSpec(spec);
    m.placeBinary(m.gobin, gopls("v0.23.0"));
    m.placeBinary(m.gobin, {
      bin: "staticcheck",
      go: "go1.25.4",
      path: "honnef.co/go/tools/cmd/staticcheck",
      mod: "honnef.co/go/tools",
      version: "v0.7.0",
    });
    m.placeBinary(m.gobin, {
      bin: "stringer",
      go: "go1.26.8",
      path: "golang.org/x/tools/cmd/stringer",
      mod: "golang.org/x/tools",
      version: "v0.37.0",
    });
    const a = await doctor(m);
    expect(get(a, "tool.gopls")).toMatchObject({
      status: "pass",
      detail: `v0.23.0 at ${m.gobin}/gopls (built with go1.26.8)`,
    });
    const sc = get(a, "tool.staticcheck");
    expect(sc.status).toBe("warn");
    expect(sc.detail).toContain("cannot analyse Go 1.26 code");
    const st = get(a, "tool.stringer");
    expect(st).toMatchObject({
      status: "fail",
      fix: "go install golang.org/x/tools/cmd/stringer@v0.38.0",
    });
    expect(st.detail).toContain("v0.37.0 at");
    expect(get(a, "tools.gobin").status).toBe("pass");
    const versionCalls = m.calls().filter((c) => c.args[0] === "version");
    expect(versionCalls.every((c) => c.GOTOOLCHAIN === "local")).toBe(true);
  });

  it("fails a missing tool, a wrong package and a file that is not a Go binary", async () => {
    const m = fakeMachine();
    m.writeSpec(spec);
    m.placeBinary(m.gobin, gopls("v0.23.0", "go1.26.8", "example.com/not/gopls"));
    writeFileSync(join(m.gobin, "staticcheck"), "#!/bin/sh\n");
    chmodSync(join(m.gobin, "staticcheck"), 0o755);
    const a = await doctor(m);
    expect(get(a, "tool.gopls").detail).toContain("was built from example.com/not/gopls");
    expect(get(a, "tool.staticcheck").detail).toContain("could not read Go build info");
    expect(get(a, "tool.stringer")).toMatchObject({
      status: "fail",
      detail: `stringer is not on PATH or in ${m.gobin}`,
    });
  });

  it("warns when GOBIN is not on PATH, and names a stale copy that shadows GOBIN", async () => {
    const m = fakeMachine();
    m.writeSpec(SPEC().replace("tools: {}", "tools:\n  gopls: v0.23.0"));
    m.placeBinary(m.gobin, gopls("v0.23.0"));
    let a = await doctor(m, { PATH: `${m.bin}:/usr/bin:/bin` });
    expect(get(a, "tools.gobin").status).toBe("warn");
    expect(get(a, "tools.gobin").fix).toContain(`export PATH="$PATH:${m.gobin}"`);
    expect(get(a, "tool.gopls").status).toBe("warn");

    const stale = join(m.home, "stale");
    m.placeBinary(stale, gopls("v0.20.0"));
    a = await doctor(m, { PATH: `${stale}:${m.bin}:${m.gobin}:/usr/bin:/bin` });
    expect(get(a, "tool.gopls").status).toBe("fail");
    expect(get(a, "tool.gopls").detail).toContain("shadows the right one");
    expect(get(a, "tool.gopls").fix).toContain(`remove ${stale}/gopls`);
  });
});

describe("credentials for private hosts", () => {
  const spec = SPEC(
    "modules:\n  private: [git.corp.example/team, github.com/acme, code.other.example]\n",
  );

  it("finds netrc entries, git rewrites and helpers without printing secrets", async () => {
    const m = fakeMachine();
    m.writeSpec(spec);
    writeFileSync(
      join(m.home, ".netrc"),
      "machine git.corp.example\nlogin bob\npassword hunter2\n",
      { mode: 0o600 },
    );
    writeFileSync(
      join(m.home, ".gitconfig"),
      '[url "https://x-token:ghp_SECRETTOKEN@github.com/acme/"]\n\tinsteadOf = https://github.com/acme/\n[credential]\n\thelper = "!f() { echo password=inlinesecret; }; f"\n',
    );
    const a = await doctor(m);
    expect(get(a, "auth.git.corp.example")).toMatchObject({ status: "pass" });
    expect(get(a, "auth.git.corp.example").detail).toContain(`a machine entry in ${m.home}/.netrc`);
    expect(get(a, "auth.github.com").detail).toContain("insteadOf https://github.com/acme/");
    expect(get(a, "auth.code.other.example").detail).toContain(
      "git credential helper a custom helper",
    );
    for (const secret of ["hunter2", "bob", "SECRETTOKEN", "x-token", "inlinesecret"])
      expect(a.raw).not.toContain(secret);
  });

  it("warns when a host has no credential source, and when netrc is readable by others", async () => {
    const m = fakeMachine();
    m.writeSpec(spec);
    writeFileSync(join(m.home, ".netrc"), "machine git.corp.example login bob password hunter2\n", {
      mode: 0o644,
    });
    const a = await doctor(m);
    expect(get(a, "auth.code.other.example")).toMatchObject({ status: "warn" });
    expect(get(a, "auth.code.other.example").fix).toContain("machine code.other.example");
    expect(get(a, "auth.git.corp.example")).toMatchObject({
      status: "warn",
      fix: `chmod 600 ${m.home}/.netrc`,
    });
    expect(a.raw).not.toContain("hunter2");
  });

  it("counts GOAUTH and uses NETRC when set", async () => {
    const m = fakeMachine();
    m.writeSpec(spec);
    const netrc = join(m.home, "custom-netrc");
    writeFileSync(netrc, "machine code.other.example login a password b\n", { mode: 0o600 });
    const a = await doctor(m, { NETRC: netrc, GOAUTH: "git /srv/repo" });
    expect(get(a, "auth.code.other.example").detail).toContain(netrc);
    expect(get(a, "auth.github.com").detail).toContain("GOAUTH (git)");
    expect(a.raw).not.toContain("/srv/repo");
  });
});

describe("docker and disk", () => {
  it("warns, never fails, without docker; passes with docker and compose", async () => {
    const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=local\n" });
    m.writeSpec(SPEC());
    let a = await doctor(m);
    expect(get(a, "docker")).toMatchObject({ status: "warn" });
    expect(a.code).toBe(0);
    m.placeScript(
      "docker",
      'if [ "$1" = compose ]; then echo "Docker Compose version v2.29.1"; else echo "Docker version 27.1.1, build abc"; fi',
    );
    a = await doctor(m);
    expect(get(a, "docker")).toMatchObject({
      status: "pass",
      detail: "Docker version 27.1.1, build abc",
    });
    expect(get(a, "docker.compose")).toMatchObject({
      status: "pass",
      detail: "Docker Compose version v2.29.1",
    });
    m.placeScript(
      "docker",
      'if [ "$1" = compose ]; then echo "unknown command" >&2; exit 1; else echo "Docker version 27.1.1"; fi',
    );
    a = await doctor(m);
    expect(get(a, "docker.compose").status).toBe("warn");
  });

  it("reports free space where GOMODCACHE lives, even before it exists", async () => {
    const m = fakeMachine();
    const a = await doctor(m);
    const d = get(a, "disk.modcache");
    expect(d.detail).toContain(`free for GOMODCACHE ${m.home}/go/pkg/mod`);
  });
});

describe("text output", () => {
  it("prints a table with a fix under each non-pass line, without colour off a terminal", async () => {
    const m = fakeMachine({ goversion: "go1.26.7" });
    m.writeSpec(SPEC());
    const r = await gopave(m.root, ["doctor"], { ...m.env, NO_COLOR: "" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^gopave doctor: .*, against gopave\.yaml\n/);
    expect(r.stdout).toMatch(
      / {2}FAIL {2}go version +installed go1\.26\.7; gopave\.yaml pins go1\.26\.8.*\n +fix: install Go 1\.26\.8/,
    );
    expect(r.stdout).toMatch(/\d+ passed, \d+ warnings?, \d+ failed\n$/);
    expect(r.stdout).not.toContain("\u001b[");
  });
});
