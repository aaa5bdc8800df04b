import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CachedAnswer } from "../types.js";
import type { FsLayout } from "./fs-layout.js";
import {
  answerRecordText,
  checkAnswer,
  checkAnswerKey,
  newerAnswer,
  parseAnswerRecord,
} from "./answer-records.js";
import { moduleKeyed } from "./answer-records.js";
import type { AnswerKind } from "./answer-records.js";
import { errorCode, writeReplace } from "./fs-write.js";

export type { AnswerKind } from "./answer-records.js";

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
  return parseAnswerRecord(text, kind, key);
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
    checkAnswerKey(kind, key);
    // list and latest keys are module paths: an invalid one is refused like any module file.
    const listPath = moduleKeyed(kind) ? this.layout.listFile(key) : undefined;
    const record = await readRecord(this.layout.answerRecord(kind, key), kind, key);
    const file = kind === "list" && listPath ? await readListFile(listPath) : undefined;
    return newerAnswer(record, file);
  }

  async put(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
    checkAnswer(kind, key, answer);
    const listPath = moduleKeyed(kind) ? this.layout.listFile(key) : undefined;
    const recordPath = this.layout.answerRecord(kind, key);
    const staging = this.layout.stagingDir;
    if (kind === "list" && listPath && answer.status === 200) {
      await writeReplace(listPath, answer.body, staging, { mtimeMs: answer.fetchedAt });
      await rm(recordPath, { force: true });
      return;
    }
    await writeReplace(recordPath, answerRecordText(kind, key, answer), staging);
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
