import type { AnswerKind, CachedAnswer } from "../types.js";

/**
 * Cached answers as every backend keeps them: one JSON record per answer, carrying its own kind
 * and key so a record is only ever read back for the question it answers (a hash collision or a
 * hand-copied file cannot answer another one).
 */
export type { AnswerKind };

const KINDS: ReadonlySet<string> = new Set<AnswerKind>(["list", "latest", "notfound", "sumdb"]);

/** Kinds keyed by a module path, whose list file sits in the module's download-cache folder. */
export function moduleKeyed(kind: AnswerKind): boolean {
  return kind === "list" || kind === "latest";
}

interface AnswerRecord extends CachedAnswer {
  kind: AnswerKind;
  key: string;
}

export function checkAnswerKey(kind: AnswerKind, key: string): void {
  if (!KINDS.has(kind)) throw new TypeError(`unknown answer kind "${String(kind)}"`);
  if (typeof key !== "string" || key === "") throw new TypeError("empty answer key");
}

export function checkAnswer(kind: AnswerKind, key: string, answer: CachedAnswer): void {
  checkAnswerKey(kind, key);
  if (
    typeof answer.body !== "string" ||
    !Number.isInteger(answer.status) ||
    !Number.isFinite(answer.fetchedAt)
  ) {
    throw new TypeError(`malformed ${kind} answer for "${key}"`);
  }
}

/** The record's text (one JSON line). */
export function answerRecordText(kind: AnswerKind, key: string, answer: CachedAnswer): string {
  const record: AnswerRecord = {
    kind,
    key,
    status: answer.status,
    fetchedAt: answer.fetchedAt,
    body: answer.body,
  };
  return `${JSON.stringify(record)}\n`;
}

/** The answer in a record's text; undefined for a record of another question or a damaged one. */
export function parseAnswerRecord(
  text: string,
  kind: AnswerKind,
  key: string,
): CachedAnswer | undefined {
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

/** When a list has both a record and a `@v/list` body, the newer one is the answer. */
export function newerAnswer(
  record: CachedAnswer | undefined,
  listFile: CachedAnswer | undefined,
): CachedAnswer | undefined {
  if (record && (!listFile || record.fetchedAt >= listFile.fetchedAt)) return record;
  return listFile;
}
