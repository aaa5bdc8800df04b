import { parentPort } from "node:worker_threads";
import { scanZip } from "./zip-scan.js";
import type { ZipScanJob, ZipScanReply } from "./zip-pool.js";

/** A zip-pool worker: scans one zip per message, in order. */
const port = parentPort;
if (!port) throw new Error("zip-scan-worker.js runs only as a worker thread");
port.on("message", (job: ZipScanJob) => {
  scanZip(job.path, job.expect).then(
    (scan): void => port.postMessage({ id: job.id, scan } satisfies ZipScanReply),
    (err: unknown): void =>
      port.postMessage({
        id: job.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies ZipScanReply),
  );
});
