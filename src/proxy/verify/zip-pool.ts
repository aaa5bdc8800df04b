import { availableParallelism } from "node:os";
import type { ZipScan } from "./zip-scan.js";

export type ZipScanFn = (
  zipPath: string,
  expect: { module: string; version: string } | undefined,
) => Promise<ZipScan>;

/**
 * A check on the calling thread, with no bound on how many run at once. zip-scan.js (and
 * yauzl) load on first use, so a proxy that checks nothing never loads them.
 */
export const scanOnThisThread: ZipScanFn = async (zipPath, expect) =>
  (await import("./zip-scan.js")).scanZip(zipPath, expect);

export interface ZipScanPool {
  scan: ZipScanFn;
  /** Refuses new scans and rejects the queued ones; resolves once those in progress end. */
  close(): Promise<void>;
  /** How many scans are in progress now. */
  running(): number;
}

/**
 * Zip checks, at most `concurrency` at a time, the rest queued in order. A check inflates every
 * entry on libuv's thread pool (raw-inflate.ts) and hashes the pieces here, so the event loop
 * keeps answering requests meanwhile; the bound keeps a burst of cold zip downloads from holding
 * a read window and an output buffer (1 MiB each) per zip, and from filling the thread pool that
 * file system calls share. This replaced worker threads: a worker's own JavaScript heap and
 * compiled code cost 20–40 MB of a cold download's peak and ~0.3 s of its CPU (bench/proxy).
 */
export function createZipScanPool(
  concurrency = Math.max(2, Math.min(4, availableParallelism())),
): ZipScanPool {
  type Job = {
    path: string;
    expect: Parameters<ZipScanFn>[1];
    resolve: (s: ZipScan) => void;
    reject: (e: Error) => void;
  };
  const queue: Job[] = [];
  const inProgress = new Set<Promise<unknown>>();
  let closed = false;

  const pump = () => {
    while (!closed && inProgress.size < concurrency && queue.length > 0) {
      const job = queue.shift() as Job;
      const run = scanOnThisThread(job.path, job.expect).then(job.resolve, (err: unknown) =>
        job.reject(err instanceof Error ? err : new Error(String(err))),
      );
      inProgress.add(run);
      void run.finally(() => {
        inProgress.delete(run);
        pump();
      });
    }
  };

  return {
    running: () => inProgress.size,
    scan: (path, expect) =>
      new Promise<ZipScan>((resolve, reject) => {
        if (closed) return reject(new Error("zip check pool is closed"));
        queue.push({ path, expect, resolve, reject });
        pump();
      }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("zip check pool is closed"));
      await Promise.allSettled([...inProgress]);
    },
  };
}
