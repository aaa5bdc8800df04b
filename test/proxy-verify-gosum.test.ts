import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSumdb } from "../src/proxy/sumdb/local-sumdb.js";
import { createVerifier, hashMod, hashZip } from "../src/proxy/verify/index.js";
import { makeZip } from "./helpers/proxy-e2e-zip.js";

const A = "example.com/listed";
const B = "example.com/unlisted";
const V = "v0.1.0";
const modA = Buffer.from(`module ${A}\n`);
const modB = Buffer.from(`module ${B}\n`);

let top: string;
let goSum: string;
let zipA: string;
let zipB: string;

beforeAll(async () => {
  top = await mkdtemp(join(tmpdir(), "gopave-gosum-"));
  zipA = join(top, "a.zip");
  zipB = join(top, "b.zip");
  await writeFile(
    zipA,
    await makeZip({ [`${A}@${V}/go.mod`]: modA.toString(), [`${A}@${V}/a.go`]: "package a\n" }),
  );
  await writeFile(zipB, await makeZip({ [`${B}@${V}/go.mod`]: modB.toString() }));
  goSum = join(top, "go.sum");
  await writeFile(
    goSum,
    [
      `${A} ${V} ${await hashZip(zipA)}`,
      `${A} ${V}/go.mod ${hashMod(modA)}`,
      `example.com/other v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await rm(top, { recursive: true, force: true });
});

describe("verification against trusted go.sum files", () => {
  it("accepts what go.sum lists and refuses a mismatch, naming both hashes", async () => {
    const v = createVerifier({ trustedSums: [goSum], env: {} });
    expect(await v.verifyZip(A, V, zipA)).toEqual({ ok: true, how: "go.sum" });
    expect(await v.verifyMod(A, V, modA)).toEqual({ ok: true, how: "go.sum" });
    const evil = Buffer.from(`module ${A}\n\nrequire example.com/evil v1.0.0\n`);
    expect(await v.verifyMod(A, V, evil)).toEqual({
      ok: false,
      reason: `${A}@${V} (go.mod): checksum mismatch: downloaded ${hashMod(evil)}, go.sum has ${hashMod(modA)}`,
    });
  });

  it("refuses a module go.sum does not list when no checksum database is configured", async () => {
    const v = createVerifier({ trustedSums: [goSum], env: {} });
    expect(await v.verifyMod(B, V, modB)).toEqual({
      ok: false,
      reason: `${B}@${V} (go.mod): not in the checksum database / go.sum`,
    });
  });

  it("checks the zip's structure before its hash", async () => {
    const v = createVerifier({ trustedSums: [goSum], env: {} });
    expect(await v.verifyZip(A, V, zipB)).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^invalid module zip for example\.com\/listed@v0\.1\.0: .*path does not have prefix/,
      ),
    });
  });

  it("asks go.sum first and the checksum database only for modules go.sum does not list", async () => {
    const db = new LocalSumdb("sumdb.test");
    await db.add(B, V, await hashZip(zipB), hashMod(modB));
    const srv = await db.listen();
    try {
      const v = createVerifier({
        trustedSums: [goSum],
        sumdb: `${db.verifierKey} ${srv.url}`,
        env: {},
      });
      expect(await v.verifyZip(A, V, zipA)).toEqual({ ok: true, how: "go.sum" });
      expect(srv.requests).toEqual([]);
      expect(await v.verifyZip(B, V, zipB)).toEqual({ ok: true, how: "sumdb" });
      expect(await v.verifyMod("example.com/nowhere", V, modB)).toEqual({
        ok: false,
        reason: expect.stringContaining(
          "example.com/nowhere@v0.1.0 (go.mod): not in the checksum database / go.sum",
        ),
      });
    } finally {
      await srv.close();
    }
  });

  it("with GOSUMDB=off, go.sum still applies and unlisted modules are skipped", async () => {
    const v = createVerifier({ trustedSums: [goSum], sumdb: "off", env: {} });
    expect(await v.verifyMod(A, V, Buffer.from("tampered"))).toMatchObject({ ok: false });
    expect(await v.verifyMod(B, V, modB)).toEqual({ ok: true, how: "skipped" });
  });

  it("refuses (rather than trusting everything) when a go.sum cannot be read", async () => {
    const bad = join(top, "bad.sum");
    await writeFile(bad, "example.com/x v1.0.0\n");
    const v = createVerifier({ trustedSums: [bad], env: {} });
    expect(await v.verifyMod(A, V, modA)).toEqual({
      ok: false,
      reason: expect.stringContaining(
        `cannot read trusted go.sum: ${bad}:1: malformed go.sum line`,
      ),
    });
    const missing = createVerifier({ trustedSums: [join(top, "nope.sum")], env: {} });
    expect(await missing.verifyMod(A, V, modA)).toMatchObject({ ok: false });
  });
});
