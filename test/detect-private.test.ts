import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { detect } from "../src/detect/index.js";

execFileSync("go", ["version"]);

const base = mkdtempSync(join(tmpdir(), "gopave-detect-private-"));
let n = 0;
function tree(files: Record<string, string>): string {
  const root = join(base, `repo${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Stands in for the public proxy: answers by the escaped module path of each .info request. */
const requests: string[] = [];
let inFlight = 0;
let maxInFlight = 0;
let delayMs = 0;
const ANSWERS: Record<string, number | "hang"> = {
  "/github.com/jackc/pgx/v5/@v/v5.7.1.info": 200,
  "/github.com/redis/go-redis/v9/@v/v9.7.0.info": 200,
  "/github.com/acme/fork/@v/v1.1.0.info": 200,
  "/github.com/acme/private/@v/v1.0.0.info": 404,
  "/github.com/!big!corp/secret/@v/v0.1.0.info": 410,
  "/git.example.com/team/public/@v/v1.0.0.info": 200,
  "/gitlab.acme.io/team/lib/@v/v1.2.0.info": 404,
  "/example.org/slow/@v/v1.0.0.info": "hang",
  "/git.hang.example/x/@v/v1.0.0.info": "hang",
  "/example.net/broken/@v/v1.0.0.info": 500,
};
const hanging = new Set<ServerResponse>();
let server: Server;
let proxyUrl = "";

function handle(req: IncomingMessage, res: ServerResponse) {
  requests.push(req.url ?? "");
  const path = (req.url ?? "").replace(/^\/proxy/, "");
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  res.on("close", () => inFlight--);
  const answer = ANSWERS[path] ?? (/^\/example\.com\/many\d+\//.test(path) ? 200 : 404);
  if (answer === "hang") {
    hanging.add(res);
    return;
  }
  setTimeout(() => {
    res.statusCode = answer;
    res.end(answer === 200 ? '{"Version":"v1.0.0"}' : "not found");
  }, delayMs);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/proxy`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(base, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
  maxInFlight = 0;
  delayMs = 0;
});

const onlineEnv = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: "", GOPAVE_PUBLIC_PROXY: proxyUrl };
  delete e.GOPROXY;
  delete e.GOPAVE_OFFLINE;
  return e;
};

const GO_MOD = `module example.com/shop

go 1.24

require (
\tgithub.com/jackc/pgx/v5 v5.7.1
\tgithub.com/acme/private v1.0.0
\tgithub.com/BigCorp/secret v0.1.0
\tgit.example.com/team/public v1.0.0
\tgitlab.acme.io/team/lib v1.2.0
\tgit.corp.internal/platform/auth v0.3.0
\tgolang.org/x/sync v0.10.0 // indirect
\texample.com/replaced v1.0.0
\texample.com/swapped v1.0.0 // indirect
\tgithub.com/redis/go-redis/v9 v9.7.0 // indirect
)

replace example.com/replaced => ../replaced
replace example.com/swapped => github.com/acme/fork v1.1.0
`;

describe("private modules, asking a proxy", () => {
  it("404/410 mean private, 200 public; asks about replacements; skips known public hosts, local replaces and certain-private hosts", async () => {
    const root = tree({ "go.mod": GO_MOD, "main.go": "package main\n\nfunc main() {}\n" });
    const d = await detect(root, { env: onlineEnv() });
    expect(d.privateEvidence).toEqual([
      { module: "git.corp.internal/platform/auth", reason: "host-heuristic" },
      { module: "github.com/BigCorp/secret", reason: "proxy-not-found" },
      { module: "github.com/acme/private", reason: "proxy-not-found" },
      { module: "gitlab.acme.io/team/lib", reason: "proxy-not-found" },
    ]);
    expect(d.privateGlobs).toEqual([
      "git.corp.internal",
      "github.com/BigCorp",
      "github.com/acme",
      "gitlab.acme.io",
    ]);
    // Case-encoded request paths; nothing about golang.org, replaced modules or the .internal host.
    expect([...requests].sort()).toEqual([
      "/proxy/git.example.com/team/public/@v/v1.0.0.info",
      "/proxy/github.com/!big!corp/secret/@v/v0.1.0.info",
      "/proxy/github.com/acme/fork/@v/v1.1.0.info",
      "/proxy/github.com/acme/private/@v/v1.0.0.info",
      "/proxy/github.com/jackc/pgx/v5/@v/v5.7.1.info",
      "/proxy/github.com/redis/go-redis/v9/@v/v9.7.0.info",
      "/proxy/gitlab.acme.io/team/lib/@v/v1.2.0.info",
    ]);
    // The only note: ../replaced is outside the repo, so outside the Docker build context.
    expect(d.notes).toEqual([
      expect.stringContaining("is replaced by ../replaced, outside the repo"),
    ]);
    // Services come from what main packages import: none here, though go.mod requires pgx.
    expect(d.services).toEqual([]);
  });

  it("names hosts that only look self-hosted in a note, when the proxy hangs or errs", async () => {
    const root = tree({
      "go.mod": `module example.com/slowpoke

go 1.24

require (
\texample.org/slow v1.0.0
\tgit.hang.example/x v1.0.0
\texample.net/broken v1.0.0
\tgithub.com/acme/private v1.0.0
)
`,
    });
    const started = Date.now();
    const d = await detect(root, { env: onlineEnv(), proxyBudgetMs: 600 });
    expect(Date.now() - started).toBeLessThan(5_000);
    // A forge-like name is not evidence: a wrong GOPRIVATE would turn off checksum verification.
    expect(d.privateEvidence).toEqual([
      { module: "github.com/acme/private", reason: "proxy-not-found" },
    ]);
    expect(d.notes.join("\n")).toMatch(/git\.hang\.example\/x looks self-hosted/);
    const note = d.notes.find((x) => x.includes("did not answer"));
    expect(note).toMatch(/example\.net\/broken/);
    expect(note).toMatch(/example\.org\/slow/);
    expect(note).toMatch(/git\.hang\.example\/x/);
    expect(note).toMatch(/HTTP 500/);
    expect(note).toMatch(/no answer within 600 ms/);
  });

  it("keeps to 8 requests at a time within the default budget", async () => {
    delayMs = 40;
    const reqs = Array.from({ length: 30 }, (_, i) => `\texample.com/many${i}/lib v1.0.0\n`).join(
      "",
    );
    const root = tree({
      "go.mod": `module example.com/fanout\n\ngo 1.24\n\nrequire (\n${reqs})\n`,
    });
    const d = await detect(root, { env: onlineEnv() });
    expect(requests).toHaveLength(30);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(d.privateGlobs).toEqual([]);
    expect(d.notes).toEqual([]);
  });
});

describe("offline", () => {
  const root = () => tree({ "go.mod": GO_MOD });
  // Only hosts no public proxy can serve are certain; forge-like names get a note.
  const heuristicOnly = {
    privateEvidence: [{ module: "git.corp.internal/platform/auth", reason: "host-heuristic" }],
    privateGlobs: ["git.corp.internal"],
    notes: expect.arrayContaining([
      expect.stringMatching(
        /^git\.example\.com\/team\/public, gitlab\.acme\.io\/team\/lib look self-hosted/,
      ),
    ]),
  };

  it("opts.offline asks nobody and judges by host name", async () => {
    const d = await detect(root(), { env: onlineEnv(), offline: true });
    expect(requests).toEqual([]);
    expect(d).toMatchObject(heuristicOnly);
  });

  it.each([
    ["GOPAVE_OFFLINE=1", { GOPAVE_OFFLINE: "1" }],
    ["GOPROXY=off", { GOPROXY: "off" }],
  ])("%s does the same", async (_n, extra) => {
    const d = await detect(root(), { env: { ...onlineEnv(), ...extra } });
    expect(requests).toEqual([]);
    expect(d).toMatchObject(heuristicOnly);
  });

  it("so does GOPROXY=off set with go env -w (the go env file)", async () => {
    const goenv = join(base, "goenv-off");
    writeFileSync(goenv, "GOPROXY=off\n");
    const d = await detect(root(), { env: { ...onlineEnv(), GOENV: goenv } });
    expect(requests).toEqual([]);
    expect(d).toMatchObject(heuristicOnly);
  });

  it("judges by host name, with a note, when there is no go and no GOPAVE_PUBLIC_PROXY", async () => {
    const emptyBin = mkdtempSync(join(base, "bin-"));
    const e = onlineEnv();
    delete e.GOPAVE_PUBLIC_PROXY;
    const d = await detect(root(), { env: { ...e, PATH: emptyBin } });
    expect(requests).toEqual([]);
    expect(d).toMatchObject(heuristicOnly);
    expect(d.notes.join("\n")).toMatch(/found no public module proxy to ask/);
  });
});

describe("no network, no module cache", () => {
  it("detects everything with GOPROXY=off, an empty GOMODCACHE and GOFLAGS=-mod=mod", async () => {
    const modcache = mkdtempSync(join(base, "modcache-"));
    const root = tree({
      "go.mod": `module github.com/acme/orders/v2

go 1.24

require (
\tgithub.com/jackc/pgx/v5 v5.7.1
\tgithub.com/redis/go-redis/v9 v9.7.0
\tgo.mongodb.org/mongo-driver/v2 v2.1.0
\tgit.corp.internal/platform/auth v0.3.0
\tgolang.org/x/sync v0.10.0 // indirect
)
`,
      "go.sum": "github.com/jackc/pgx/v5 v5.7.1 h1:x=\n",
      "cmd/api/main.go":
        'package main\n\nimport (\n\t_ "github.com/jackc/pgx/v5"\n\t_ "git.corp.internal/platform/auth"\n)\n\nfunc main() {}\n',
      "cmd/worker/main.go":
        'package main\n\nimport _ "github.com/redis/go-redis/v9"\n\nfunc main() {}\n',
      "internal/store/store.go":
        'package store\n\nimport _ "go.mongodb.org/mongo-driver/v2/mongo"\n',
    });
    const before = readFileSync(join(root, "go.mod"), "utf8");
    const d = await detect(root, {
      env: {
        ...process.env,
        GOPROXY: "off",
        GOMODCACHE: modcache,
        GOFLAGS: "-mod=mod",
        GOPAVE_PUBLIC_PROXY: proxyUrl,
      },
    });
    expect(requests).toEqual([]);
    expect(d.mainPackages.map((m) => m.dir)).toEqual(["./cmd/api", "./cmd/worker"]);
    expect(d.notes.join("\n")).not.toMatch(/go list failed/);
    // internal/store (mongo) is imported by no main package.
    expect(d.services.map((s) => s.kind)).toEqual(["postgres", "redis"]);
    expect(d.services[0]?.chain).toEqual(["cmd/api", "github.com/jackc/pgx/v5"]);
    expect(d.privateGlobs).toEqual(["git.corp.internal"]);
    expect(d).toMatchObject({ modulePath: "github.com/acme/orders/v2", name: "orders" });
    expect(d.repo).toEqual({
      modules: [
        {
          dir: ".",
          path: "github.com/acme/orders/v2",
          goLine: "1.24",
          toolchain: undefined,
          hasGoSum: true,
        },
      ],
      workspace: undefined,
    });
    // Nothing was downloaded and the repo is untouched.
    // (-mod=mod may leave lock files from its failed lookups, never module files.)
    const cached = readdirSync(modcache, { recursive: true, encoding: "utf8" });
    expect(cached.filter((f) => /\.(zip|mod|info|ziphash)$/.test(f) || /@v\d/.test(f))).toEqual([]);
    expect(readFileSync(join(root, "go.mod"), "utf8")).toBe(before);
    expect(readFileSync(join(root, "go.sum"), "utf8")).toBe(
      "github.com/jackc/pgx/v5 v5.7.1 h1:x=\n",
    );
  });
});
