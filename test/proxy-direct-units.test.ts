import { describe, expect, it } from "vitest";
import { classifyGoFailure, redactCredentials } from "../src/proxy/targets/direct/classify.js";
import { parseJsonSequence } from "../src/proxy/targets/direct/json-sequence.js";
import { createSemaphore } from "../src/proxy/targets/direct/semaphore.js";

describe("parseJsonSequence", () => {
  it("splits back-to-back objects, including braces and quotes inside strings", () => {
    const text =
      '{\n\t"Path": "a",\n\t"Error": "bad } \\" {"\n}\n{"Path":"b","Origin":{"Hash":"x"}}\n';
    expect(parseJsonSequence(text)).toEqual([
      { Path: "a", Error: 'bad } " {' },
      { Path: "b", Origin: { Hash: "x" } },
    ]);
  });

  it("ignores text between objects and rejects a truncated one", () => {
    expect(parseJsonSequence("go: noise\n{}\n")).toEqual([{}]);
    expect(() => parseJsonSequence('{"Path": "a"')).toThrow(/truncated/);
  });
});

describe("classifyGoFailure", () => {
  it("keeps an empty message meaningful and bounded", () => {
    expect(classifyGoFailure("")).toMatchObject({ notFound: false, message: "go command failed" });
    expect(classifyGoFailure("x".repeat(5000)).message.length).toBeLessThan(2100);
  });

  it("redacts user-info in any URL", () => {
    expect(redactCredentials("git clone https://u:p@h/x and ssh://git@h/y")).toBe(
      "git clone https://***@h/x and ssh://***@h/y",
    );
  });
});

describe("createSemaphore", () => {
  it("hands slots over in order and drops aborted waiters", async () => {
    const sem = createSemaphore(1);
    const first = await sem.acquire();
    const ac = new AbortController();
    const aborted = sem.acquire(ac.signal);
    const order: string[] = [];
    const third = sem.acquire().then((release) => {
      order.push("third");
      return release;
    });
    expect(sem.waiting).toBe(2);
    ac.abort();
    await expect(aborted).rejects.toThrow();
    expect(sem.waiting).toBe(1);
    first();
    first(); // a second release is a no-op
    (await third)();
    expect(order).toEqual(["third"]);
    expect(sem.active).toBe(0);
  });

  it("rejects a nonsensical limit", () => {
    expect(() => createSemaphore(0)).toThrow(RangeError);
  });
});
