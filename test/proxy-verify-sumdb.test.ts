import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalSumdb, type SumdbAnswer } from "../src/proxy/sumdb/local-sumdb.js";
import { createVerifier, hashMod, hashZip, parseGosumdb } from "../src/proxy/verify/index.js";
import { GopaveError } from "../src/util/errors.js";
import { makeZip } from "./helpers/proxy-e2e-zip.js";

function fakeH1(seed: string): string {
  return `h1:${createHash("sha256").update(seed).digest("base64")}`;
}

async function addFillers(db: LocalSumdb, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const m = `example.com/${tag}${i}`;
    await db.add(m, "v1.0.0", fakeH1(`${m} zip`), fakeH1(`${m} mod`));
  }
}

/** RFC 6962's MTH, written independently of the tlog code under test. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash("sha256")
    .update(Buffer.from([1]))
    .update(mth(leaves.slice(0, k)))
    .update(mth(leaves.slice(k)))
    .digest();
}

const MOD = "example.com/Verified";
const V = "v1.2.3";
const GOMOD = `module ${MOD}\n\ngo 1.22\n`;

let top: string;
let zipPath: string;
let badZipPath: string;
let db: LocalSumdb;
let srv: Awaited<ReturnType<LocalSumdb["listen"]>>;
let tamper: ((rest: string, a: SumdbAnswer) => SumdbAnswer | Promise<SumdbAnswer>) | undefined;

const lookups = () => srv.requests.filter((r) => r.startsWith("lookup/"));

beforeAll(async () => {
  top = await mkdtemp(join(tmpdir(), "gopave-sumdb-"));
  zipPath = join(top, "good.zip");
  badZipPath = join(top, "bad.zip");
  const p = `${MOD}@${V}/`;
  await writeFile(zipPath, await makeZip({ [`${p}go.mod`]: GOMOD, [`${p}a.go`]: "package a\n" }));
  await writeFile(
    badZipPath,
    await makeZip({ [`${p}go.mod`]: GOMOD, [`${p}a.go`]: "package a // evil\n" }),
  );
  db = new LocalSumdb("sumdb.test");
  await addFillers(db, 300, "before");
  await db.add(MOD, V, await hashZip(zipPath), hashMod(Buffer.from(GOMOD)));
  await addFillers(db, 40, "after");
  srv = await db.listen((rest, answer) => (tamper ? tamper(rest, answer) : answer));
});

beforeEach(() => {
  tamper = undefined;
});

afterAll(async () => {
  await srv.close();
  await rm(top, { recursive: true, force: true });
});

describe("verification against a checksum database", () => {
  it("builds the same tree as RFC 6962 and signs it in Go's note format", async () => {
    const note = (await db.signedTree()).toString();
    const [, n, hash] = note.split("\n");
    expect(note.startsWith("go.sum database tree\n341\n")).toBe(true);
    // Rebuild the leaves from data tiles: concatenated record texts, each followed by "\n".
    const full = (await db.handle("tile/8/data/000")).body.toString();
    const partial = (await db.handle(`tile/8/data/001.p/${db.size - 256}`)).body.toString();
    const records = `${full}${partial}`
      .split("\n\n")
      .filter((r) => r !== "")
      .map((r) => `${r}\n`);
    expect(records).toHaveLength(341);
    const leafHashes = records.map((r) =>
      createHash("sha256")
        .update(Buffer.from([0]))
        .update(r)
        .digest(),
    );
    expect(mth(leafHashes).toString("base64")).toBe(hash);
    expect(n).toBe("341");
    expect(note).toMatch(/\n\n— sumdb\.test [A-Za-z0-9+/]+=*\n$/);
  });

  it("accepts a .mod and a .zip whose h1 the database signs, proving the record is in the tree", async () => {
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "sumdb" });
    expect(await v.verifyZip(MOD, V, zipPath)).toEqual({ ok: true, how: "sumdb" });
    // Case-encoded lookup; one lookup for both lines (cached); tiles read for the proof.
    expect(lookups()).toEqual(["lookup/example.com/!verified@v1.2.3"]);
    expect(srv.requests.some((r) => r.startsWith("tile/8/0/"))).toBe(true);
    expect(srv.requests.some((r) => r.startsWith("tile/8/1/"))).toBe(true);
  });

  it("starts the lookup ahead when asked to prepare, and the check then reuses it", async () => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    tamper = async (rest, answer) => {
      if (rest.startsWith("lookup/")) await held;
      return answer;
    };
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    const before = lookups().length;
    v.prepare?.(MOD, V, "mod");
    // The lookup reaches the database before any check is asked for.
    for (let i = 0; i < 200 && lookups().length === before; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(lookups().length).toBe(before + 1);
    const checking = v.verifyMod(MOD, V, Buffer.from(GOMOD));
    release();
    expect(await checking).toEqual({ ok: true, how: "sumdb" });
    expect(await v.verifyZip(MOD, V, zipPath)).toEqual({ ok: true, how: "sumdb" });
    expect(lookups().length).toBe(before + 1);
  });

  it("prepares nothing that the check will not ask the database for", async () => {
    const sums = join(top, "prepare-go.sum");
    await writeFile(sums, `${MOD} ${V}/go.mod ${hashMod(Buffer.from(GOMOD))}\n`);
    const before = srv.requests.length;
    const listed = createVerifier({
      sumdb: `${db.verifierKey} ${srv.url}`,
      trustedSums: [sums],
      env: {},
    });
    listed.prepare?.(MOD, V, "mod");
    const priv = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: { GONOSUMDB: MOD } });
    priv.prepare?.(MOD, V, "zip");
    expect(await listed.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "go.sum" });
    expect(await priv.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "skipped" });
    expect(srv.requests.length).toBe(before);
  });

  it("goes through sumdbUrl when GOSUMDB names no URL", async () => {
    const before = lookups().length;
    const v = createVerifier({ sumdb: db.verifierKey, sumdbUrl: `${srv.url}/`, env: {} });
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "sumdb" });
    expect(lookups().length).toBe(before + 1);
  });

  it("refuses a zip whose hash differs, naming both hashes", async () => {
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    const r = await v.verifyZip(MOD, V, badZipPath);
    expect(r.ok).toBe(false);
    const reason = (r as { reason: string }).reason;
    expect(reason).toContain("checksum mismatch");
    expect(reason).toContain(await hashZip(badZipPath));
    expect(reason).toContain(await hashZip(zipPath));
  });

  it("refuses a tampered record even though the tree note is genuinely signed", async () => {
    const good = await hashZip(zipPath);
    const evil = await hashZip(badZipPath);
    tamper = (rest, a) =>
      rest.startsWith("lookup/")
        ? { ...a, body: Buffer.from(a.body.toString().replace(good, evil)) }
        : a;
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    const r = await v.verifyZip(MOD, V, badZipPath);
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /record 300 for example\.com\/Verified@v1\.2\.3 is not in the signed tree/,
      ),
    });
  });

  it("refuses a note signed by a different key, and a forged signature", async () => {
    const impostor = new LocalSumdb("sumdb.test");
    const v = createVerifier({ sumdb: `${impostor.verifierKey} ${srv.url}`, env: {} });
    expect((await v.verifyMod(MOD, V, Buffer.from(GOMOD))) as unknown).toEqual({
      ok: false,
      reason: expect.stringContaining("note has no verifiable signatures"),
    });

    tamper = (rest, a) => {
      if (!rest.startsWith("lookup/")) return a;
      const text = a.body.toString();
      const sig = /— sumdb\.test (\S+)\n$/.exec(text)?.[1] ?? "";
      const raw = Buffer.from(sig, "base64");
      raw[10] = (raw[10] ?? 0) ^ 1;
      return { ...a, body: Buffer.from(text.replace(sig, raw.toString("base64"))) };
    };
    const v2 = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await v2.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({
      ok: false,
      reason: expect.stringContaining("invalid signature for key sumdb.test+"),
    });
  });

  it("refuses a module the database does not know (404)", async () => {
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(
      await v.verifyMod(
        "example.com/unknown",
        "v1.0.0",
        Buffer.from("module example.com/unknown\n"),
      ),
    ).toEqual({
      ok: false,
      reason:
        "example.com/unknown@v1.0.0 (go.mod): not in the checksum database / go.sum (sumdb.test answered 404: not found: example.com/unknown@v1.0.0)",
    });
  });

  it("reports an unreachable or failing database as unavailable, and does not remember it", async () => {
    let fail = true;
    tamper = (rest, a) =>
      fail && rest.startsWith("lookup/") ? { status: 500, body: Buffer.from("boom\n") } : a;
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({
      ok: false,
      unavailable: true,
      reason: expect.stringContaining(
        "cannot verify against sumdb.test: lookup example.com/Verified@v1.2.3: status 500: boom",
      ),
    });
    fail = false;
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "sumdb" });

    const dead = createVerifier({ sumdb: `${db.verifierKey} http://127.0.0.1:9`, env: {} });
    expect(await dead.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({
      ok: false,
      unavailable: true,
      reason: expect.stringContaining(
        "cannot verify against sumdb.test: http://127.0.0.1:9/lookup/",
      ),
    });

    // Missing tiles mean the proof could not be made, not that the record is forged.
    tamper = (rest, a) =>
      rest.startsWith("tile/") ? { status: 404, body: Buffer.from("gone\n") } : a;
    const noTiles = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await noTiles.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({
      ok: false,
      unavailable: true,
      reason: expect.stringContaining(
        "checking sumdb.test tiles: checksum database has no tile/8/",
      ),
    });
  });

  it("treats the database's other refusals (400) as not in the database", async () => {
    tamper = (rest, a) =>
      rest.startsWith("lookup/") ? { status: 400, body: Buffer.from("host not permitted\n") } : a;
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({
      ok: false,
      reason: `${MOD}@${V} (go.mod): not in the checksum database / go.sum (sumdb.test answered 400: host not permitted)`,
    });
  });

  it("detects a split view: a later tree that does not extend an earlier one", async () => {
    const v = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "sumdb" });
    // Same key, same first 100 records, different history after that, and a bigger tree.
    const fork = await db.fork(100);
    await fork.add(
      "example.com/forked",
      "v1.0.0",
      fakeH1("z"),
      hashMod(Buffer.from("module example.com/forked\n")),
    );
    await addFillers(fork, 300, "fork");
    tamper = (rest) => fork.handle(rest);
    const r = await v.verifyMod(
      "example.com/forked",
      "v1.0.0",
      Buffer.from("module example.com/forked\n"),
    );
    expect(r).toEqual({
      ok: false,
      reason: expect.stringContaining(
        "SECURITY ERROR: checksum database sumdb.test served inconsistent trees (size 341 is not a prefix of size 401)",
      ),
    });
    // The fork alone is self-consistent: a fresh verifier accepts it.
    const fresh = createVerifier({ sumdb: `${db.verifierKey} ${srv.url}`, env: {} });
    expect(
      await fresh.verifyMod(
        "example.com/forked",
        "v1.0.0",
        Buffer.from("module example.com/forked\n"),
      ),
    ).toEqual({
      ok: true,
      how: "sumdb",
    });
  });

  it("proves inclusion in a log big enough for three tile levels", async () => {
    const big = new LocalSumdb("big.test");
    await addFillers(big, 66_000, "m");
    const mod = "example.com/m65536";
    const server = await big.listen();
    try {
      const v = createVerifier({ sumdb: `${big.verifierKey} ${server.url}`, env: {} });
      expect(await v.verifyMod(mod, "v1.0.0", Buffer.from("x"))).toEqual({
        ok: false,
        reason: expect.stringContaining("checksum mismatch"),
      });
      expect(server.requests.some((r) => r.startsWith("tile/8/2/"))).toBe(true);
      expect(server.requests.some((r) => r.includes(".p/"))).toBe(true);
      const other = await big.listen((rest, a) =>
        rest.startsWith("lookup/")
          ? { ...a, body: Buffer.from(a.body.toString().replace(/^65536\n/, "65535\n")) }
          : a,
      );
      try {
        const t2 = createVerifier({ sumdb: `${big.verifierKey} ${other.url}`, env: {} });
        expect(await t2.verifyMod(mod, "v1.0.0", Buffer.from("x"))).toEqual({
          ok: false,
          reason: expect.stringContaining("is not in the signed tree"),
        });
      } finally {
        await other.close();
      }
    } finally {
      await server.close();
    }
  });
});

describe("a local database's record of a go.mod alone", () => {
  it("verifies the go.mod and refuses the zip, which it has no line for", async () => {
    const own = new LocalSumdb("sumdb.test");
    await own.add(MOD, V, undefined, hashMod(Buffer.from(GOMOD)));
    const lookup = (await own.handle("lookup/example.com/!verified@v1.2.3")).body.toString();
    expect(lookup.split("\n").slice(0, 2)).toEqual([
      "0",
      `${MOD} ${V}/go.mod ${hashMod(Buffer.from(GOMOD))}`,
    ]);
    const server = await own.listen();
    try {
      const v = createVerifier({ sumdb: `${own.verifierKey} ${server.url}`, env: {} });
      expect(await v.verifyMod(MOD, V, Buffer.from(GOMOD))).toEqual({ ok: true, how: "sumdb" });
      expect(await v.verifyZip(MOD, V, zipPath)).toMatchObject({ ok: false });
    } finally {
      await server.close();
    }
  });
});

describe("GOSUMDB handling", () => {
  it("knows sum.golang.org's key and its alias, and reads name+key url forms", () => {
    const def = parseGosumdb("sum.golang.org");
    expect(def).toMatchObject({ off: false, name: "sum.golang.org", url: undefined });
    expect(parseGosumdb("sum.golang.google.cn")).toMatchObject({
      name: "sum.golang.org",
      url: "https://sum.golang.google.cn",
    });
    expect(parseGosumdb(`${db.verifierKey} http://127.0.0.1:1/x/`)).toMatchObject({
      name: "sumdb.test",
      url: "http://127.0.0.1:1/x",
    });
    expect(parseGosumdb("off")).toEqual({ off: true });
  });

  it("rejects a bare name without a built-in key, and a key whose hash is wrong", () => {
    expect(() => createVerifier({ sumdb: "sum.example.com", env: {} })).toThrow(GopaveError);
    const [name, hash] = db.verifierKey.split("+");
    const key = db.verifierKey.slice(`${name}+${hash}+`.length);
    expect(() => parseGosumdb(`${name}+00000000+${key}`)).toThrow(/invalid verifier hash/);
  });

  it("skips the database when GOSUMDB=off or GONOSUMDB/GOPRIVATE match, but still checks zips", async () => {
    const off = createVerifier({ sumdb: "off", env: {} });
    expect(await off.verifyZip(MOD, V, badZipPath)).toEqual({ ok: true, how: "skipped" });
    expect(await off.verifyZip("example.com/other", V, zipPath)).toEqual({
      ok: false,
      reason: expect.stringContaining("path does not have prefix"),
    });
    const priv = createVerifier({
      sumdb: `${db.verifierKey} http://127.0.0.1:9`,
      env: { GOPRIVATE: "example.com/Verified,corp.example" },
    });
    expect(await priv.verifyMod(MOD, V, Buffer.from("anything"))).toEqual({
      ok: true,
      how: "skipped",
    });
    const envOff = createVerifier({ env: { GOSUMDB: "off" } });
    expect(await envOff.verifyMod(MOD, V, Buffer.from("anything"))).toEqual({
      ok: true,
      how: "skipped",
    });
  });
});
