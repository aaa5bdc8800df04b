import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../src/doctor/types.js";
import { gopave } from "./helpers/cli.js";
import { fakeMachine } from "./helpers/fake-go.js";
import type { FakeMachine } from "./helpers/fake-go.js";

interface StubServer {
  url: string;
  requests: { path: string; auth: string | undefined }[];
  close(): Promise<void>;
}

/** A 127.0.0.1 server standing in for a module proxy; every request is recorded. */
async function standIn(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<StubServer> {
  const requests: StubServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", auth: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const SUMDB = "sum.test.example";

/** Answers the list request and the checksum database through /sumdb/<name>/. */
function answering(auth?: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (auth !== undefined && req.headers.authorization !== auth) {
      res.writeHead(401).end("unauthorized\n");
      return;
    }
    if (req.url === "/golang.org/x/mod/@v/list") res.writeHead(200).end("v0.19.0\nv0.20.0\n");
    else if (req.url === `/sumdb/${SUMDB}/supported`) res.writeHead(200).end();
    else if (req.url === `/sumdb/${SUMDB}/latest`) res.writeHead(200).end(`${SUMDB}\n42\nhash=\n`);
    else res.writeHead(404).end("not found\n");
  };
}

let ok: StubServer;
let missing: StubServer;
let hang: StubServer;
let authed: StubServer;

beforeAll(async () => {
  ok = await standIn(answering());
  missing = await standIn((_req, res) => res.writeHead(404).end("not found\n"));
  // Never answers: the timeout path. Connections are destroyed on close.
  hang = await standIn(() => undefined);
  authed = await standIn(answering(`Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}`));
});

afterAll(async () => {
  await Promise.all([ok, missing, hang, authed].map((s) => s.close()));
});

async function doctor(m: FakeMachine, env: NodeJS.ProcessEnv) {
  const started = Date.now();
  const text = await gopave(m.root, ["doctor"], { ...m.env, ...env });
  const r = await gopave(m.root, ["doctor", "--json"], { ...m.env, ...env });
  const parsed = JSON.parse(r.stdout) as { checks: Check[] };
  const checks = new Map(parsed.checks.map((c) => [c.id, c]));
  const get = (id: string) => {
    const c = checks.get(id);
    if (!c) throw new Error(`no ${id}: ${[...checks.keys()].join(", ")}`);
    return c;
  };
  return {
    code: r.code,
    get,
    checks,
    all: text.stdout + text.stderr + r.stdout + r.stderr,
    ms: Date.now() - started,
  };
}

function machine(): FakeMachine {
  const m = fakeMachine({ goEnvFile: "GOTOOLCHAIN=local\n" });
  m.writeSpec("version: 1\nname: app\ngo:\n  version: 1.26.8\ntools: {}\n");
  return m;
}

describe("GOPROXY entries", () => {
  it("passes an answering proxy with its latency and reaches the checksum database through it", async () => {
    const before = ok.requests.length;
    const d = await doctor(machine(), { GOPROXY: `${ok.url},direct`, GOSUMDB: SUMDB });
    expect(d.get("proxy.1").status).toBe("pass");
    expect(d.get("proxy.1").detail).toMatch(/^answered golang\.org\/x\/mod\/@v\/list in \d+ ms$/);
    expect(d.get("proxy.2")).toMatchObject({ status: "pass", title: "proxy direct" });
    expect(d.get("sumdb").status).toBe("pass");
    expect(d.get("sumdb").detail).toContain(`via proxy ${ok.url}`);
    const paths = ok.requests.slice(before).map((r) => r.path);
    // Two audits (text and JSON), three requests each.
    expect(paths.filter((p) => p === "/golang.org/x/mod/@v/list")).toHaveLength(2);
    expect(paths.filter((p) => p === `/sumdb/${SUMDB}/latest`)).toHaveLength(2);
  });

  it("warns on a 404 the go command falls through, fails on a 404 at the end", async () => {
    let d = await doctor(machine(), { GOPROXY: `${missing.url},${ok.url}`, GOSUMDB: "off" });
    expect(d.get("proxy.1").status).toBe("warn");
    expect(d.get("proxy.1").detail).toContain("HTTP 404");
    expect(d.get("proxy.2").status).toBe("pass");
    expect(d.get("sumdb").status).toBe("warn");
    d = await doctor(machine(), { GOPROXY: missing.url, GOSUMDB: "off" });
    expect(d.get("proxy.1").status).toBe("fail");
    expect(d.code).toBe(1);
  });

  it("fails a proxy that never answers within the timeout, with bounded requests and time", async () => {
    const before = hang.requests.length;
    const d = await doctor(machine(), {
      GOPROXY: `${hang.url},direct`,
      GOSUMDB: SUMDB,
      GOPAVE_DOCTOR_TIMEOUT_MS: "300",
    });
    const p = d.get("proxy.1");
    expect(p.status).toBe("fail");
    expect(p.detail).toBe("no answer within 300 ms");
    expect(p.fix).toContain("VPN");
    // The checksum database is looked up through the same proxy first: also a timeout.
    expect(d.get("sumdb").status).toBe("fail");
    expect(d.get("sumdb").detail).toContain("no answer within 300 ms");
    expect(d.code).toBe(1);
    // Per audit: the list request and the sumdb "supported" request; nothing retried.
    expect(hang.requests.length - before).toBe(4);
    // Two audits, each bounded by two sequential 300 ms deadlines at most, plus the fake go.
    expect(d.ms).toBeLessThan(5_000);
  });

  it("treats an error before | as a fall-through", async () => {
    const d = await doctor(machine(), {
      GOPROXY: `${hang.url}|${ok.url}`,
      GOSUMDB: "off",
      GOPAVE_DOCTOR_TIMEOUT_MS: "200",
    });
    expect(d.get("proxy.1").status).toBe("warn");
    expect(d.get("proxy.1").detail).toContain("falls through to the next entry (|)");
  });

  it("keeps its command deadline when the request deadline is short (a go slow to start)", async () => {
    const m = machine();
    // The go command takes longer to start than the request deadline, as on a loaded machine.
    const wrapper = join(m.bin, "go");
    writeFileSync(
      wrapper,
      readFileSync(wrapper, "utf8").replace("#!/bin/sh\n", "#!/bin/sh\nsleep 0.5\n"),
    );
    const d = await doctor(m, {
      GOPROXY: `${hang.url}|${ok.url}`,
      GOSUMDB: "off",
      GOPAVE_DOCTOR_TIMEOUT_MS: "200",
    });
    expect(d.get("env.GOPROXY")).toBeDefined();
    expect(d.get("proxy.1").status).toBe("warn");
  });

  it("fails a refused connection", async () => {
    const d = await doctor(machine(), { GOPROXY: "http://127.0.0.1:1", GOSUMDB: "off" });
    expect(d.get("proxy.1")).toMatchObject({ status: "fail", detail: "ECONNREFUSED" });
  });

  it("sends credentials from the URL but never prints them", async () => {
    const url = authed.url.replace("http://", "http://alice:s3cr3t-pw@");
    const d = await doctor(machine(), { GOPROXY: `${url},direct`, GOSUMDB: SUMDB });
    expect(d.get("proxy.1").status).toBe("pass");
    expect(d.get("proxy.1").title).toBe(`proxy ${authed.url.replace("http://", "http://***@")}`);
    expect(d.get("sumdb").status).toBe("pass");
    expect(d.all).not.toContain("s3cr3t");
    expect(d.all).not.toContain("alice");
    expect(d.all).not.toContain(Buffer.from("alice:s3cr3t-pw").toString("base64"));
  });

  it("redacts credentials in a failing proxy's output and in the spec's expected value", async () => {
    const m = machine();
    const bad = hang.url.replace("http://", "http://bob:hunter2@");
    m.writeSpec(
      `version: 1\nname: app\ngo:\n  version: 1.26.8\ntools: {}\nmodules:\n  proxy: ${bad}|direct\n`,
    );
    const d = await doctor(m, {
      GOPROXY: `${bad}`,
      GOSUMDB: SUMDB,
      GOPAVE_DOCTOR_TIMEOUT_MS: "200",
    });
    expect(d.get("env.GOPROXY").status).toBe("fail");
    expect(d.get("proxy.1").status).toBe("fail");
    expect(d.all).toContain("http://***@127.0.0.1");
    expect(d.all).not.toContain("hunter2");
    expect(d.all).not.toContain("bob");
  });

  it("authenticates to a proxy with a netrc machine entry, without printing it", async () => {
    const m = machine();
    writeFileSync(join(m.home, ".netrc"), "machine 127.0.0.1 login alice password s3cr3t-pw\n", {
      mode: 0o600,
    });
    const d = await doctor(m, { GOPROXY: authed.url, GOSUMDB: "off" });
    expect(d.get("proxy.1").status).toBe("pass");
    expect(d.all).not.toContain("s3cr3t");
    const plain = await doctor(machine(), { GOPROXY: authed.url, GOSUMDB: "off" });
    expect(plain.get("proxy.1")).toMatchObject({ status: "fail" });
    expect(plain.get("proxy.1").detail).toContain("HTTP 401");
  });

  it("checks file:// entries on disk and reports off", async () => {
    const m = machine();
    const dir = join(m.home, "proxy-dir");
    mkdirSync(dir);
    let d = await doctor(m, { GOPROXY: `file://${dir},file://${dir}-missing,off`, GOSUMDB: "off" });
    expect(d.get("proxy.1")).toMatchObject({ status: "pass", detail: `directory ${dir} exists` });
    expect(d.get("proxy.2")).toMatchObject({ status: "fail" });
    expect(d.get("proxy.3")).toMatchObject({ status: "pass", title: "proxy off" });
    d = await doctor(m, { GOPROXY: "off", GOSUMDB: SUMDB });
    expect(d.get("proxy.1")).toMatchObject({ status: "warn", title: "proxy off" });
    expect(d.get("sumdb").status).toBe("pass");
    d = await doctor(m, { GOPROXY: "direct,https://ignored.example", GOSUMDB: "off" });
    expect(d.get("proxy.ignored").status).toBe("warn");
  });

  it("uses the URL given in GOSUMDB", async () => {
    const d = await doctor(machine(), {
      GOPROXY: "off,direct",
      GOSUMDB: `${SUMDB}+key ${ok.url}/sumdb/${SUMDB}`,
    });
    expect(d.get("sumdb").status).toBe("pass");
    const e = await doctor(machine(), { GOPROXY: missing.url, GOSUMDB: `${SUMDB} ${missing.url}` });
    expect(e.get("sumdb")).toMatchObject({ status: "fail" });
  });
});
