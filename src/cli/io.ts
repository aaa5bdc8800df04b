import { readFileSync } from "node:fs";

/** Everything a command touches outside its arguments, injectable for tests. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** stdout is this process's own standard output (the CLI), not a capture (tests). */
  ownsStdout?: boolean;
  /** Asks a yes/no question on a terminal; undefined when there is no terminal. */
  confirm?: (question: string) => Promise<boolean>;
  /** Asks for a line of text on a terminal (empty: keep the default); undefined without one. */
  ask?: (question: string) => Promise<string>;
}

let processWriters: { stdout: (text: string) => void; stderr: (text: string) => void } | undefined;

/**
 * Writes to one of the process's own output streams, which stop quietly once their reader has gone
 * (`gopave check | head -1`). Node ignores SIGPIPE, so the write fails with EPIPE, reported as an
 * 'error' event that, unhandled, crashes the process with a stack trace. Here the rest of the
 * output goes nowhere, and the command finishes what it is doing and exits with its own code, as
 * if its output had all been read. Any other write error stays an error.
 */
function stopQuietlyOnEpipe(stream: NodeJS.WriteStream): (text: string) => void {
  let readerGone = false;
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) stream.write(text);
  };
}

export function processIo(): CliIo {
  // Once per process: one error listener per stream, however often main() runs.
  processWriters ??= {
    stdout: stopQuietlyOnEpipe(process.stdout),
    stderr: stopQuietlyOnEpipe(process.stderr),
  };
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: processWriters.stdout,
    stderr: processWriters.stderr,
    isTTY: process.stdout.isTTY === true,
    ownsStdout: true,
    confirm: process.stdin.isTTY ? confirmTerminal : undefined,
    ask: process.stdin.isTTY ? askTerminal : undefined,
  };
}

async function askTerminal(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

async function confirmTerminal(question: string): Promise<boolean> {
  const answer = (await askTerminal(`${question} [Y/n] `)).toLowerCase();
  return answer === "" || answer === "y" || answer === "yes";
}

/** Colours only on a terminal and never with NO_COLOR (https://no-color.org). */
export function colors(io: CliIo) {
  const on = io.isTTY && !io.env.NO_COLOR;
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    red: wrap(31),
    green: wrap(32),
    yellow: wrap(33),
    cyan: wrap(36),
    dim: wrap(2),
    bold: wrap(1),
  };
}

export type Colors = ReturnType<typeof colors>;

let cachedVersion: string | undefined;

/** gopave's version from its package.json. */
export function gopaveVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return cachedVersion;
}
