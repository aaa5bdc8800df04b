import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { publicProxyUrl } from "./public-proxy.js";

const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const fake = mkdtempSync(join(tmpdir(), "gopave-goroot-"));
afterAll(() => rmSync(fake, { recursive: true, force: true }));

describe("publicProxyUrl", () => {
  it("reads the first http(s) GOPROXY entry of the toolchain's go.env", () => {
    const line = /^GOPROXY=(.*)$/m.exec(readFileSync(join(goroot, "go.env"), "utf8"))?.[1] ?? "";
    const first = line.split(/[,|]/)[0] ?? "";
    expect(first).toMatch(/^https?:\/\//);
    expect(publicProxyUrl({}, goroot)).toBe(first.replace(/\/+$/, ""));
  });

  it("lets GOPAVE_PUBLIC_PROXY override it", () => {
    expect(publicProxyUrl({ GOPAVE_PUBLIC_PROXY: "http://127.0.0.1:9/p/" }, goroot)).toBe(
      "http://127.0.0.1:9/p",
    );
  });

  it("finds none without a usable go.env", () => {
    expect(publicProxyUrl({}, undefined)).toBeUndefined();
    expect(publicProxyUrl({}, join(fake, "missing"))).toBeUndefined();
    writeFileSync(join(fake, "go.env"), "GOPROXY=direct\n");
    expect(publicProxyUrl({}, fake)).toBeUndefined();
    writeFileSync(join(fake, "go.env"), "# c\nGOPROXY=file:///x,http://127.0.0.1:1/m|direct\n");
    expect(publicProxyUrl({}, fake)).toBe("http://127.0.0.1:1/m");
  });
});
