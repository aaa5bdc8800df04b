import { createHash } from "node:crypto";

/**
 * The hash arithmetic of golang.org/x/mod/sumdb/tlog (RFC 6962 Merkle trees with the "stored
 * hash index" layout of Crosby and Wallach). Record counts and indexes are JS numbers: the
 * checksum database holds tens of millions of records, far below 2^53, and bit shifts are
 * written as multiplication/division because JS shift operators truncate to 32 bits.
 */

export const HASH_SIZE = 32;

/** A tree head: its record count and root hash, as signed in the "go.sum database tree" note. */
export interface Tree {
  n: number;
  hash: Buffer;
}

/** A source of stored hashes by stored-hash index; proofs check whatever it returns. */
export type HashReader = (indexes: number[]) => Promise<Buffer[]>;

/** SHA-256(0x00 || data): the leaf hash of one record. */
export function recordHash(data: Buffer): Buffer {
  return createHash("sha256")
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

/** SHA-256(0x01 || left || right): an interior node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash("sha256")
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

export function pow2(k: number): number {
  return 2 ** k;
}

/** n >> k without 32-bit truncation. */
export function shr(n: number, k: number): number {
  return Math.floor(n / pow2(k));
}

function trailingZeros(n: number): number {
  if (n === 0) return 64;
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

/** The largest power of two k < n, and log2(k). */
export function maxpow2(n: number): [k: number, l: number] {
  let l = 0;
  while (pow2(l + 1) < n) l++;
  return [pow2(l), l];
}

/** Where hash (level, n) sits in the dense storage order. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = shr(n, 1)) i += n;
  return i + level;
}

/** The inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): [level: number, n: number] {
  let n = shr(index, 1);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw new Error("tlog: bad math in splitStoredHashIndex");
  for (;;) {
    // Each new record n adds 1 + trailingZeros(n+1) hashes.
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return [level, shr(n, level)];
}

/** Indexes of the complete subtrees covering records [lo, hi), left to right. */
export function subTreeIndex(lo: number, hi: number, need: number[] = []): number[] {
  while (lo < hi) {
    const [k, level] = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw new Error("tlog: bad math in subTreeIndex");
    need.push(storedHashIndex(level, shr(lo, level)));
    lo += k;
  }
  return need;
}

/** Folds the hashes for subTreeIndex(lo, hi) into the subtree hash; returns the leftovers. */
export function subTreeHash(lo: number, hi: number, hashes: Buffer[]): [Buffer, Buffer[]] {
  let numTree = 0;
  while (lo < hi) {
    const [k] = maxpow2(hi - lo + 1);
    numTree++;
    lo += k;
  }
  if (hashes.length < numTree || numTree === 0) throw new Error("tlog: bad math in subTreeHash");
  let h = hashes[numTree - 1] as Buffer;
  for (let i = numTree - 2; i >= 0; i--) h = nodeHash(hashes[i] as Buffer, h);
  return [h, hashes.slice(numTree)];
}

/** The root hash of the first n records; the empty tree hashes to 32 zero bytes. */
export async function treeHash(n: number, read: HashReader): Promise<Buffer> {
  if (n === 0) return Buffer.alloc(HASH_SIZE);
  const indexes = subTreeIndex(0, n);
  const hashes = await read(indexes);
  if (hashes.length !== indexes.length) throw new Error("tlog: short hash read");
  return subTreeHash(0, n, hashes)[0];
}

/**
 * The hashes to append to storage when adding record n (its leaf hash plus every subtree it
 * completes), given the earlier stored hashes.
 */
export async function storedHashesForRecord(
  n: number,
  leaf: Buffer,
  read: HashReader,
): Promise<Buffer[]> {
  const m = trailingZeros(n + 1);
  const indexes: number[] = new Array<number>(m);
  for (let i = 0; i < m; i++) indexes[m - 1 - i] = storedHashIndex(i, shr(n, i) - 1);
  const old = await read(indexes);
  const out = [leaf];
  let h = leaf;
  for (let i = 0; i < m; i++) {
    h = nodeHash(old[m - 1 - i] as Buffer, h);
    out.push(h);
  }
  return out;
}
