import { HASH_SIZE, nodeHash, pow2, shr, splitStoredHashIndex } from "./tlog-hash.js";

/**
 * Tiles of the checksum database's log (golang.org/x/mod/sumdb/tlog tile.go): a tile of height
 * H at level L, number N, holds W consecutive hashes of tree level L*H; W = 2^H is a full
 * (immutable) tile, smaller W a partial one. Level -1 ("data") holds record text instead.
 */
export interface Tile {
  h: number;
  l: number;
  n: number;
  w: number;
}

/** The height sum.golang.org serves and the go command asks for. */
export const TILE_HEIGHT = 8;

const PATH_BASE = 1000;

/** "tile/H/L/x123/456[.p/W]": N in 3-digit groups, all but the last prefixed with "x". */
export function tilePath(t: Tile): string {
  let n = t.n;
  let nStr = String(n % PATH_BASE).padStart(3, "0");
  while (n >= PATH_BASE) {
    n = Math.floor(n / PATH_BASE);
    nStr = `x${String(n % PATH_BASE).padStart(3, "0")}/${nStr}`;
  }
  const p = t.w !== pow2(t.h) ? `.p/${t.w}` : "";
  return `tile/${t.h}/${t.l === -1 ? "data" : t.l}/${nStr}${p}`;
}

/** Parses a tile path; undefined unless it is exactly the canonical form tilePath produces. */
export function parseTilePath(path: string): Tile | undefined {
  const f = path.split("/");
  if (f.length < 4 || f.length > 12 || f[0] !== "tile") return undefined;
  if (!/^\d{1,2}$/.test(f[1] ?? "") || !/^(data|\d{1,2})$/.test(f[2] ?? "")) return undefined;
  const h = Number(f[1]);
  const l = f[2] === "data" ? -1 : Number(f[2]);
  if (h < 1 || h > 30 || l > 63) return undefined;
  let w = pow2(h);
  let groups = f.slice(3);
  const dotP = groups[groups.length - 2];
  if (dotP !== undefined && dotP.endsWith(".p")) {
    const ww = Number(groups[groups.length - 1]);
    if (!Number.isInteger(ww) || ww <= 0 || ww >= w) return undefined;
    w = ww;
    groups = [...groups.slice(0, -2), dotP.slice(0, -2)];
  }
  let n = 0;
  for (const g of groups) {
    if (!/^x?\d{3}$/.test(g)) return undefined;
    n = n * PATH_BASE + Number(g.replace(/^x/, ""));
  }
  if (!Number.isSafeInteger(n)) return undefined;
  const t = { h, l, n, w };
  // Only the canonical spelling is accepted, so one tile has one cache key.
  return tilePath(t) === path ? t : undefined;
}

/** The narrowest tile holding stored hash `index`, and the byte range that rebuilds it. */
export function tileForIndex(h: number, index: number): { tile: Tile; start: number; end: number } {
  const [level0, n0] = splitStoredHashIndex(index);
  const l = Math.floor(level0 / h);
  const level = level0 - l * h;
  const tn = shr(n0 * pow2(level), h);
  const n = n0 - tn * pow2(h - level);
  const w = (n + 1) * pow2(level);
  return {
    tile: { h, l, n: tn, w },
    start: n * pow2(level) * HASH_SIZE,
    end: (n + 1) * pow2(level) * HASH_SIZE,
  };
}

/** The width tile `t` has in a tree of `treeSize` records (full, or the partial edge tile). */
export function tileWidthInTree(t: Tile, treeSize: number): number {
  const max = shr(treeSize, t.l * t.h);
  return Math.min(pow2(t.h), max - t.n * pow2(t.h));
}

/** The subtree hash over a power-of-two run of tile hashes. */
export function tileHash(data: Buffer): Buffer {
  if (data.length === HASH_SIZE) return data;
  if (data.length === 0 || data.length % HASH_SIZE !== 0) throw new Error("tlog: bad tile data");
  const half = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}
