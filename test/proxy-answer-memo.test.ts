import { afterEach, describe, expect, it, vi } from "vitest";
import { AnswerMemo } from "../src/proxy/server/answer-memo.js";
import { startTestProxy } from "./helpers/proxy-server.js";
import type { TestProxy } from "./helpers/proxy-server.js";

const record = (fetchedAt: number) => ({ body: "v1.0.0\n", status: 200, fetchedAt });

describe("AnswerMemo", () => {
  it("remembers a record while it is fresh by its own fetch time, then asks storage again", () => {
    const memo = new AnswerMemo();
    expect(memo.get("list", "m", 1000)).toBe("unknown");
    memo.set("list", "m", record(1000), 1500, 60_000);
    expect(memo.get("list", "m", 60_999)).toEqual(record(1000));
    expect(memo.get("list", "m", 61_000)).toBe("unknown");
    // A record already stale when read is not remembered at all.
    memo.set("latest", "m", record(0), 70_000, 60_000);
    expect(memo.get("latest", "m", 70_000)).toBe("unknown");
  });

  it("believes 'no record' for a second only, and keeps kinds and keys apart", () => {
    const memo = new AnswerMemo();
    memo.set("notfound", "m/@v/list", undefined, 5000, 600_000);
    expect(memo.get("notfound", "m/@v/list", 5999)).toBeUndefined();
    expect(memo.get("notfound", "m/@v/list", 6000)).toBe("unknown");
    expect(memo.get("list", "m/@v/list", 5500)).toBe("unknown");
  });

  it("holds at most its size, oldest out first", () => {
    const memo = new AnswerMemo(2);
    for (const k of ["a", "b", "c"]) memo.set("list", k, record(0), 0, 60_000);
    expect(memo.get("list", "a", 1)).toBe("unknown");
    expect(memo.get("list", "c", 1)).toEqual(record(0));
  });
});

describe("warm list and @latest answers", () => {
  let p: TestProxy | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it("read storage once per record while fresh, and again (and upstream) once stale", async () => {
    let now = 1_000_000;
    const t = (p = await startTestProxy({ now: () => now, ttl: { listMs: 60_000 } }));
    t.target.add("example.com/memo", "v1.0.0");
    const reads = vi.spyOn(t.storage, "getAnswer");
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${t.url}/example.com/memo/@v/list`);
      expect(await r.text()).toBe("v1.0.0\n");
    }
    // The first request: the list record and the not-found record, both absent; after the fetch
    // both are remembered, so the next four read nothing.
    expect(reads.mock.calls.map((c) => c[0])).toEqual(["list", "notfound"]);
    expect(t.target.count("list")).toBe(1);
    now += 61_000;
    await (await fetch(`${t.url}/example.com/memo/@v/list`)).text();
    expect(t.target.count("list")).toBe(2);
    expect(reads.mock.calls.filter((c) => c[0] === "list")).toHaveLength(2);
  });
});
