import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { OUTPUT_SIZE, createRawInflater, hasZlibHandle } from "../src/proxy/verify/raw-inflate.js";
import { mulberry32 } from "./helpers/seeded-random.js";

/** Text-like bytes (compressible) mixed with runs of noise, `size` long. */
function sample(size: number, seed: number): Buffer {
  const rand = mulberry32(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++)
    out[i] = i % 4096 < 3000 ? 97 + (i % 23) : Math.floor(rand() * 256);
  return out;
}

/** Pushes `compressed` in pieces of `piece` bytes; resolves the state and what came out. */
async function inflate(
  publicApiOnly: boolean,
  compressed: Buffer,
  limit: number,
  piece: number,
  inflater = createRawInflater(publicApiOnly),
) {
  const out: Buffer[] = [];
  inflater.reset(limit);
  let state: string = "more";
  for (let at = 0; at < compressed.length || at === 0; at += piece) {
    const input = compressed.subarray(at, at + piece);
    const last = at + piece >= compressed.length;
    // The caller reuses its input buffer: hand over a copy that is then overwritten.
    const copy = Buffer.from(input);
    state = await inflater.push(copy, last, (p) => {
      expect(p.length).toBeLessThanOrEqual(OUTPUT_SIZE);
      out.push(Buffer.from(p));
    });
    copy.fill(0);
    if (state !== "more") break;
  }
  return { state, data: Buffer.concat(out) };
}

it("takes the fast path on the Node versions gopave supports", () => {
  // Otherwise both suites below would silently test the fallback.
  expect(hasZlibHandle()).toBe(true);
});

for (const publicApiOnly of [false, true]) {
  describe(`raw inflater (${publicApiOnly ? "public zlib API fallback" : "reused zlib handle"})`, () => {
    it("inflates entries of any size, fed whole or in pieces, one after another", async () => {
      const inflater = createRawInflater(publicApiOnly);
      for (const size of [1, 1000, OUTPUT_SIZE - 1, OUTPUT_SIZE, OUTPUT_SIZE + 1, 5 << 20]) {
        const data = sample(size, size);
        const z = deflateRawSync(data);
        for (const piece of [z.length, 65_536, 7]) {
          if (piece === 7 && size > 100_000) continue; // slow, and says nothing new
          const r = await inflate(publicApiOnly, z, size, piece, inflater);
          expect(r.state).toBe("ended");
          expect(r.data.equals(data)).toBe(true);
        }
      }
      const empty = await inflate(
        publicApiOnly,
        deflateRawSync(Buffer.alloc(0)),
        0,
        1 << 20,
        inflater,
      );
      expect(empty).toEqual({ state: "ended", data: Buffer.alloc(0) });
    });

    it("stops at the limit: a bomb costs at most its declared size", async () => {
      const bomb = deflateRawSync(Buffer.alloc(64 << 20, 0x20));
      expect(bomb.length).toBeLessThan(1 << 20);
      const r = await inflate(publicApiOnly, bomb, 100, 1 << 20);
      expect(r.state).toBe("overflow");
      expect(r.data.length).toBeLessThanOrEqual(100);
      const exact = await inflate(
        publicApiOnly,
        deflateRawSync(Buffer.alloc(101, 1)),
        100,
        1 << 20,
      );
      expect(exact.state).toBe("overflow");
    });

    it("rejects corrupt or truncated data, and inflates the next entry afterwards", async () => {
      const inflater = createRawInflater(publicApiOnly);
      const data = sample(200_000, 3);
      const z = deflateRawSync(data);
      await expect(
        inflate(publicApiOnly, z.subarray(0, z.length >> 1), 1 << 20, 1 << 20, inflater),
      ).rejects.toThrow(/invalid deflate data: unexpected end of file/);
      const junk = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22]);
      // A small declared size is inflated on this thread, a large one on the thread pool.
      for (const limit of [1000, 1 << 20]) {
        await expect(inflate(publicApiOnly, junk, limit, 1 << 20, inflater)).rejects.toThrow(
          /invalid deflate data/,
        );
      }
      const small = deflateRawSync(data.subarray(0, 5000));
      await expect(
        inflate(publicApiOnly, small.subarray(0, small.length - 3), 5000, 1 << 20, inflater),
      ).rejects.toThrow(/invalid deflate data: unexpected end of file/);
      const again = await inflate(publicApiOnly, z, data.length, 65_536, inflater);
      expect(again.data.equals(data)).toBe(true);
    });

    it("ignores bytes after the end of the deflate stream, as Go's archive/zip does", async () => {
      const data = sample(10_000, 9);
      const z = Buffer.concat([deflateRawSync(data), Buffer.from("trailing bytes")]);
      for (const piece of [z.length, z.length - 5]) {
        const r = await inflate(publicApiOnly, z, data.length, piece);
        expect(r.state).toBe("ended");
        expect(r.data.equals(data)).toBe(true);
      }
    });
  });
}
