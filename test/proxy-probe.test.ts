import { execFileSync } from "node:child_process";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { runProxyProbe } from "../src/cli/proxy-probe.js";
import type { ProxyProbeOptions } from "../src/cli/proxy-probe.js";
import { hashMod, hashZip } from "../src/proxy/verify/index.js";
import { gopave } from "./helpers/cli.js";

/**
 * `gopave proxy probe` against 127.0.0.1 servers standing in for mirrors: one that conforms
 * (a module in GOMODCACHE download layout plus a checksum-database lookup consistent with it),
 * and ones that break one rule each. The default probe module is used (it has upper-case
 * letters, so every request also exercises case encoding); no request leaves the machine.
 */

const MODULE = "github.com/BurntSushi/toml";
const ESCAPED = "github.com/!burnt!sushi/toml";
const VERSION = "v1.4.0";
const GOMOD = `module ${MODULE}\n\ngo 1.18\n`;
const INFO = JSON.stringify({ Version: VERSION, Time: "2024-05-24T10:11:12Z" });
const PASSWORD = "pa55word-not-for-output";

type Kind =
  | "good"
  | "notfound-500"
  | "wrong-type"
  | "liar"
  | "hang"
  | "auth"
  | "no-sumdb"
  | "bad-sum"
  | "tls";

interface Fixture {
  root: string;
  zipHash: string;
  modHash: string;
}

let fixture: Fixture;
let workDir: string;
const servers: { server: Server; sockets: Set<Socket> }[] = [];

async function buildZip(path: string): Promise<void> {
  const zip = new ZipFile();
  const prefix = `${MODULE}@${VERSION}/`;
  zip.addBuffer(Buffer.from(GOMOD), `${prefix}go.mod`);
  zip.addBuffer(Buffer.from("package toml\n\nconst Version = 1\n"), `${prefix}toml.go`);
  zip.addBuffer(Buffer.from("MIT License\n"), `${prefix}LICENSE`);
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on("finish", resolve).on("error", reject);
  });
}

/** The module in GOMODCACHE's download layout, which is exactly the proxy URL layout. */
async function buildFixture(dir: string): Promise<Fixture> {
  const root = join(dir, "cache");
  const vdir = join(root, ...ESCAPED.split("/"), "@v");
  mkdirSync(vdir, { recursive: true });
  writeFileSync(join(vdir, "list"), `v1.3.2\n${VERSION}\n`);
  writeFileSync(join(vdir, `${VERSION}.info`), INFO);
  writeFileSync(join(vdir, `${VERSION}.mod`), GOMOD);
  const zipPath = join(vdir, `${VERSION}.zip`);
  await buildZip(zipPath);
  return { root, zipHash: await hashZip(zipPath), modHash: hashMod(Buffer.from(GOMOD)) };
}

const TYPES: Record<string, string> = {
  list: "text/plain; charset=utf-8",
  info: "application/json",
  mod: "text/plain; charset=utf-8",
  zip: "application/zip",
};

function handler(kind: Kind) {
  const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (kind === "hang") return; // accepts, reads, never answers
    if (kind === "auth" && req.headers.authorization !== basic) {
      res.writeHead(401, { "content-type": "text/plain" }).end("unauthorized\n");
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const text = (status: number, body: string) =>
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
    const missing = () => text(kind === "notfound-500" ? 500 : 404, `not found: ${path}\n`);

    if (path === "/sumdb/sum.golang.org/supported") {
      if (kind === "no-sumdb") missing();
      else text(200, "");
      return;
    }
    if (path === `/sumdb/sum.golang.org/lookup/${ESCAPED}@${VERSION}`) {
      const zipHash =
        kind === "bad-sum" ? "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" : fixture.zipHash;
      text(
        200,
        `4242\n${MODULE} ${VERSION} ${zipHash}\n${MODULE} ${VERSION}/go.mod ${fixture.modHash}\n\n— sum.golang.org fake-signature\n`,
      );
      return;
    }
    if (/[A-Z]/.test(path) || path.includes("..")) {
      text(400, "bad request: malformed module path\n");
      return;
    }
    const latest = path === `/${ESCAPED}/@latest`;
    const file = latest
      ? join(fixture.root, ...ESCAPED.split("/"), "@v", `${VERSION}.info`)
      : join(fixture.root, path);
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      missing();
      return;
    }
    const ext = latest ? "info" : (path.split("/").pop()?.split(".").pop() ?? "");
    let type = TYPES[ext] ?? "application/octet-stream";
    if (kind === "wrong-type") type = "text/html; charset=utf-8";
    if (kind === "liar" && ext === "info")
      body = Buffer.from(JSON.stringify({ Version: "v1.4.1", Time: "2024-05-24T10:11:12Z" }));
    res.writeHead(200, { "content-type": type, "content-length": body.length }).end(body);
  };
}

function track(server: Server): Server {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  servers.push({ server, sockets });
  return server;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function startProxy(kind: Kind): Promise<string> {
  const server = track(createServer(handler(kind)));
  return `http://127.0.0.1:${await listen(server)}`;
}

function opensslCert(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
      ].concat(["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]),
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } catch {
    return undefined;
  }
}

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function probe(
  opts: Partial<ProxyProbeOptions> & { urls: string[] },
  isTTY = false,
): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const code = await runProxyProbe(
    { requests: "3", timeoutMs: 1500, ...opts },
    {
      cwd: workDir,
      env: { PATH: process.env.PATH, NO_COLOR: "1" },
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTTY,
    },
  );
  return { code, stdout, stderr };
}

interface JsonCheck {
  id: string;
  status: string;
  detail: string;
}

interface JsonProxy {
  rank: number;
  url: string;
  conforming: boolean;
  latency: { samples: number; ok: number; p50Ms: number | null; p95Ms: number | null };
  sumdbProxied: boolean;
  checksums: { status: string; source: string; zip: { got?: string; want?: string } };
  checks: JsonCheck[];
}

interface JsonReport {
  module: string;
  version: string;
  requests: number;
  proxies: JsonProxy[];
  goproxy: string | null;
}

function check(p: JsonProxy | undefined, id: string): JsonCheck {
  const c = p?.checks.find((k) => k.id === id);
  if (!c) throw new Error(`no ${id} check`);
  return c;
}

const url = {} as Record<Kind, string>;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "gopave-probe-test-"));
  fixture = await buildFixture(workDir);
  for (const kind of [
    "good",
    "notfound-500",
    "wrong-type",
    "liar",
    "hang",
    "auth",
    "no-sumdb",
    "bad-sum",
  ] as const) {
    url[kind] = await startProxy(kind);
  }
});

afterAll(async () => {
  for (const { server, sockets } of servers) {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
  rmSync(workDir, { recursive: true, force: true });
});

describe("gopave proxy probe", () => {
  it("ranks a conforming proxy first and suggests it for GOPROXY (JSON)", async () => {
    const urls = [url.hang, url.liar, url["wrong-type"], url["notfound-500"], url.good];
    const start = Date.now();
    const r = await probe({ urls, json: true });
    // The hanging proxy costs about one timeout (its requests run in parallel), not one per request.
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report).toMatchObject({ module: MODULE, version: VERSION, requests: 3 });
    expect(report.proxies.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);
    const [first, ...rest] = report.proxies;
    expect(first?.url).toBe(url.good);
    expect(first?.conforming).toBe(true);
    expect(rest.every((p) => !p.conforming)).toBe(true);
    // The hanging proxy answers nothing: last, every check failed or skipped.
    expect(report.proxies.at(-1)?.url).toBe(url.hang);
    expect(report.goproxy).toBe(`${url.good},direct`);

    expect(first?.checks.map((c) => c.id)).toEqual([
      "tls",
      "list",
      "info",
      "mod",
      "zip",
      "checksum",
      "latest",
      "not-found",
      "case-encoding",
      "invalid-path",
      "content-type",
      "sumdb",
    ]);
    expect(first?.checks.filter((c) => c.status === "fail" || c.status === "warn")).toEqual([]);
    expect(first?.latency).toMatchObject({ samples: 3, ok: 3 });
    expect(first?.latency.p50Ms).toBeGreaterThan(0);
    expect(first?.latency.p95Ms).toBeGreaterThanOrEqual(first?.latency.p50Ms ?? 0);
    expect(first?.checksums).toMatchObject({
      status: "verified",
      zip: { got: fixture.zipHash, want: fixture.zipHash },
    });
    expect(first?.checksums.source).toContain("hash from the proxy's sumdb endpoint");

    const byUrl = (u: string | undefined) => report.proxies.find((p) => p.url === u);
    expect(check(byUrl(url["notfound-500"]), "not-found")).toMatchObject({ status: "fail" });
    expect(check(byUrl(url["notfound-500"]), "not-found").detail).toContain("HTTP 500");
    expect(check(byUrl(url["wrong-type"]), "content-type")).toMatchObject({ status: "fail" });
    expect(check(byUrl(url["wrong-type"]), "content-type").detail).toContain("text/html");
    expect(check(byUrl(url.liar), "info").detail).toBe(
      "returned info for version v1.4.1 instead of requested version v1.4.0",
    );
    const hang = byUrl(url.hang);
    expect(check(hang, "list")).toMatchObject({ status: "fail" });
    expect(check(hang, "list").detail).toContain("no complete answer within 1500 ms");
    expect(hang?.latency).toMatchObject({ samples: 0, p50Ms: null });
  });

  it("prints a table, the findings, the hash source and the GOPROXY line", async () => {
    const r = await probe({ urls: [url.good, url["notfound-500"]] });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `gopave proxy probe: ${MODULE}@${VERSION}, 3 latency samples per proxy`,
    );
    expect(r.stdout).toMatch(new RegExp(`1 +${url.good} +ok`));
    expect(r.stdout).toMatch(new RegExp(`2 +${url["notfound-500"]} +FAIL`));
    expect(r.stdout).toContain("✗ not-found: HTTP 500");
    expect(r.stdout).toContain("hash from the proxy's sumdb endpoint");
    expect(r.stdout).toContain(`GOPROXY=${url.good},direct\n`);
    // Not a terminal: no progress display, no escape codes.
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("shows progress on a terminal only, on stderr", async () => {
    const r = await probe({ urls: [url.good], json: true }, true);
    expect(r.stderr).toBe(""); // --json: stdout is a document, no redrawing around it
    const t = await probe({ urls: [url.good] }, true);
    expect(t.stderr).toContain("probing 1 proxies");
    expect(t.stderr.endsWith("\r\u001b[K")).toBe(true);
  });

  it("exits 1 when no proxy passes", async () => {
    const r = await probe({ urls: [url.liar, url["notfound-500"]] });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("No proxy passed every check");
    const j = await probe({ urls: [url.liar], json: true });
    expect(j.code).toBe(1);
    expect((JSON.parse(j.stdout) as JsonReport).goproxy).toBeNull();
  });

  it("uses URL credentials and redacts them everywhere", async () => {
    const port = new URL(url.auth).port;
    const withCreds = `http://alice:${PASSWORD}@127.0.0.1:${port}`;
    for (const json of [false, true]) {
      const r = await probe({ urls: [withCreds], json });
      expect(r.code).toBe(0); // 401 without the credentials
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(r.stdout).toContain(`http://***@127.0.0.1:${port}`);
      if (!json) expect(r.stdout).toContain("credentials redacted");
    }
  });

  it("marks hashes unverified when the proxy does not proxy the checksum database", async () => {
    const r = await probe({ urls: [url["no-sumdb"]], json: true });
    expect(r.code).toBe(0);
    const p = (JSON.parse(r.stdout) as JsonReport).proxies[0];
    expect(p?.conforming).toBe(true);
    expect(p?.sumdbProxied).toBe(false);
    expect(p?.checksums.status).toBe("unverified");
    expect(check(p, "checksum")).toMatchObject({ status: "skip" });
    expect(check(p, "checksum").detail).toContain("unverified");
    expect(check(p, "sumdb")).toMatchObject({ status: "warn" });
  });

  it("fails a proxy whose zip does not match the checksum database's hash", async () => {
    const r = await probe({ urls: [url["bad-sum"]], json: true });
    expect(r.code).toBe(1);
    const p = (JSON.parse(r.stdout) as JsonReport).proxies[0];
    expect(p?.checksums.status).toBe("mismatch");
    expect(check(p, "checksum")).toMatchObject({ status: "fail" });
  });

  it("fails TLS verification for an https proxy with a self-signed certificate", async () => {
    const pem = opensslCert(workDir);
    if (!pem) {
      throw new Error("openssl is needed to make a test certificate (.ci/run installs it)");
      return;
    }
    const server = track(createHttpsServer(pem, handler("good")) as unknown as Server);
    const port = await listen(server);
    const r = await probe({ urls: [`https://127.0.0.1:${port}`], json: true });
    expect(r.code).toBe(1);
    const p = (JSON.parse(r.stdout) as JsonReport).proxies[0];
    expect(p?.conforming).toBe(false);
    expect(check(p, "tls")).toMatchObject({ status: "fail" });
    expect(check(p, "tls").detail).toMatch(/certificate verification failed: .*SELF_SIGNED/);
  });

  it("rejects bad usage", async () => {
    await expect(probe({ urls: [url.good], requests: "zero" })).rejects.toThrow(/-n must be/);
    await expect(probe({ urls: ["direct"] })).rejects.toThrow(/no proxy URL/);
    await expect(probe({ urls: ["file:///tmp/x"] })).rejects.toThrow(/only http and https/);
  });

  it("is wired into the CLI as `gopave proxy probe`", async () => {
    const r = await gopave(workDir, ["proxy", "probe", url.good, "--json", "-n", "2"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.requests).toBe(2);
    expect(report.goproxy).toBe(`${url.good},direct`);
    const bad = await gopave(workDir, ["proxy", "probe", url.good, "-n", "x"]);
    expect(bad.code).toBe(2);
  });
});
