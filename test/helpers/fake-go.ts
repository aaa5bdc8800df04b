import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A controlled machine for `gopave doctor`: a fake `go` (a Node script) first on PATH that
 * resolves go env like the real one (process env > go env file > $GOROOT/go.env > built-in),
 * writes the env file for `go env -w/-u`, prints canned `go version -m` for binaries it
 * "installed", and records every invocation.
 */
const FAKE_GO = String.raw`
const fs = require("node:fs");
const path = require("node:path");
const state = JSON.parse(fs.readFileSync(process.env.FAKE_GO_STATE, "utf8"));
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_GO_LOG, JSON.stringify({ args, cwd: process.cwd(), GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? null }) + "\n");
const home = process.env.HOME || "/nonexistent";
const goenvPath = process.env.GOENV || path.join(process.env.XDG_CONFIG_HOME || path.join(home, ".config"), "go", "env");
function parse(file) {
  const m = new Map();
  let text = "";
  try { text = fs.readFileSync(file, "utf8"); } catch { return m; }
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i < 0 || !/^[A-Z]/.test(line)) continue;
    m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}
const LAYERED = ["GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOFLAGS", "GOTOOLCHAIN", "GOAUTH", "GOBIN", "GOPATH", "GOMODCACHE"];
function resolveEnv() {
  const file = goenvPath === "off" ? new Map() : parse(goenvPath);
  const goenv = parse(path.join(state.goroot, "go.env"));
  const out = { ...state.fixed, GOROOT: state.goroot, GOENV: goenvPath, GOVERSION: state.goversion };
  const pick = (k, d) => process.env[k] || file.get(k) || goenv.get(k) || d;
  for (const k of LAYERED) out[k] = pick(k, state.builtin[k] ?? "");
  out.GONOPROXY = pick("GONOPROXY", out.GOPRIVATE);
  out.GONOSUMDB = pick("GONOSUMDB", out.GOPRIVATE);
  if (!out.GOPATH) out.GOPATH = path.join(home, "go");
  if (!out.GOMODCACHE) out.GOMODCACHE = path.join(out.GOPATH, "pkg", "mod");
  return out;
}
function writeFile(update) {
  const m = parse(goenvPath);
  update(m);
  fs.mkdirSync(path.dirname(goenvPath), { recursive: true });
  fs.writeFileSync(goenvPath, [...m].map(([k, v]) => k + "=" + v + "\n").join(""));
}
const [cmd, ...rest] = args;
if (cmd === "env" && rest[0] === "-json") {
  const all = resolveEnv();
  const names = rest.slice(1);
  const obj = {};
  for (const k of Object.keys(all).sort()) if (names.length === 0 || names.includes(k)) obj[k] = all[k];
  process.stdout.write(JSON.stringify(obj, null, "\t") + "\n");
} else if (cmd === "env" && rest[0] === "-w") {
  writeFile((m) => { for (const kv of rest.slice(1)) { const i = kv.indexOf("="); m.set(kv.slice(0, i), kv.slice(i + 1)); } });
} else if (cmd === "env" && rest[0] === "-u") {
  writeFile((m) => { for (const k of rest.slice(1)) m.delete(k); });
} else if (cmd === "env") {
  const all = resolveEnv();
  process.stdout.write(rest.map((k) => (all[k] ?? "") + "\n").join(""));
} else if (cmd === "version" && rest[0] === "-m") {
  const file = rest[1];
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const m = /^# fake-buildinfo (.*)$/m.exec(text);
  if (!m) {
    process.stderr.write(file + ": could not read Go build info from " + file + ": unrecognized file format\n");
    process.exit(1);
  }
  const b = JSON.parse(m[1]);
  process.stdout.write(file + ": " + b.go + "\n\tpath\t" + b.path + "\n\tmod\t" + b.mod + "\t" + b.version + "\th1:fake=\n\tbuild\t-compiler=gc\n");
} else if (cmd === "install") {
  const spec = rest[rest.length - 1];
  const b = state.builds[spec];
  if (!b) {
    process.stderr.write("go: " + spec + ": module lookup disabled by the fake go\n");
    process.exit(1);
  }
  const env = resolveEnv();
  const dir = env.GOBIN || path.join(env.GOPATH.split(":")[0], "bin");
  fs.mkdirSync(dir, { recursive: true });
  const name = b.bin;
  fs.writeFileSync(path.join(dir, name), "#!/bin/sh\n# fake-buildinfo " + JSON.stringify(b) + "\n");
  fs.chmodSync(path.join(dir, name), 0o755);
} else {
  process.stderr.write("fake go: unsupported: " + args.join(" ") + "\n");
  process.exit(2);
}
`;

export interface FakeBuild {
  /** Binary name go install writes. */
  bin: string;
  /** "go1.26.8" */
  go: string;
  /** Main package path. */
  path: string;
  /** Main module path. */
  mod: string;
  version: string;
}

export interface FakeGoCall {
  args: string[];
  cwd: string;
  GOTOOLCHAIN: string | null;
}

export interface FakeMachine {
  /** The repo (cwd for gopave). */
  root: string;
  home: string;
  /** Directory first on PATH, holding the fake go. */
  bin: string;
  gobin: string;
  goroot: string;
  /** The go env file (`go env GOENV`). */
  envFile: string;
  /** Environment to run gopave with. */
  env: NodeJS.ProcessEnv;
  calls(): FakeGoCall[];
  /** `go install <pkg>@<version>` succeeds and writes this binary. */
  addBuild(pkgAtVersion: string, build: FakeBuild): void;
  /** A binary already in a directory, as if installed earlier. */
  placeBinary(dir: string, build: FakeBuild): string;
  /** A shell script on PATH (docker, git stand-ins). */
  placeScript(name: string, body: string): void;
  writeSpec(yaml: string): void;
}

export interface FakeMachineOptions {
  goversion?: string;
  /** $GOROOT/go.env content. */
  goEnvFile?: string;
  /** Values when no layer sets them. */
  builtin?: Record<string, string>;
  goMod?: string;
  /** Leave the fake go out (go missing). */
  noGo?: boolean;
}

/** Every go setting the doctor reads, cleared so the host's environment cannot leak in. */
const CLEARED = [
  "GOPROXY",
  "GOSUMDB",
  "GOPRIVATE",
  "GONOPROXY",
  "GONOSUMDB",
  "GOFLAGS",
  "GOTOOLCHAIN",
  "GOAUTH",
  "GOBIN",
  "GOPATH",
  "GOMODCACHE",
  "GOENV",
  "NETRC",
  "GOROOT",
];

export function fakeMachine(opts: FakeMachineOptions = {}): FakeMachine {
  const top = mkdtempSync(join(tmpdir(), "gopave-doctor-"));
  const dirs = {
    root: join(top, "repo"),
    home: join(top, "home"),
    bin: join(top, "fakebin"),
    gopath: join(top, "home", "go"),
    goroot: join(top, "goroot"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const gobin = join(dirs.gopath, "bin");
  mkdirSync(gobin, { recursive: true });
  const xdg = join(dirs.home, ".config");
  const envFile = join(xdg, "go", "env");
  const stateFile = join(top, "fake-go-state.json");
  const log = join(top, "fake-go-log.jsonl");
  writeFileSync(log, "");
  const state = {
    goversion: opts.goversion ?? "go1.26.8",
    goroot: dirs.goroot,
    fixed: { GOEXE: "", GOOS: "linux", GOARCH: "amd64" },
    builtin: { GOSUMDB: "off", GOPROXY: "off", GOAUTH: "netrc", ...opts.builtin },
    builds: {} as Record<string, FakeBuild>,
  };
  const save = () => writeFileSync(stateFile, JSON.stringify(state));
  save();
  writeFileSync(join(dirs.goroot, "go.env"), opts.goEnvFile ?? "GOTOOLCHAIN=auto\n");
  if (!opts.noGo) {
    // A .cjs file run by a sh wrapper: an extensionless script would be read as ESM whenever a
    // package.json with "type": "module" sits above the temp dir.
    writeFileSync(join(top, "fake-go.cjs"), FAKE_GO);
    writeFileSync(
      join(dirs.bin, "go"),
      `#!/bin/sh\nexec "${process.execPath}" "${join(top, "fake-go.cjs")}" "$@"\n`,
    );
    chmodSync(join(dirs.bin, "go"), 0o755);
  }
  writeFileSync(join(dirs.root, "go.mod"), opts.goMod ?? "module example.com/app\n\ngo 1.25.0\n");
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(CLEARED.map((k) => [k, ""])),
    PATH: `${dirs.bin}:${gobin}:/usr/bin:/bin`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: xdg,
    GIT_CONFIG_NOSYSTEM: "1",
    NO_COLOR: "1",
    FAKE_GO_STATE: stateFile,
    FAKE_GO_LOG: log,
    GOPAVE_DOCTOR_TIMEOUT_MS: "2000",
  };
  const placeBinary = (dir: string, build: FakeBuild) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, build.bin);
    writeFileSync(file, `#!/bin/sh\n# fake-buildinfo ${JSON.stringify(build)}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  return {
    root: dirs.root,
    home: dirs.home,
    bin: dirs.bin,
    gobin,
    goroot: dirs.goroot,
    envFile,
    env,
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as FakeGoCall),
    addBuild: (key, build) => {
      state.builds[key] = build;
      save();
    },
    placeBinary,
    placeScript: (name, body) => {
      const file = join(dirs.bin, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
    },
    writeSpec: (yaml) => writeFileSync(join(dirs.root, "gopave.yaml"), yaml),
  };
}
