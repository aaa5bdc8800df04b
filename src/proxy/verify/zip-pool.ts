import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ZipScan } from "./zip-scan.js";

export type ZipScanFn = (
  zipPath: string,
  expect: { module: string; version: string } | undefined,
) => Promise<ZipScan>;

/**
 * A check on the calling thread. zip-scan.js (and yauzl) load on first use: a server checks
 * zips on worker threads, so its main thread never needs them.
 */
export const scanOnThisThread: ZipScanFn = async (zipPath, expect) =>
  (await import("./zip-scan.js")).scanZip(zipPath, expect);

export interface ZipScanJob {
  id: number;
  path: string;
  expect: { module: string; version: string } | undefined;
}
export type ZipScanReply = { id: number; scan: ZipScan } | { id: number; error: string };

export interface ZipScanPool {
  scan: ZipScanFn;
  /** Stops the workers; scans still queued or running are rejected. */
  close(): Promise<void>;
  /** How many worker threads are running now. */
  workers(): number;
}

/**
 * The compiled worker, found from the package root so the same line works from dist/ and, under
 * the test runner, from src/ (a worker thread cannot load TypeScript; `npm test` builds first).
 */
const WORKER_URL = new URL("../../../dist/proxy/verify/zip-scan-worker.js", import.meta.url);

/**
 * A scan allocates one buffer per entry and drops it at once; V8's default young generation
 * (tens of MB per isolate) lets that garbage pile up before a collection. A small one collects
 * it early (measured: the worker's heap 41 → 19 MB during a cold download, CPU unchanged).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

interface Slot {
  worker: Worker;
  job?: { id: number; resolve: (s: ZipScan) => void; reject: (e: Error) => void };
  idle?: NodeJS.Timeout;
}

/**
 * Zip checks on worker threads. Checking a zip (inflating every entry, hashing it) is ~100 ms of
 * CPU for a module like golang.org/x/text; on the event loop that stalls every other request
 * while a cold `go mod download` is in progress, and only one zip is checked at a time. A worker
 * starts with the first zip to check (tens of milliseconds, once per burst of downloads) and
 * stops after `idleMs` without work: a warm proxy, which checks nothing, does not carry a second
 * JavaScript heap. Workers never keep the process alive, and one that dies is replaced.
 */
export function createZipScanPool(
  size = Math.max(1, Math.min(4, availableParallelism() - 1)),
  idleMs = 30_000,
): ZipScanPool {
  const slots: Slot[] = [];
  const queue: (ZipScanJob & { resolve: (s: ZipScan) => void; reject: (e: Error) => void })[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_URL, { resourceLimits: WORKER_LIMITS }) };
    slot.worker.unref();
    slot.worker.on("message", (reply: ZipScanReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      if ("scan" in reply) job.resolve(reply.scan);
      else job.reject(new Error(reply.error));
      pump();
      if (!slot.job) {
        slot.idle = setTimeout(() => retire(slot), idleMs);
        slot.idle.unref();
      }
    });
    const fail = (err: Error) => {
      slots.splice(slots.indexOf(slot), 1);
      slot.job?.reject(err);
      slot.job = undefined;
      if (!closed) pump();
    };
    slot.worker.on("error", (err) => fail(new Error(`zip check worker failed: ${err.message}`)));
    slot.worker.on("exit", (code) => {
      if (slots.includes(slot)) fail(new Error(`zip check worker exited with code ${code}`));
    });
    slots.push(slot);
    return slot;
  };

  const retire = (slot: Slot) => {
    if (slot.job || !slots.includes(slot)) return;
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
  };

  const pump = () => {
    while (queue.length > 0) {
      const idle = slots.find((s) => !s.job) ?? (slots.length < size ? spawn() : undefined);
      if (!idle) return;
      const job = queue.shift() as (typeof queue)[number];
      clearTimeout(idle.idle);
      idle.job = { id: job.id, resolve: job.resolve, reject: job.reject };
      idle.worker.postMessage({ id: job.id, path: job.path, expect: job.expect });
    }
  };

  return {
    workers: () => slots.length,
    scan: (path, expect) =>
      new Promise<ZipScan>((resolve, reject) => {
        if (closed) return reject(new Error("zip check pool is closed"));
        queue.push({ id: nextId++, path, expect, resolve, reject });
        pump();
      }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("zip check pool is closed"));
      const all = slots.splice(0);
      for (const s of all) {
        clearTimeout(s.idle);
        s.job?.reject(new Error("zip check pool is closed"));
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
