import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertPublicHost } from "../src/proxy/ssrf.js";
import { createDirectTarget } from "../src/proxy/targets/direct.js";
import type { DirectTarget } from "../src/proxy/targets/direct.js";

/**
 * The direct target against the real go and git, offline. A module path needs a host, and the
 * go command resolves it with a `?go-get=1` request (https, then http under GOINSECURE). This
 * test makes `example.test` resolvable without DNS: a 127.0.0.1 HTTP forward proxy (the
 * HTTP_PROXY the go command and git both honour) answers for it, serving a go-import meta tag
 * and the bare repository over git's "dumb" HTTP protocol, behind Basic auth that git takes
 * from ~/.netrc. cmd/go's own tests use a test-only hook for vcs-test.golang.org instead, which
 * a released go binary does not have.
 */

function have(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const canRun = have("go", ["version"]) && have("git", ["--version"]);
const MODULE = "example.test/private/lib";
const USER = "alice";
const PASSWORD = "s3cret-direct";

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], {
    cwd,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_COMMITTER_DATE: "2024-01-02T03:04:05Z",
      GIT_AUTHOR_DATE: "2024-01-02T03:04:05Z",
    },
  });
}

/** A repository with tags v1.0.0 and v1.1.0 (main at v1.1.0), cloned bare for dumb HTTP. */
function makeRepo(dir: string): string {
  const src = join(dir, "src");
  mkdirSync(src);
  git(src, "init", "-q", "-b", "main");
  writeFileSync(join(src, "go.mod"), `module ${MODULE}\n\ngo 1.21\n`);
  writeFileSync(join(src, "lib.go"), 'package lib\n\nfunc Hello() string { return "hello" }\n');
  git(src, "add", ".");
  git(src, "commit", "-q", "-m", "one");
  git(src, "tag", "v1.0.0");
  writeFileSync(join(src, "lib.go"), 'package lib\n\nfunc Hello() string { return "hi" }\n');
  git(src, "commit", "-q", "-am", "two");
  git(src, "tag", "v1.1.0");
  const bare = join(dir, "lib.git");
  execFileSync("git", ["clone", "-q", "--bare", src, bare], { stdio: "ignore" });
  execFileSync("git", ["update-server-info"], { cwd: bare, stdio: "ignore" });
  return bare;
}

interface FakeHost {
  server: Server;
  url: string;
  requests: { url: string; auth: string | undefined }[];
}

/** The forward proxy standing in for https?://example.test. */
async function startFakeHost(bare: string): Promise<FakeHost> {
  const requests: FakeHost["requests"] = [];
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    requests.push({ url: req.url ?? "", auth });
    const u = new URL(req.url ?? "/", "http://example.test");
    if (u.host !== "example.test") {
      res.writeHead(502).end();
      return;
    }
    if (u.searchParams.get("go-get") === "1") {
      if (u.pathname === "/private/lib" || u.pathname.startsWith("/private/lib/")) {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(
          `<html><head><meta name="go-import" content="${MODULE} git http://example.test/private/lib.git"></head></html>`,
        );
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      }
      return;
    }
    const m = /^\/private\/lib\.git\/([\w./-]+)$/.exec(u.pathname);
    if (m?.[1] && !m[1].includes("..")) {
      if (auth !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
        return;
      }
      const file = join(bare, m[1]);
      if (existsSync(file)) {
        res.writeHead(200).end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  };
  const server = createServer(handler);
  // The go command tries https first (a CONNECT through the proxy); refusing it makes it fall
  // back to http, which GOINSECURE allows.
  server.on("connect", (_req, socket) => socket.end("HTTP/1.1 403 Forbidden\r\n\r\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, requests };
}

describe("direct target with the real go command", () => {
  it("has go and git (the suite needs both; .ci/run installs git)", () => {
    expect(canRun).toBe(true);
  });

  let dir: string;
  let host: FakeHost;
  let env: NodeJS.ProcessEnv;
  let target: DirectTarget;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gopave-direct-test-"));
    const bare = makeRepo(dir);
    host = await startFakeHost(bare);
    const home = join(dir, "home");
    mkdirSync(home);
    writeFileSync(
      join(home, ".netrc"),
      `machine example.test login ${USER} password ${PASSWORD}\n`,
    );
    chmodSync(join(home, ".netrc"), 0o600);
    env = {
      PATH: process.env.PATH,
      HOME: home,
      GOENV: "off",
      GOINSECURE: "example.test",
      HTTP_PROXY: host.url,
      http_proxy: host.url,
      HTTPS_PROXY: host.url,
      https_proxy: host.url,
      NO_PROXY: "",
      no_proxy: "",
      GIT_CONFIG_NOSYSTEM: "1",
      // The user's own caches: the target must not touch them.
      GOPATH: join(dir, "user-gopath"),
      GOMODCACHE: join(dir, "user-modcache"),
      GOFLAGS: "-mod=vendor",
      GOPROXY: "http://127.0.0.1:9/unused",
    };
    target = createDirectTarget({ env, timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await target?.close();
    host?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves .info, .mod and .zip from the repository", async () => {
    const info = await target.info(MODULE, "v1.0.0", signal);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    const parsed = JSON.parse(info.value.toString()) as { Version: string; Time: string };
    expect(parsed.Version).toBe("v1.0.0");
    expect(parsed.Time).toBe("2024-01-02T03:04:05Z");

    const mod = await target.mod(MODULE, "v1.0.0", signal);
    expect(mod.ok && mod.value.toString()).toBe(`module ${MODULE}\n\ngo 1.21\n`);

    const dest = join(dir, "out.zip");
    const zip = await target.zip(MODULE, "v1.0.0", dest, signal);
    expect(zip.ok).toBe(true);
    const bytes = readFileSync(dest);
    expect(zip.ok && zip.value.size).toBe(bytes.length);
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    expect(bytes.includes(Buffer.from(`${MODULE}@v1.0.0/lib.go`))).toBe(true);
  });

  it("lists tagged versions and answers @latest", async () => {
    const list = await target.list(MODULE, signal);
    expect(list).toEqual({ ok: true, value: "v1.0.0\nv1.1.0\n" });
    const latest = await target.latest(MODULE, signal);
    expect(latest.ok).toBe(true);
    if (latest.ok) expect(JSON.parse(latest.value)).toMatchObject({ Version: "v1.1.0" });
  });

  it("resolves a branch name for .info to the canonical version", async () => {
    const info = await target.info(MODULE, "main", signal);
    expect(info.ok).toBe(true);
    if (info.ok) expect(JSON.parse(info.value.toString())).toMatchObject({ Version: "v1.1.0" });
  });

  it("answers not-found for a missing version and a missing module", async () => {
    const version = await target.info(MODULE, "v9.9.9", signal);
    expect(version).toMatchObject({ ok: false, notFound: true, status: 404 });
    const module = await target.list("example.test/private/nope", signal);
    expect(module).toMatchObject({ ok: false, notFound: true, status: 404 });
    // .mod and .zip take canonical versions only, without running go.
    const branch = await target.mod(MODULE, "main", signal);
    expect(branch).toMatchObject({ ok: false, notFound: true });
  });

  it("fetched with the netrc credentials, through GOINSECURE, outside the user's caches", () => {
    const gitRequests = host.requests.filter((r) => r.url.includes("/private/lib.git/"));
    expect(gitRequests.some((r) => r.auth?.startsWith("Basic "))).toBe(true);
    expect(
      host.requests.some((r) => r.url.startsWith("http://example.test/private/lib?go-get=1")),
    ).toBe(true);
    expect(existsSync(join(dir, "user-gopath"))).toBe(false);
    expect(existsSync(join(dir, "user-modcache"))).toBe(false);
  });

  it("reports missing credentials as an error, never as not-found", async () => {
    const noCreds = createDirectTarget({
      env: { ...env, HOME: join(dir, "no-home") },
      timeoutMs: 60_000,
    });
    try {
      const r = await noCreds.info(MODULE, "v1.0.0", signal);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.notFound).toBe(false);
        expect(r.message).not.toContain(PASSWORD);
      }
    } finally {
      await noCreds.close();
    }
  });

  it("refuses a module path naming a loopback host on a public route, without running go", async () => {
    const checked: string[] = [];
    const publicTarget = createDirectTarget({
      env,
      timeoutMs: 60_000,
      // Had go been started, this would be a 503 "executable file not found".
      goBinary: join(dir, "no-such-go"),
      // The guard the router gives public routes.
      ssrfCheck: (h) => {
        checked.push(h);
        return assertPublicHost(h);
      },
    });
    try {
      for (const module of ["127.0.0.1/evil/mod", "169.254.169.254/latest"]) {
        const r = await publicTarget.info(module, "v1.0.0", signal);
        expect(r).toMatchObject({ ok: false, notFound: false, status: 403 });
      }
      expect(checked).toEqual(["127.0.0.1", "169.254.169.254"]);
    } finally {
      await publicTarget.close();
    }
  });
});
