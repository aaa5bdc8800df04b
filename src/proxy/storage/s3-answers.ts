import type { CachedAnswer } from "../types.js";
import {
  answerRecordText,
  checkAnswer,
  checkAnswerKey,
  newerAnswer,
  parseAnswerRecord,
} from "./answer-records.js";
import { moduleKeyed } from "./answer-records.js";
import type { AnswerKind } from "./answer-records.js";
import { answerDirKey, answerRecordKey, listKey } from "./keys.js";
import type { S3Objects } from "./s3-objects.js";

/** User metadata holding a list's fetchedAt (S3 sets LastModified itself; it cannot be chosen). */
const FETCHED_AT = "gopave-fetched-at";

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Mutable answers, laid out as the filesystem backend does: a 200 list at the statically
 * servable `@v/list` (fetchedAt in its metadata; a list uploaded by other tools counts from its
 * LastModified), everything else a JSON record under `.gopave/answers`. When a list has both,
 * the newer one is the answer. A PUT replaces an object atomically, so readers see old or new.
 */
export class S3Answers {
  private lastPrune = 0;
  private pruning: Promise<void> | undefined;

  constructor(
    private readonly objects: S3Objects,
    /** How long a not-found record is kept (far longer than any sensible TTL). */
    private readonly notFoundKeepMs: number,
  ) {}

  async get(kind: AnswerKind, key: string): Promise<CachedAnswer | undefined> {
    checkAnswerKey(kind, key);
    // list and latest keys are module paths: an invalid one is refused like any module file.
    const list = moduleKeyed(kind) ? listKey(key) : undefined;
    const [record, file] = await Promise.all([
      this.objects.read(answerRecordKey(kind, key)),
      kind === "list" && list ? this.objects.read(list) : undefined,
    ]);
    const answer = record && parseAnswerRecord(record.data.toString("utf8"), kind, key);
    if (!file) return answer;
    const stamped = Number(file.metadata[FETCHED_AT]);
    const fetchedAt = Number.isFinite(stamped) ? stamped : (file.lastModified?.getTime() ?? 0);
    return newerAnswer(answer, { body: file.data.toString("utf8"), status: 200, fetchedAt });
  }

  async put(kind: AnswerKind, key: string, answer: CachedAnswer): Promise<void> {
    checkAnswer(kind, key, answer);
    const list = moduleKeyed(kind) ? listKey(key) : undefined;
    const recordKey = answerRecordKey(kind, key);
    if (kind === "list" && list && answer.status === 200) {
      await this.objects.write(
        list,
        { data: answer.body },
        { [FETCHED_AT]: `${answer.fetchedAt}` },
      );
      await this.objects.remove(recordKey);
      return;
    }
    await this.objects.write(recordKey, { data: answerRecordText(kind, key, answer) });
    if (kind === "notfound") this.maybePrune();
  }

  /**
   * Every probed prefix and every typo leaves a not-found record; expired ones would pile up
   * forever. So at most once an hour a put lists the not-found records and removes those older
   * than notFoundKeepMs, in the background (a put never waits for it). A bucket lifecycle rule
   * on the `.gopave/answers/notfound/` prefix does the same job without the listing.
   */
  private maybePrune(): void {
    if (this.pruning || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    this.pruning = this.pruneOlder(Date.now() - this.notFoundKeepMs)
      .catch(() => undefined)
      .finally(() => (this.pruning = undefined));
  }

  private async pruneOlder(cutoff: number): Promise<void> {
    for await (const o of this.objects.list(`${answerDirKey("notfound")}/`)) {
      if (o.lastModified && o.lastModified.getTime() < cutoff) await this.objects.remove(o.key);
    }
  }

  /** Waits for a background prune (on close). */
  async settle(): Promise<void> {
    await this.pruning;
  }
}
