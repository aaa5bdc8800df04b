import type { DestinationStream } from "pino";

/** What a batch waits for: this many bytes (UTF-16 units, near enough), or this long. */
const BATCH_CHARS = 64 << 10;
const BATCH_DELAY_MS = 250;

export interface LineBatcher extends DestinationStream {
  /** Hands whatever is gathered to the destination now. */
  flush(): void;
}

/**
 * Gathers log lines and hands them to `dest` in batches. A warm proxy answers tens of thousands of
 * requests a second, each with a log line; passing each line on cost ~30 % of the throughput
 * (sonic-boom measures the byte length of its growing buffer on every write), while one write
 * per batch costs next to nothing. Lines reach the destination at most BATCH_DELAY_MS late, in
 * order, and flush() is called on shutdown.
 */
export function batchLines(dest: DestinationStream): LineBatcher {
  let lines: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const batch = lines.join("");
    lines = [];
    chars = 0;
    dest.write(batch);
  };
  return {
    write(line: string) {
      lines.push(line);
      chars += line.length;
      if (chars >= BATCH_CHARS) flush();
      else if (!timer) {
        timer = setTimeout(flush, BATCH_DELAY_MS);
        timer.unref();
      }
    },
    flush,
  };
}
