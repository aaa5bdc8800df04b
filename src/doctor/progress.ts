import { performance } from "node:perf_hooks";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * A line per task. On a terminal the line redraws with a spinner and the elapsed time while the
 * task runs; elsewhere (CI logs, pipes) it prints a start line and a result line, no control codes.
 */
export async function withProgress<T>(
  label: string,
  write: (text: string) => void,
  isTTY: boolean,
  task: () => Promise<T>,
  result: (value: T) => { ok: boolean; text: string },
): Promise<T> {
  const start = performance.now();
  const elapsed = () => seconds(performance.now() - start);
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  if (isTTY) {
    const draw = () =>
      write(`\r\u001b[K${FRAMES[frame++ % FRAMES.length] ?? ""} ${label} ${elapsed()}`);
    draw();
    timer = setInterval(draw, 100);
  } else {
    write(`  ${label} ...\n`);
  }
  try {
    const value = await task();
    const r = result(value);
    const mark = r.ok ? "✓" : "✗";
    write(
      isTTY
        ? `\r\u001b[K${mark} ${label}: ${r.text} (${elapsed()})\n`
        : `    ${mark} ${r.text} (${elapsed()})\n`,
    );
    return value;
  } finally {
    if (timer) clearInterval(timer);
  }
}
