import { maxpow2, nodeHash, subTreeHash, subTreeIndex, type HashReader } from "./tlog-hash.js";

/**
 * RFC 6962 audit paths and consistency proofs, as golang.org/x/mod/sumdb/tlog builds and checks
 * them. The proof hashes come from unauthenticated tiles: that is sound because a proof only
 * passes when it reproduces the signed root hash, which forging would need a SHA-256 collision.
 */

function leafProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (lo + 1 === hi) return need;
  const [k] = maxpow2(hi - lo);
  if (n < lo + k) {
    leafProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    leafProofIndex(lo + k, hi, n, need);
  }
  return need;
}

function leafProof(lo: number, hi: number, n: number, hashes: Buffer[]): [Buffer[], Buffer[]] {
  if (lo + 1 === hi) return [[], hashes];
  const [k] = maxpow2(hi - lo);
  let p: Buffer[];
  let th: Buffer;
  if (n < lo + k) {
    [p, hashes] = leafProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = leafProof(lo + k, hi, n, hashes);
  }
  return [[...p, th], hashes];
}

function runRecordProof(p: Buffer[], lo: number, hi: number, n: number, leaf: Buffer): Buffer {
  if (lo + 1 === hi) {
    if (p.length !== 0) throw new ProofError();
    return leaf;
  }
  const last = p[p.length - 1];
  if (last === undefined) throw new ProofError();
  const [k] = maxpow2(hi - lo);
  const rest = p.slice(0, -1);
  return n < lo + k
    ? nodeHash(runRecordProof(rest, lo, lo + k, n, leaf), last)
    : nodeHash(last, runRecordProof(rest, lo + k, hi, n, leaf));
}

export class ProofError extends Error {
  constructor() {
    super("invalid transparency proof");
  }
}

/** Proves that record `id` with leaf hash `leaf` is in the tree (size `n`, root `root`). */
export async function checkRecordInclusion(
  id: number,
  leaf: Buffer,
  tree: { n: number; hash: Buffer },
  read: HashReader,
): Promise<void> {
  if (id < 0 || id >= tree.n) throw new ProofError();
  const indexes = leafProofIndex(0, tree.n, id, []);
  const hashes = indexes.length === 0 ? [] : await read(indexes);
  const [proof, left] = leafProof(0, tree.n, id, hashes);
  if (left.length !== 0) throw new ProofError();
  if (!runRecordProof(proof, 0, tree.n, id, leaf).equals(tree.hash)) throw new ProofError();
}

function treeProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (n === hi) return lo === 0 ? need : subTreeIndex(lo, hi, need);
  const [k] = maxpow2(hi - lo);
  if (n <= lo + k) {
    treeProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    treeProofIndex(lo + k, hi, n, need);
  }
  return need;
}

function treeProof(lo: number, hi: number, n: number, hashes: Buffer[]): [Buffer[], Buffer[]] {
  if (n === hi) {
    if (lo === 0) return [[], hashes];
    const [th, rest] = subTreeHash(lo, hi, hashes);
    return [[th], rest];
  }
  const [k] = maxpow2(hi - lo);
  let p: Buffer[];
  let th: Buffer;
  if (n <= lo + k) {
    [p, hashes] = treeProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = treeProof(lo + k, hi, n, hashes);
  }
  return [[...p, th], hashes];
}

/** Returns [old subtree hash, new subtree hash] implied by the proof. */
function runTreeProof(
  p: Buffer[],
  lo: number,
  hi: number,
  n: number,
  old: Buffer,
): [Buffer, Buffer] {
  if (n === hi) {
    if (lo === 0) {
      if (p.length !== 0) throw new ProofError();
      return [old, old];
    }
    if (p.length !== 1) throw new ProofError();
    const only = p[0] as Buffer;
    return [only, only];
  }
  const last = p[p.length - 1];
  if (last === undefined) throw new ProofError();
  const [k] = maxpow2(hi - lo);
  const rest = p.slice(0, -1);
  if (n <= lo + k) {
    const [oh, th] = runTreeProof(rest, lo, lo + k, n, old);
    return [oh, nodeHash(th, last)];
  }
  const [oh, th] = runTreeProof(rest, lo + k, hi, n, old);
  return [nodeHash(last, oh), nodeHash(last, th)];
}

/**
 * Proves that `older` is a prefix of `newer` (the log was only appended to), reading proof
 * hashes from `newer`'s tiles. Equal sizes must have equal hashes.
 */
export async function checkTreeConsistency(
  older: { n: number; hash: Buffer },
  newer: { n: number; hash: Buffer },
  read: HashReader,
): Promise<void> {
  if (older.n > newer.n) throw new ProofError();
  if (older.n === 0) return;
  if (older.n === newer.n) {
    if (!older.hash.equals(newer.hash)) throw new ProofError();
    return;
  }
  const indexes = treeProofIndex(0, newer.n, older.n, []);
  const hashes = indexes.length === 0 ? [] : await read(indexes);
  const [proof, left] = treeProof(0, newer.n, older.n, hashes);
  if (left.length !== 0) throw new ProofError();
  const [oh, th] = runTreeProof(proof, 0, newer.n, older.n, older.hash);
  if (!oh.equals(older.hash) || !th.equals(newer.hash)) throw new ProofError();
}
