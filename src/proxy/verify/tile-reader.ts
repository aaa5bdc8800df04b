import { HASH_SIZE, type HashReader } from "./tlog-hash.js";
import {
  TILE_HEIGHT,
  tileForIndex,
  tileHash,
  tilePath,
  tileWidthInTree,
  type Tile,
} from "./tlog-tile.js";

/** Fetches "tile/…" relative to a checksum database base; undefined for 404/410. */
export type TileFetcher = (path: string) => Promise<Buffer | undefined>;

/** Full tiles kept in memory: the upper-level ones are shared by every proof. */
const MAX_CACHED_TILES = 2048;

/**
 * Reads stored hashes out of a checksum database's tiles. Nothing here is trusted: callers feed
 * the hashes into proofs that must reproduce a signed root. Only full tiles are cached, since a
 * partial tile grows as the log does.
 */
export class TileHashSource {
  private readonly full = new Map<string, Buffer>();
  private readonly inflight = new Map<string, Promise<Buffer>>();

  constructor(private readonly fetchTile: TileFetcher) {}

  /** A HashReader over the tree of `treeSize` records. */
  reader(treeSize: number): HashReader {
    return async (indexes) =>
      Promise.all(
        indexes.map(async (index) => {
          const { tile, start, end } = tileForIndex(TILE_HEIGHT, index);
          const w = tileWidthInTree(tile, treeSize);
          if (w < tile.w)
            throw new Error(`hash index ${index} is not in a tree of size ${treeSize}`);
          const data = await this.tile({ ...tile, w });
          return tileHash(data.subarray(start, end));
        }),
      );
  }

  /** Forgets cached tiles, e.g. after a proof failed, so a bad tile is not kept. */
  clear(): void {
    this.full.clear();
  }

  private async tile(t: Tile): Promise<Buffer> {
    const fullTile = { ...t, w: 2 ** t.h };
    const cached = this.full.get(tilePath(fullTile));
    if (cached) return cached.subarray(0, t.w * HASH_SIZE);
    const key = tilePath(t);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.load(t, fullTile).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async load(t: Tile, fullTile: Tile): Promise<Buffer> {
    const want = t.w * HASH_SIZE;
    let data = await this.fetchTile(tilePath(t));
    // A partial tile may be gone once the tile filled up; the go command falls back the same way.
    if (data === undefined && t.w !== fullTile.w) data = await this.fetchTile(tilePath(fullTile));
    if (data === undefined) throw new Error(`checksum database has no ${tilePath(t)}`);
    if (data.length < want) throw new Error(`${tilePath(t)}: short tile (${data.length} bytes)`);
    if (data.length === fullTile.w * HASH_SIZE) this.remember(tilePath(fullTile), data);
    return data.subarray(0, want);
  }

  private remember(key: string, data: Buffer): void {
    if (this.full.size >= MAX_CACHED_TILES) {
      const oldest = this.full.keys().next().value;
      if (oldest !== undefined) this.full.delete(oldest);
    }
    this.full.set(key, data);
  }
}
