import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkContentTypes,
  checkInfo,
  checkLatest,
  checkList,
  checkMod,
  checkNotFound,
  checkSumdb,
  checkTls,
} from "../src/proxy/probe/checks.js";
import { gradeContentType } from "../src/proxy/probe/content-type.js";
import { defaultProbeUrls, PUBLIC_MIRRORS } from "../src/proxy/probe/defaults.js";
import { percentile } from "../src/proxy/probe/latency.js";
import { createProbeAgents, probeGet } from "../src/proxy/probe/probe-http.js";
import type { ProbeResponse } from "../src/proxy/probe/probe-http.js";
import { rankReports, suggestGoproxy } from "../src/proxy/probe/rank.js";
import { parseLookup } from "../src/proxy/probe/sumdb-lookup.js";
import type { ProxyReport } from "../src/proxy/probe/types.js";

function ok(body: string, type = "text/plain; charset=utf-8", status = 200): ProbeResponse {
  const headers: IncomingHttpHeaders = { "content-type": type };
  return {
    kind: "response",
    status,
    headers,
    body: Buffer.from(body),
    bytes: body.length,
    ms: 1,
    tls: undefined,
  };
}

const timedOut: ProbeResponse = {
  kind: "failure",
  reason: "timeout",
  error: "no complete answer within 5 ms",
  ms: 5,
};

describe("probe checks", () => {
  it("list: versions only, pseudo-versions warned, the probed version expected", () => {
    expect(checkList(ok("v1.0.0\nv1.4.0\n"), "v1.4.0").status).toBe("pass");
    expect(checkList(ok("v1.4.0 2024-05-24T00:00:00Z\n"), "v1.4.0").status).toBe("pass");
    expect(checkList(ok(""), "v1.4.0")).toMatchObject({
      status: "warn",
      detail: "0 versions, but not v1.4.0",
    });
    expect(checkList(ok("v1.4.0\nv0.0.0-20240101000000-abcdefabcdef\n"), "v1.4.0").status).toBe(
      "warn",
    );
    expect(checkList(ok("<html>login</html>"), "v1.4.0").status).toBe("fail");
    expect(checkList(ok("nope", "text/plain", 404), "v1.4.0")).toMatchObject({
      status: "fail",
      detail: "HTTP 404 (nope)",
    });
    expect(checkList(timedOut, "v1.4.0").detail).toBe("no complete answer within 5 ms");
  });

  it("info: Version must equal the request; Time optional but RFC 3339", () => {
    expect(
      checkInfo(ok('{"Version":"v1.4.0","Time":"2024-05-24T10:11:12Z"}'), "v1.4.0").status,
    ).toBe("pass");
    expect(
      checkInfo(ok('{"Version":"v1.4.0","Time":"2024-05-24T10:11:12.5+02:00"}'), "v1.4.0").status,
    ).toBe("pass");
    expect(checkInfo(ok('{"Version":"v1.4.0"}'), "v1.4.0").status).toBe("warn");
    expect(checkInfo(ok('{"Version":"v1.4.0","Time":"yesterday"}'), "v1.4.0").status).toBe("fail");
    expect(checkInfo(ok('{"Version":"v1.4.1"}'), "v1.4.0").status).toBe("fail");
    expect(checkInfo(ok("not json"), "v1.4.0").status).toBe("fail");
  });

  it("mod: the module directive names the module", () => {
    expect(checkMod(ok("module example.com/m\n\ngo 1.21\n"), "example.com/m").status).toBe("pass");
    expect(checkMod(ok('module "example.com/m" // quoted\n'), "example.com/m").status).toBe("pass");
    expect(checkMod(ok("module example.com/other\n"), "example.com/m").status).toBe("fail");
    expect(checkMod(ok("go 1.21\n"), "example.com/m").status).toBe("fail");
  });

  it("latest is optional; not-found must be 404 or 410", () => {
    expect(checkLatest(ok("gone", "text/plain", 410)).status).toBe("pass");
    expect(checkLatest(ok('{"Version":"v1.4.0"}', "application/json")).status).toBe("pass");
    expect(checkLatest(ok("oops", "text/plain", 500)).status).toBe("fail");
    expect(checkNotFound(ok("not found", "text/plain", 404)).status).toBe("pass");
    expect(checkNotFound(ok("gone", "text/plain", 410)).status).toBe("pass");
    expect(checkNotFound(ok("forbidden", "text/plain", 403)).status).toBe("fail");
    expect(checkNotFound(ok("{}", "application/json", 200)).status).toBe("fail");
  });

  it("sumdb: 200 proxied, 404 falls through (warning), anything else breaks go", () => {
    expect(checkSumdb(ok(""), "sum.golang.org").status).toBe("pass");
    expect(checkSumdb(ok("", "text/plain", 404), "sum.golang.org").status).toBe("warn");
    expect(checkSumdb(ok("", "text/plain", 502), "sum.golang.org").status).toBe("fail");
  });

  it("content types: exact passes, generic warns, wrong fails", () => {
    expect(gradeContentType("application/zip", "application/zip")).toBe("pass");
    expect(gradeContentType("application/zip", "application/octet-stream")).toBe("warn");
    expect(gradeContentType("application/zip", undefined)).toBe("warn");
    expect(gradeContentType("text/plain", "text/html")).toBe("fail");
    const r = checkContentTypes([
      { endpoint: "list", response: ok("v1.0.0\n") },
      { endpoint: "info", response: ok("{}", "application/json; charset=utf-8") },
      { endpoint: "zip", response: ok("PK", "application/octet-stream") },
      { endpoint: "not-found", response: ok("<h1>404</h1>", "text/html", 404) },
    ]);
    expect(r.status).toBe("warn");
    expect(r.detail).toContain("zip application/octet-stream");
    expect(r.detail).toContain("not-found body text/html");
  });

  it("tls: a certificate failure fails; plain http is only noted", () => {
    const tlsFail: ProbeResponse = {
      kind: "failure",
      reason: "tls",
      error: "CERT_HAS_EXPIRED: certificate has expired",
      ms: 3,
    };
    expect(checkTls("https://mirror.example.test", [tlsFail]).status).toBe("fail");
    expect(checkTls("http://127.0.0.1:8080", [ok("")]).status).toBe("skip");
    expect(checkTls("http://mirror.example.test", [ok("")]).status).toBe("warn");
  });
});

describe("probe helpers", () => {
  it("parses go.sum lines out of a sumdb lookup answer", () => {
    const body =
      "17\nexample.com/M v1.0.0 h1:zip=\nexample.com/M v1.0.0/go.mod h1:mod=\n\n— sum.golang.org sig\n";
    expect(parseLookup(body, "example.com/M", "v1.0.0")).toEqual({
      zip: "h1:zip=",
      mod: "h1:mod=",
    });
    expect(parseLookup(body, "example.com/other", "v1.0.0")).toEqual({
      zip: undefined,
      mod: undefined,
    });
  });

  it("computes nearest-rank percentiles", () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 95)).toBe(100);
  });

  it("ranks conforming proxies by p50 and suggests at most three, ending in direct", () => {
    const report = (url: string, conforming: boolean, p50: number | undefined): ProxyReport => ({
      url,
      conforming,
      checks: conforming ? [] : [{ id: "info", status: "fail", detail: "x" }],
      latency: { samples: 1, ok: 1, p50Ms: p50, p95Ms: p50 },
      checksums: {
        status: "unverified",
        source: "",
        zip: { got: undefined, want: undefined },
        mod: { got: undefined, want: undefined },
      },
      sumdbProxied: false,
    });
    const ranked = rankReports([
      report("https://slow.example/", true, 90),
      report("https://broken.example", false, 1),
      report("https://fast.example", true, 10),
      report("https://unmeasured.example", true, undefined),
      report("https://mid.example", true, 50),
    ]);
    expect(ranked.map((r) => r.url)).toEqual([
      "https://fast.example",
      "https://mid.example",
      "https://slow.example/",
      "https://unmeasured.example",
      "https://broken.example",
    ]);
    expect(suggestGoproxy(ranked)).toBe(
      "https://fast.example,https://mid.example,https://slow.example,direct",
    );
    expect(suggestGoproxy([report("https://broken.example", false, 1)])).toBeUndefined();
  });
});

describe("default probe list", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gopave-probe-defaults-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("puts the toolchain's own default proxy (from $GOROOT/go.env) first", async () => {
    const goroot = join(dir, "goroot");
    mkdirSync(goroot);
    writeFileSync(
      join(goroot, "go.env"),
      "GOPROXY=https://toolchain-default.example.test,direct\nGOSUMDB=sum.golang.org\n",
    );
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "go"), `#!/bin/sh\n[ "$1 $2" = "env GOROOT" ] && echo "${goroot}"\n`);
    chmodSync(join(bin, "go"), 0o755);
    const urls = await defaultProbeUrls(
      { PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
      dir,
    );
    expect(urls).toEqual(["https://toolchain-default.example.test", ...PUBLIC_MIRRORS]);
  });

  it("honours GOPAVE_PUBLIC_PROXY and drops duplicates", async () => {
    const urls = await defaultProbeUrls(
      { GOPAVE_PUBLIC_PROXY: "https://goproxy.cn/", PATH: "" },
      dir,
    );
    expect(urls[0]).toBe("https://goproxy.cn");
    expect(urls.filter((u) => u.startsWith("https://goproxy.cn"))).toHaveLength(1);
  });

  it("still has the mirrors without a go command", async () => {
    expect(await defaultProbeUrls({ PATH: join(dir, "empty") }, dir)).toEqual([...PUBLIC_MIRRORS]);
  });
});

describe("probe HTTP client", () => {
  let server: Server;
  let base: string;
  const seen: { path: string; auth: string | undefined; host: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization, host: req.headers.host });
      if (req.url === "/redirect-same") res.writeHead(302, { location: "/final" }).end();
      else if (req.url === "/redirect-other")
        res.writeHead(302, { location: `http://localhost:${port()}/final` }).end();
      else if (req.url === "/loop") res.writeHead(302, { location: "/loop" }).end();
      else if (req.url === "/big") res.writeHead(200).end(Buffer.alloc(10_000));
      else res.writeHead(200, { "content-type": "text/plain" }).end("final");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://u:secret-pw@127.0.0.1:${port()}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  function port(): number {
    return (server.address() as AddressInfo).port;
  }

  it("follows redirects, sending URL credentials only to their own origin", async () => {
    const agents = createProbeAgents();
    try {
      const opts = { agents, timeoutMs: 2000, maxBytes: 1000 };
      const same = await probeGet(`${base}/redirect-same`, opts);
      expect(same.kind === "response" && same.body.toString()).toBe("final");
      expect(seen.filter((s) => s.path === "/final").at(-1)?.auth).toMatch(/^Basic /);
      seen.length = 0;
      await probeGet(`${base}/redirect-other`, opts);
      expect(seen.map((s) => [s.path, s.auth !== undefined])).toEqual([
        ["/redirect-other", true],
        ["/final", false],
      ]);
      const loop = await probeGet(`${base}/loop`, opts);
      expect(loop).toMatchObject({ kind: "failure", error: "more than 10 redirects" });
      const big = await probeGet(`${base}/big`, opts);
      expect(big).toMatchObject({ kind: "failure", reason: "too-large" });
    } finally {
      agents.destroy();
    }
  });
});
