import {
  cpSync,
  lchownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { requireTools } from "./helpers/engines.js";
import {
  devcontainerCli,
  machineGo,
  pinGo,
  requireDevcontainerCli,
  run,
} from "./helpers/devcontainer-cli.js";
import type { DevcontainerCli, Up } from "./helpers/devcontainer-cli.js";
import { startPodman } from "./helpers/podman.js";
import type { Podman } from "./helpers/podman.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { ensureStandIns, localGoroot, standInsFor } from "./helpers/standins.js";
import { cacheRoot, lockDir } from "./helpers/test-cache.js";

/**
 * Proof that the dev container `gopave init` writes works when the real devcontainer CLI opens it
 * (`devcontainer up`, then `devcontainer exec` as its remoteUser), on rootful podman behind its
 * Docker API and the real Compose CLI, with stand-ins of the official images
 * (test/engines/standins) and every module fetched through `gopave proxy serve` as the spec's
 * team proxy. Two shapes: test/fixtures/library (no services: an image-backed devcontainer.json)
 * and examples/orders (postgres and redis: a compose-backed one, its dev service merged over the
 * repo's compose.yaml). In each: the spec's exact Go, every pinned tool at its pinned version,
 * the spec's module settings, module and build caches the user can write that outlive the
 * container, and `go build` / `go test` in the workspace folder. The library is opened as a
 * developer whose uid is not the image's (the CLI renumbers the remote user); the example's app,
 * run in its dev container, reaches postgres and redis.
 *
 * Not covered here: Docker seeds a new named volume with the image directory's owner and mode,
 * while podman 4.3 gives it to the container's user, and buildah 1.28 drops a directory that a
 * RUN --mount=type=cache was mounted on from the image (buildah#4927). Whether the volumes on
 * /go/pkg/mod and the build cache are writable under Docker is the generator tests' to check.
 *
 * Both dev images come from the same .devcontainer/Dockerfile (same Go, tools and team proxy),
 * so the second build reuses the first one's layers: the tools are built once per run.
 */

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "gopave.js");
const SLOW = 2_400_000;

/** How each tool `init` pins reports its own version (every one prints the pinned version). */
const VERSION_ARGS: Record<string, string[]> = {
  gopls: ["version"],
  dlv: ["version"],
  "golangci-lint": ["version"],
  gofumpt: ["-version"],
  staticcheck: ["-version"],
};

interface Spec {
  name: string;
  go: { version: string; toolchain?: string };
  modules: {
    teamProxy?: string;
    proxy?: string;
    sumdb?: string;
    private?: string[];
    flags?: string[];
  };
  tools?: Record<string, string | { package: string; version: string }>;
  apps?: { name: string; main: string; port?: number; health?: string }[];
}

interface DevcontainerJson {
  remoteUser: string;
  workspaceFolder: string;
  mounts?: string[];
  dockerComposeFile?: string[];
  runServices?: string[];
}

interface Case {
  title: string;
  /**
   * The uid (and gid) of the developer who opens it, when not root: the CLI builds its uid-update
   * image with it (updateRemoteUserUID, on by default on Linux) and the checkout is theirs.
   */
  hostUid?: number;
  repo: string;
  spec: Spec;
  config: DevcontainerJson;
  containerId?: string;
  composeProject?: string;
}

let work: string;
let proxy: Gopave;
let pm: Podman;
let ticker: { stop: () => Promise<void> } | undefined;
let cli: DevcontainerCli;
const timings: string[] = [];

const library = {} as Case;
const orders = {} as Case;

const gopave = (repo: string, args: string[]) =>
  run(process.execPath, [BIN, ...args], { cwd: repo });

/** A copy of a fixture with what `init` writes. */
async function initialise(c: Case, source: string) {
  c.repo = join(work, source.split("/").at(-1) ?? source);
  cpSync(join(ROOT, source), c.repo, { recursive: true });
  await gopave(c.repo, ["init", "--yes", "--offline"]);
  c.spec = parse(readFileSync(join(c.repo, "gopave.yaml"), "utf8")) as Spec;
}

/** The spec's team proxy (and any edits), then sync: what a team commits. */
async function adopt(c: Case, edit: (doc: ReturnType<typeof parseDocument>) => void) {
  const file = join(c.repo, "gopave.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["modules", "teamProxy"], proxy.url);
  edit(doc);
  writeFileSync(file, doc.toString());
  await gopave(c.repo, ["sync"]);
  c.spec = parse(readFileSync(file, "utf8")) as Spec;
  c.config = parseJsonc(
    readFileSync(join(c.repo, ".devcontainer", "devcontainer.json"), "utf8"),
  ) as DevcontainerJson;
}

const devcontainer = (c: Case, verb: "up" | "exec", args: string[]) =>
  cli(c.repo, verb, args, c.hostUid);

async function up(c: Case, label: string, extra: string[] = []): Promise<Up> {
  const t0 = performance.now();
  // Without a developer's uid the uid update has nothing to do (0 is root's in every image). With
  // podman the CLI also looks a compose-built image up as localhost/<name>, which is not the name
  // the Compose CLI gives it, so the compose-backed case runs without it.
  const { stdout } = await devcontainer(c, "up", [
    "--update-remote-user-uid-default",
    c.hostUid === undefined ? "off" : "on",
    ...extra,
  ]);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  timings.push(`${c.title}: devcontainer up (${label}) ${s} s`);
  const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Up;
  expect(result.outcome).toBe("success");
  c.containerId = result.containerId;
  c.composeProject = result.composeProjectName;
  return result;
}

/** A shell script in the dev container, as its remoteUser, in the workspace folder. */
async function exec(c: Case, script: string): Promise<string> {
  return (await devcontainer(c, "exec", ["bash", "-c", script])).stdout;
}

/** The remote user's uid in the dev image, before the CLI renumbers it. */
function imageUid(c: Case): number {
  const dockerfile = readFileSync(join(c.repo, ".devcontainer", "Dockerfile"), "utf8");
  const uid = /\buseradd\b.*--uid (\d+)/.exec(dockerfile)?.[1];
  if (uid === undefined) throw new Error("the dev Dockerfile adds no user with a uid");
  return Number(uid);
}

function chownTree(dir: string, id: number): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false })) {
    lchownSync(join(dir, String(entry)), id, id);
  }
  lchownSync(dir, id, id);
}

/** The tool binary name of a `go install` package path (a /vN major suffix is not the name). */
function binaryName(pkg: string): string {
  const parts = pkg.split("/");
  const last = parts.at(-1) ?? "";
  return /^v\d+$/.test(last) && parts.length > 1 ? (parts.at(-2) ?? last) : last;
}

function proxied(): string[] {
  return proxy.logs().flatMap((l) => (typeof l.path === "string" ? [l.path] : []));
}

beforeAll(async () => {
  requireTools("podman", "buildah", "runc", "debootstrap", "go");
  await requireDevcontainerCli();
  work = mkdtempSync(join(tmpdir(), "gopave-engines-devcontainer-"));
  await initialise(library, "test/fixtures/library");
  await initialise(orders, "examples/orders");
  localGoroot(orders.spec.go.version);
  const store = ensureStandIns(standInsFor(orders.repo));
  pm = await startPodman({ imageStores: [store] });
  ticker = pm.healthTicker();

  // The team proxy listens where both sides reach it and nothing outside this machine does: on a
  // host-only bridge. Build steps run on the host's network, the dev containers on bridges of
  // their own (127.0.0.1 would work in the build and fail in the container).
  const bridge = await pm.hostBridge(`docker.io/library/golang:${orders.spec.go.version}`);
  proxy = await startGopave({ trustedSums: [], listenHost: bridge });

  // The golang stand-in carries this machine's toolchain: the library fixture's go line (1.23.0)
  // gets that release instead, with the tools init pins for it.
  const go = await machineGo();
  await adopt(library, (doc) => pinGo(doc, go));
  library.title = "library (image-backed)";
  // A Linux developer whose uid is not the image's 1000 (a second account, a directory-service
  // uid): their checkout, and the remote user renumbered to their uid by the CLI.
  library.hostUid = 1001;
  chownTree(library.repo, library.hostUid);
  await adopt(orders, () => undefined);
  orders.title = "orders (compose-backed)";

  cli = devcontainerCli(pm, join(work, "bin"));
}, SLOW);

afterAll(async () => {
  await ticker?.stop();
  await pm?.close();
  await proxy?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (timings.length > 0) console.info(timings.join("\n"));
}, SLOW);

/** The proof both dev containers pass. */
function provesDevContainer(c: Case) {
  it(
    "devcontainer up builds the dev image and starts it for the remote user",
    async () => {
      const result = await up(c, "cold");
      expect(result.remoteUser).toBe(c.config.remoteUser);
      expect(result.remoteWorkspaceFolder).toBe(c.config.workspaceFolder);
      expect((await exec(c, "id -un; id -u; pwd")).trim().split("\n")).toEqual([
        c.config.remoteUser,
        String(c.hostUid ?? imageUid(c)),
        c.config.workspaceFolder,
      ]);
    },
    SLOW,
  );

  it("runs exactly the spec's Go", async () => {
    const out = await exec(c, "go env GOVERSION; go version");
    expect(out.split("\n")[0]).toBe(`go${c.spec.go.version}`);
    expect(out.split("\n")[1]).toMatch(new RegExp(`^go version go${c.spec.go.version} `));
  });

  it("has every pinned tool at its pinned version, built from the team proxy's modules", async () => {
    const dockerfile = readFileSync(join(c.repo, ".devcontainer", "Dockerfile"), "utf8");
    const installs = [...dockerfile.matchAll(/go install (\S+)@(\S+)/g)].map((m) => ({
      pkg: m[1] ?? "",
      version: m[2] ?? "",
    }));
    const tools = Object.entries(c.spec.tools ?? {}).map(([name, v]) => ({
      name,
      version: typeof v === "string" ? v : v.version,
    }));
    expect(tools.length).toBeGreaterThan(0);
    const script = tools
      .map(({ name }) => {
        const args = VERSION_ARGS[name];
        if (!args) throw new Error(`add how ${name} reports its version to VERSION_ARGS`);
        return `echo "== ${name}"; go version -m "$(command -v ${name})"; echo "-- runs"; ${name} ${args.join(" ")}`;
      })
      .join("; ");
    const sections = (await exec(c, script)).split(/^== /m).slice(1);
    for (const { name, version } of tools) {
      const lines = installs.filter((i) => binaryName(i.pkg) === name);
      expect(lines, `${name}'s go install line`).toEqual([{ pkg: expect.any(String), version }]);
      const pkg = lines[0]?.pkg ?? "";
      const [buildInfo = "", ownWord = ""] = (
        sections.find((s) => s.startsWith(`${name}\n`)) ?? ""
      ).split("-- runs\n");
      expect(buildInfo.split("\n"), name).toContain(`\tpath\t${pkg}`);
      const mod = /^\tmod\t(\S+)\t(\S+)\t/m.exec(buildInfo);
      const module = mod?.[1] ?? "";
      expect(pkg === module || pkg.startsWith(`${module}/`), `${pkg} is in ${module}`).toBe(true);
      expect(mod?.[2], name).toBe(version);
      // The binary runs and says so itself.
      expect(ownWord, name).toContain(version.replace(/^v/, ""));
      expect(proxied(), `${module}@${version} through the team proxy`).toContain(
        `/${module}/@v/${version}.zip`,
      );
    }
  });

  it("has the spec's module settings in the go command's environment", async () => {
    const env = JSON.parse(
      await exec(
        c,
        "go env -json GOPROXY GOTOOLCHAIN GOFLAGS GOPRIVATE GONOPROXY GONOSUMDB GOSUMDB",
      ),
    ) as Record<string, string>;
    const m = c.spec.modules;
    expect(m.proxy).toBeUndefined();
    expect(env.GOPROXY).toBe(proxy.url);
    expect(env.GOPROXY).toBe(m.teamProxy);
    expect(c.spec.go.toolchain).toBeUndefined();
    expect(env.GOTOOLCHAIN).toBe("local");
    expect(env.GOFLAGS).toBe((m.flags ?? []).join(" "));
    expect(env.GOPRIVATE).toBe((m.private ?? []).join(","));
    expect(env.GONOPROXY).toBe(env.GOPRIVATE);
    expect(env.GONOSUMDB).toBe(env.GOPRIVATE);
    // Checksum verification stays on.
    expect(env.GOSUMDB).not.toBe("off");
    if (m.sumdb !== undefined) expect(env.GOSUMDB).toBe(m.sumdb);
  });

  it(
    "builds and tests the workspace, fetching its modules through the team proxy",
    async () => {
      const requires = [
        ...readFileSync(join(c.repo, "go.mod"), "utf8").matchAll(
          /^\s*(?:require\s+)?(\S+)\s+(v\S+)\s*$/gm,
        ),
      ].map((m) => `/${m[1]}/@v/${m[2]}.zip`);
      const before = proxied().length;
      await exec(c, `cd '${c.config.workspaceFolder}' && go build ./... && go test ./...`);
      const fetched = proxied().slice(before);
      for (const zip of requires) expect(fetched, "fetched in the dev container").toContain(zip);
    },
    SLOW,
  );

  it(
    "keeps the module and build caches, written by the remote user, across a container rebuild",
    async () => {
      const token = `gopave-devcontainer-proof-${process.pid}-${Date.now()}`;
      const dirs = (await exec(c, "go env GOMODCACHE GOCACHE")).trim().split("\n");
      expect(dirs).toHaveLength(2);
      await exec(c, dirs.map((d) => `echo ${token} > '${d}/${token}'`).join(" && "));
      const first = c.containerId;
      await up(c, "warm, --remove-existing-container", ["--remove-existing-container"]);
      expect(c.containerId).not.toBe(first);
      const out = await exec(
        c,
        dirs.map((d) => `cat '${d}/${token}'; stat -c %U '${d}/${token}'`).join("; "),
      );
      expect(out.trim().split("\n")).toEqual(dirs.flatMap(() => [token, c.config.remoteUser]));
    },
    SLOW,
  );
}

describe("an image-backed dev container: test/fixtures/library", () => {
  provesDevContainer(library);

  afterAll(async () => {
    if (!library.repo) return;
    const ids = (
      await pm.podmanAsync([
        "ps",
        "--all",
        "--quiet",
        "--filter",
        `label=devcontainer.local_folder=${library.repo}`,
      ])
    )
      .trim()
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) await pm.podmanAsync(["rm", "--force", "--time", "0", ...ids]);
    const volumes = (library.config.mounts ?? []).flatMap(
      (m) => /(?:^|,)source=([^,]+),.*type=volume/.exec(m)?.[1] ?? [],
    );
    if (volumes.length > 0) await pm.podmanAsync(["volume", "rm", "--force", ...volumes]);
  }, SLOW);
});

describe("a compose-backed dev container: examples/orders", () => {
  // Its services publish ports on 127.0.0.1 that the stack test publishes too.
  let releasePorts: (() => void) | undefined;
  const composeFiles = () => [
    ...(orders.composeProject ? ["--project-name", orders.composeProject] : []),
    ...(orders.config.dockerComposeFile ?? []).flatMap((f) => [
      "-f",
      join(orders.repo, ".devcontainer", f),
    ]),
  ];
  const down = () => pm.compose(orders.repo, [...composeFiles(), "down", "-v", "-t", "1"]);
  let downDone = false;

  beforeAll(() => {
    releasePorts = lockDir(join(cacheRoot(), "published-ports.lock"), 3_600_000);
  }, 3_600_000);

  afterAll(async () => {
    try {
      if (!downDone && orders.repo) await down().catch(() => undefined);
    } finally {
      releasePorts?.();
    }
  }, SLOW);

  provesDevContainer(orders);

  it("starts only the dev container and the backing services, healthy", async () => {
    const ps = (await pm.compose(orders.repo, [...composeFiles(), "ps", "--format", "json"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { Service: string; State: string; Health: string });
    expect(ps.map((p) => p.Service).sort()).toEqual([...(orders.config.runServices ?? [])].sort());
    for (const p of ps) {
      expect(p.State, p.Service).toBe("running");
      if (p.Service !== "dev") expect(p.Health, p.Service).toBe("healthy");
    }
  });

  it(
    "runs an app in the dev container that reaches postgres and redis by the dev service's URLs",
    async () => {
      const app = orders.spec.apps?.find((a) => a.port !== undefined && a.health !== undefined);
      if (!app?.port || !app.health)
        throw new Error("the example has no app with a port and health path");
      // The app's /healthz pings postgres and redis (DATABASE_URL, REDIS_URL from the dev service).
      const out = await exec(
        orders,
        [
          `go build -o /tmp/gopave-proof-app '${app.main}'`,
          "/tmp/gopave-proof-app > /tmp/gopave-proof-app.log 2>&1 & pid=$!",
          "trap 'kill $pid' EXIT",
          `for i in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/${app.port} && printf 'GET ${app.health} HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3) 2>/dev/null && exit 0; sleep 0.2; done`,
          "cat /tmp/gopave-proof-app.log; exit 1",
        ].join("\n"),
      );
      expect(out).toMatch(/^HTTP\/1\.0 200 /);
      expect(out.trimEnd()).toMatch(/\r\n\r\nok$/);
    },
    SLOW,
  );

  it("compose down -v leaves no container, volume or network behind", async () => {
    const project = ["--filter", `label=com.docker.compose.project=${orders.composeProject}`];
    expect(orders.composeProject).toBeTruthy();
    for (const kind of [
      ["ps", "--all"],
      ["volume", "ls"],
      ["network", "ls"],
    ]) {
      expect(pm.podman([...kind, "--quiet", ...project]).trim(), `${kind[0]} before`).not.toBe("");
    }
    await down();
    downDone = true;
    // The project's: the host-only bridge that the team proxy listens on is the test's own.
    expect(pm.podman(["ps", "--all", "--quiet", ...project]).trim()).toBe("");
    expect(pm.podman(["volume", "ls", "--quiet", ...project]).trim()).toBe("");
    expect(pm.podman(["network", "ls", "--quiet", ...project]).trim()).toBe("");
  }, 120_000);
});
