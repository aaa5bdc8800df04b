import { afterEach, describe, expect, it } from "vitest";
import { refusalCause } from "../src/proxy/server/fetching.js";
import { createDenyTarget } from "../src/proxy/targets/deny.js";
import { FakeTarget } from "./helpers/proxy-fakes.js";
import { rawRequest, startTestProxy } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

let p: TestProxy;
afterEach(async () => {
  await p.close();
});

describe("verification", () => {
  it("refuses a tampered zip with 403, counts it, and does not cache it", async () => {
    p = await startTestProxy();
    p.target.add("example.com/evil", "v1.0.0");
    p.verifier.tampered.add("example.com/evil@v1.0.0");
    for (let i = 1; i <= 2; i++) {
      const r = await fetch(`${p.url}/example.com/evil/@v/v1.0.0.zip`);
      expect(r.status).toBe(403);
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      const text = await r.text();
      expect(text).toContain("checksum mismatch");
      expect(text).toContain("it does not match the checksum database (not cached)");
      expect(p.storage.has("example.com/evil", "v1.0.0", "zip")).toBe(false);
      expect(p.target.count("zip")).toBe(i);
    }
    expect(await p.metric("gopave_proxy_verification_failures_total", { file: "zip" })).toBe(2);
    // The temp download was removed, not left in the staging directory.
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(await p.storage.stagingDir())).toEqual([]);
  });

  it("names the refusal's actual cause: checksum database, go.sum or an unusable zip", () => {
    const m = "example.com/m@v1.0.0 (zip)";
    expect(refusalCause(`${m}: checksum mismatch: downloaded h1:a=, sum.test has h1:b=`)).toBe(
      "it does not match the checksum database",
    );
    expect(refusalCause(`${m}: checksum mismatch: downloaded h1:a=, go.sum has h1:b=`)).toBe(
      "it does not match go.sum",
    );
    expect(
      refusalCause("invalid module zip for example.com/m@v1.0.0: not a readable zip file: x"),
    ).toBe("it is not a valid module zip");
    expect(refusalCause(`${m}: not in the checksum database / go.sum`)).toBe(
      "neither go.sum nor the checksum database lists it",
    );
    expect(refusalCause(`${m}: cannot read trusted go.sum: ENOENT`)).toBe(
      "the trusted go.sum cannot be read",
    );
    expect(refusalCause(`${m}: sum.test has no h1 line for it`)).toBe(
      "it could not be verified against the checksum database",
    );
  });

  it("refuses a tampered go.mod the same way", async () => {
    p = await startTestProxy();
    p.target.add("example.com/evil", "v1.0.0");
    p.verifier.tampered.add("example.com/evil@v1.0.0");
    const r = await fetch(`${p.url}/example.com/evil/@v/v1.0.0.mod`);
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/^verifying example\.com\/evil@v1\.0\.0\/go\.mod: /);
    expect(p.storage.has("example.com/evil", "v1.0.0", "mod")).toBe(false);
    // .info is not in the checksum database: it is stored as fetched.
    expect((await fetch(`${p.url}/example.com/evil/@v/v1.0.0.info`)).status).toBe(200);
    expect(p.storage.has("example.com/evil", "v1.0.0", "info")).toBe(true);
  });

  it("answers 502 when the checksum database cannot be asked (not counted as tampering)", async () => {
    p = await startTestProxy();
    p.target.add("example.com/m", "v1.0.0");
    p.verifier.unavailable.add("example.com/m@v1.0.0");
    const r = await fetch(`${p.url}/example.com/m/@v/v1.0.0.zip`);
    expect(r.status).toBe(502);
    expect(await p.metric("gopave_proxy_verification_failures_total")).toBe(0);
    expect(p.storage.has("example.com/m", "v1.0.0", "zip")).toBe(false);
  });

  it("does not verify private routes", async () => {
    const priv = new FakeTarget("private");
    priv.add("git.corp.example.com/team/lib", "v0.1.0");
    p = await startTestProxy({
      routes: (pub) => [
        { pattern: "*.corp.example.com", target: priv, verify: false },
        { pattern: "*", name: "default", target: pub, verify: true },
      ],
    });
    p.verifier.tampered.add("git.corp.example.com/team/lib@v0.1.0");
    const r = await fetch(`${p.url}/git.corp.example.com/team/lib/@v/v0.1.0.zip`);
    expect(r.status).toBe(200);
    expect(p.verifier.calls).toEqual([]);
    expect(priv.count("zip")).toBe(1);
    expect(p.target.calls).toEqual([]);
    expect(
      await p.metric("gopave_proxy_requests_total", {
        route: "*.corp.example.com",
        endpoint: "zip",
      }),
    ).toBe(1);
  });
});

describe("routes", () => {
  it("routes by GOPRIVATE-style prefix globs, first match wins", async () => {
    const a = new FakeTarget("a").add("github.com/acme/x", "v1.0.0");
    const b = new FakeTarget("b")
      .add("github.com/acme/x", "v1.0.0")
      .add("github.com/acme", "v1.0.0");
    p = await startTestProxy({
      routes: (pub) => [
        { pattern: "github.com/acme/*", target: a, verify: false },
        { pattern: "github.com/acme", target: b, verify: false },
        { pattern: "*", name: "default", target: pub, verify: true },
      ],
    });
    await fetch(`${p.url}/github.com/acme/x/@v/list`);
    await fetch(`${p.url}/github.com/acme/@v/list`);
    await fetch(`${p.url}/github.com/other/@v/list`);
    expect(a.calls.map((c) => c.module)).toEqual(["github.com/acme/x"]);
    expect(b.calls.map((c) => c.module)).toEqual(["github.com/acme"]);
    expect(p.target.calls.map((c) => c.module)).toEqual(["github.com/other"]);
  });

  it("denies with 403 text/plain and never touches storage", async () => {
    p = await startTestProxy({
      routes: (pub) => [
        { pattern: "secret.example.com", target: createDenyTarget(), verify: false },
        { pattern: "*", name: "default", target: pub, verify: true },
      ],
    });
    await p.storage.putOnce("secret.example.com/x", "v1.0.0", "mod", {
      data: Buffer.from("module x\n"),
    });
    p.storage.calls = [];
    for (const path of ["/@v/list", "/@latest", "/@v/v1.0.0.mod", "/@v/v1.0.0.zip"]) {
      const r = await fetch(`${p.url}/secret.example.com/x${path}`);
      expect(r.status).toBe(403);
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await r.text()).toBe("module path denied by gopave route\n");
    }
    expect(p.storage.calls).toEqual([]);
  });
});

describe("request validation", () => {
  it("answers malformed paths 400 without touching storage or the upstream", async () => {
    p = await startTestProxy();
    p.storage.calls = [];
    for (const path of [
      "/Github.com/x/@v/list",
      "/example.com/%2e%2e/@v/list",
      "/example.com/x/@v/-v1.info",
    ]) {
      const r = await rawRequest(p.url, path);
      expect(r.status).toBe(400);
      expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(r.body.toString()).toMatch(/^bad request: /);
    }
    expect(p.storage.calls).toEqual([]);
    expect(p.target.calls).toEqual([]);
  });

  it("allows only GET and HEAD", async () => {
    p = await startTestProxy();
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const r = await rawRequest(p.url, "/example.com/x/@v/list", method);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
    expect(p.target.calls).toEqual([]);
  });

  it("answers /sumdb/ with 404 when no checksum database is proxied, and delegates when one is", async () => {
    p = await startTestProxy();
    expect((await fetch(`${p.url}/sumdb/sum.golang.org/supported`)).status).toBe(404);
    await p.close();
    const seen: string[] = [];
    p = await startTestProxy({
      sumdb: async (req, res) => {
        seen.push(`${req.name} ${req.rest}`);
        // As the real sumdb proxy does: setHeader, then end.
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
        res.setHeader("Content-Length", 3);
        res.end("ok\n");
      },
    });
    const r = await fetch(
      `${p.url}/sumdb/sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.3.2`,
    );
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("ok\n");
    expect(seen).toEqual(["sum.golang.org lookup/github.com/!burnt!sushi/toml@v1.3.2"]);
    expect(await p.metric("gopave_proxy_bytes_served_total", { endpoint: "sumdb" })).toBe(3);
  });
});
