import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../src/doctor/types.js";
import { gopave } from "./helpers/cli.js";

/** A zip with stored (uncompressed) entries: all a module zip needs, without a zip library. */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const MODULE = "example.com/hello";
const PKG = `${MODULE}/cmd/hello`;

/** A file:// module proxy serving two versions of a tiny tool module. */
function writeProxy(dir: string): void {
  const base = join(dir, ...MODULE.split("/"), "@v");
  mkdirSync(base, { recursive: true });
  const gomod = `module ${MODULE}\n\ngo 1.22\n`;
  for (const v of ["v1.0.0", "v1.1.0"]) {
    writeFileSync(
      join(base, `${v}.info`),
      JSON.stringify({ Version: v, Time: "2025-01-01T00:00:00Z" }),
    );
    writeFileSync(join(base, `${v}.mod`), gomod);
    writeFileSync(
      join(base, `${v}.zip`),
      storedZip({
        [`${MODULE}@${v}/go.mod`]: gomod,
        [`${MODULE}@${v}/cmd/hello/main.go`]: `package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello ${v}\\n") }\n`,
      }),
    );
  }
  writeFileSync(join(base, "list"), "v1.0.0\nv1.1.0\n");
}

let top: string;
let repo: string;
let gobin: string;
let env: NodeJS.ProcessEnv;
let proxy: string;
let goVersion: string;

function spec(version: string): string {
  return `version: 1
name: app
go:
  version: ${goVersion}
  toolchain: local
modules:
  proxy: ${proxy}
  sumdb: "off"
  flags: [-modcacherw]
tools:
  hello: { package: ${PKG}, version: ${version} }
`;
}

function go(args: string[]): string {
  return execFileSync("go", args, { env: { ...process.env, ...env }, encoding: "utf8" });
}

beforeAll(() => {
  const realGo = execFileSync("go", ["env", "GOROOT"], {
    encoding: "utf8",
    env: { ...process.env, GOTOOLCHAIN: "local" },
  }).trim();
  top = mkdtempSync(join(tmpdir(), "gopave-doctor-real-"));
  repo = join(top, "repo");
  gobin = join(top, "gobin");
  const home = join(top, "home");
  for (const d of [repo, gobin, home]) mkdirSync(d, { recursive: true });
  writeProxy(join(top, "proxy"));
  proxy = `file://${join(top, "proxy")}`;
  env = {
    PATH: `${gobin}:${join(realGo, "bin")}:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GOPATH: join(top, "gopath"),
    GOBIN: gobin,
    GOCACHE: join(top, "gocache"),
    // A private module cache: the test module must not land in the real one.
    GOMODCACHE: join(top, "modcache"),
    GOPROXY: proxy,
    GOSUMDB: "off",
    GOFLAGS: "-modcacherw",
    GOTOOLCHAIN: "local",
    GOPRIVATE: "",
    GONOPROXY: "",
    GONOSUMDB: "",
    GOENV: "",
    NETRC: "",
    GOTELEMETRY: "off",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  goVersion = go(["env", "GOVERSION"]).trim().replace(/^go/, "");
  writeFileSync(join(repo, "go.mod"), "module example.com/app\n\ngo 1.22\n");
  // The tool, really built and installed by the go command.
  go(["install", `${PKG}@v1.0.0`]);
});

afterAll(() => {
  rmSync(top, { recursive: true, force: true });
});

async function audit(): Promise<{ code: number; checks: Map<string, Check> }> {
  const r = await gopave(repo, ["doctor", "--json"], env);
  const parsed = JSON.parse(r.stdout) as { checks: Check[] };
  return { code: r.code, checks: new Map(parsed.checks.map((c) => [c.id, c])) };
}

describe("doctor with the real go", () => {
  it("passes a tool installed at its pinned version", async () => {
    writeFileSync(join(repo, "gopave.yaml"), spec("v1.0.0"));
    const a = await audit();
    expect(a.checks.get("tool.hello")).toMatchObject({
      status: "pass",
      detail: `v1.0.0 at ${gobin}/hello (built with go${goVersion})`,
    });
    expect(a.checks.get("go.version")?.status).toBe("pass");
    expect(a.checks.get("env.GOPROXY")?.detail).toBe(`${proxy} — from the process environment`);
    expect(a.checks.get("proxy.1")).toMatchObject({
      status: "pass",
      detail: `directory ${join(top, "proxy")} exists`,
    });
    expect(a.checks.get("tools.gobin")?.status).toBe("pass");
    expect(a.code).toBe(0);
  });

  it("fails a pin mismatch, and --fix installs the pinned version", async () => {
    writeFileSync(join(repo, "gopave.yaml"), spec("v1.1.0"));
    const a = await audit();
    expect(a.checks.get("tool.hello")).toMatchObject({
      status: "fail",
      detail: `v1.0.0 at ${gobin}/hello; gopave.yaml pins v1.1.0`,
      fix: `go install ${PKG}@v1.1.0`,
    });
    expect(a.code).toBe(1);

    const r = await gopave(repo, ["doctor", "--fix"], env);
    expect(r.stdout).toContain(`hello v1.1.0: go install ${PKG}@v1.1.0 ...`);
    expect(r.stdout).toContain("  hello v1.1.0: FAIL -> pass\n");
    expect(r.code).toBe(0);
    expect(go(["version", "-m", join(gobin, "hello")])).toContain(`\tmod\t${MODULE}\tv1.1.0\t`);
    expect(execFileSync(join(gobin, "hello"), { encoding: "utf8" })).toBe("hello v1.1.0\n");
  });
});
