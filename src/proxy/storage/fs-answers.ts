import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CachedAnswer } from "../types.js";
import type { FsLayout } from "./fs-layout.js";
import { errorCode, writeReplace } from "./fs-write.js";

export type AnswerKind = "list" | "latest" | "notfound";

const KINDS: ReadonlySet<string> = new Set<AnswerKind>(["list", "latest", "notfound"]);

interface AnswerRecord extends CachedAnswer {
  kind: AnswerKind;
  key: string;
}

function checkKey(kind: AnswerKind, key: string): void {
  if (!KINDS.has(kind)) throw new TypeError(`unknown answer kind "${String(kind)}"`);
  if (typeof key !== "string" || key === "") throw new TypeError("empty answer key");
}

function checkAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): void {
  checkKey(kind, key);
  if (
    typeof answer.body !== "string" ||
    !Number.isInteger(answer.status) ||
    !Number.isFinite(answer.fetchedAt)
  ) {
    throw new TypeError(`malformed ${kind} answer for "${key}"`);
  }
}

async function readRecord(
  path: string,
  kind: AnswerKind,
  key: string,
): Promise<CachedAnswer | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
    throw err;
  }
  try {
    const r = JSON.parse(text) as Partial<AnswerRecord>;
    if (
      r.kind === kind &&
      r.key === key &&
      typeof r.body === "string" &&
      typeof r.status === "number" &&
      typeof r.fetchedAt === "number"
    ) {
      return { body: r.body, status: r.status, fetchedAt: r.fetchedAt };
    }
  } catch {
    // A damaged record is a cache miss: answers can always be fetched again.
  }
  return undefined;
}

/** The list body at `@v/list`, its modification time standing for fetchedAt. */
async function readListFile(path: string): Promise<CachedAnswer | undefined> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return undefined;
    return { body: await readFile(path, "utf8"), status: 200, fetchedAt: Math.round(st.mtimeMs) };
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
    throw err;
  }
}

/**
 * Mutable answers. A 200 list lives at the statically servable `@v/list` with fetchedAt as its
 * modification time, so body and timestamp change in one rename and a copied GOMODCACHE's lists
 * are answers as they stand. Everything else (latest, not-found, a non-200 list) is a JSON record
 * under `.gopave/answers`. When a list has both, the newer one is the answer.
 */
export class FsAnswers {
  private lastPrune = 0;
  private pruning: Promise<void> | undefined;

  constructor(
    private readonly layout: FsLayout,
    /** How long a not-found record is kept on disk (far longer than any sensible TTL). */
    private readonly notFoundKeepMs: number,
  ) {}

  async get(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined> {
    checkKey(kind, key);
    // list and latest keys are module paths: an invalid one is refused like any module file.
    const listPath = kind === "notfound" ? undefined : this.layout.listFile(key);
    const record = await readRecord(this.layout.answerRecord(kind, key), kind, key);
    const file = kind === "list" && listPath ? await readListFile(listPath) : undefined;
    if (record && (!file || record.fetchedAt >= file.fetchedAt)) return record;
    return file;
  }

  async put(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
    checkAnswer(kind, key, answer);
    const listPath = kind === "notfound" ? undefined : this.layout.listFile(key);
    const recordPath = this.layout.answerRecord(kind, key);
    const staging = this.layout.stagingDir;
    if (kind === "list" && listPath && answer.status === 200) {
      await writeReplace(listPath, answer.body, staging, { mtimeMs: answer.fetchedAt });
      await rm(recordPath, { force: true });
      return;
    }
    const record: AnswerRecord = { kind, key, ...pick(answer) };
    await writeReplace(recordPath, `${JSON.stringify(record)}\n`, staging);
    if (kind === "notfound") this.maybePrune();
  }

  /**
   * Every probed prefix and every typo leaves a not-found record; expired ones would pile up
   * forever (inodes included). So at most once an hour, a put removes records older than
   * notFoundKeepMs, judged by file time (each record's write time). In the background: a put
   * never waits for it.
   */
  private maybePrune(): void {
    if (this.pruning || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    this.pruning = pruneOlder(this.layout.answerDir("notfound"), Date.now() - this.notFoundKeepMs)
      .catch(() => undefined)
      .finally(() => (this.pruning = undefined));
  }

  /** Waits for a background prune (on close). */
  async settle(): Promise<void> {
    await this.pruning;
  }
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

async function pruneOlder(dir: string, cutoff: number): Promise<void> {
  for (const shard of await readdir(dir)) {
    const shardDir = join(dir, shard);
    for (const name of await readdir(shardDir).catch(() => [] as string[])) {
      const path = join(shardDir, name);
      const st = await stat(path).catch(() => undefined);
      if (st && st.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}

function pick(a: CachedAnswer): CachedAnswer {
  return { status: a.status, fetchedAt: a.fetchedAt, body: a.body };
}
