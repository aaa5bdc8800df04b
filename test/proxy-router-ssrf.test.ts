import { describe, expect, it } from "vitest";
import {
  ForbiddenHostError,
  assertPublicHost,
  isForbiddenAddress,
  moduleHost,
} from "../src/proxy/ssrf.js";
import { createUpstreamTarget } from "../src/proxy/targets/upstream.js";
import { FakeTarget } from "./helpers/proxy-fakes.js";

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.2.1",
    "::",
    "::1",
    "[::1]",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "64:ff9b::10.0.0.1",
    "2002:0a00:0001::1",
    "2001:db8::1",
    "not-an-ip",
    "",
    "1.2.3",
  ])("forbids %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
  ])("allows %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("assertPublicHost", () => {
  const resolver = (table: Record<string, string[]>) => async (host: string) => {
    const a = table[host];
    if (!a) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    return a;
  };

  it("refuses IP literals, localhost and names resolving to private addresses", async () => {
    const r = resolver({
      "internal.example.com": ["10.0.0.5"],
      "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
      "public.example.com": ["93.184.216.34", "2606:2800:220:1::1"],
    });
    await expect(assertPublicHost("169.254.169.254", r)).rejects.toBeInstanceOf(ForbiddenHostError);
    await expect(assertPublicHost("localhost", r)).rejects.toBeInstanceOf(ForbiddenHostError);
    await expect(assertPublicHost("foo.localhost", r)).rejects.toBeInstanceOf(ForbiddenHostError);
    await expect(assertPublicHost("internal.example.com", r)).rejects.toThrow(/10\.0\.0\.5/);
    await expect(assertPublicHost("mixed.example.com", r)).rejects.toBeInstanceOf(
      ForbiddenHostError,
    );
    await expect(assertPublicHost("public.example.com", r)).resolves.toBeUndefined();
    await expect(assertPublicHost("8.8.8.8", r)).resolves.toBeUndefined();
    // Unresolvable names pass; the fetch that follows fails on its own.
    await expect(assertPublicHost("nxdomain.example.com", r)).resolves.toBeUndefined();
  });

  it("takes the host from a module path", () => {
    expect(moduleHost("169.254.169.254/latest/meta-data")).toBe("169.254.169.254");
    expect(moduleHost("example.com")).toBe("example.com");
  });
});

describe("public routes never send direct fetches to private addresses", () => {
  it("refuses with 403 before the direct target runs", async () => {
    const direct = new FakeTarget("direct");
    direct.add("internal.example.com/x", "v1.0.0");
    const resolve = async (host: string) =>
      host === "internal.example.com" ? ["192.168.0.10"] : ["93.184.216.34"];
    const guarded = createUpstreamTarget({
      list: "direct",
      direct: () => direct,
      guardDirect: true,
      resolver: resolve,
    });
    const r = await guarded.list("internal.example.com/x", AbortSignal.timeout(1000));
    expect(r).toMatchObject({ ok: false, notFound: false, status: 403 });
    expect(direct.calls).toEqual([]);
    const meta = await guarded.mod("169.254.169.254/x", "v1.0.0", AbortSignal.timeout(1000));
    expect(meta).toMatchObject({ ok: false, status: 403 });
    // A private route (no guard) may reach it.
    const open = createUpstreamTarget({ list: "direct", direct: () => direct, resolver: resolve });
    expect(await open.list("internal.example.com/x", AbortSignal.timeout(1000))).toMatchObject({
      ok: true,
    });
  });
});
