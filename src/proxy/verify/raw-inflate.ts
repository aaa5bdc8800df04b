import { constants, createInflateRaw, inflateRaw } from "node:zlib";

/**
 * Raw deflate (zip method 8) inflation for the zip check, one entry after another, handing out
 * the inflated bytes in pieces of at most OUTPUT_SIZE.
 *
 * The inflation itself runs on libuv's thread pool, as Node's asynchronous zlib does, so the
 * event loop stays free for requests while a cold download's zips are checked, and no worker
 * thread (a second JavaScript heap, tens of MB) is needed. zlib's public API would build a zlib
 * context, a stream object and output buffers for every entry: a module of 20,000 files makes
 * 20,000 of each, measured as garbage and malloc growth the process keeps. Here one context is
 * reset per entry and one output buffer is reused for every piece, through Node's zlib binding
 * (the handle class zlib.js itself drives: `init`, `write`, `reset`). Where a Node version lacks
 * that shape, a fallback built on the public inflateRaw gives the same results.
 */
export interface RawInflater {
  /** Starts a new deflate stream (the next entry), which may inflate to at most `limit` bytes. */
  reset(limit: number): void;
  /**
   * Inflates `input`, the next compressed bytes of the entry (`last` for its final piece),
   * passing each inflated piece to `sink`; a piece is valid only during that call, and `input`
   * must not change until the promise settles. Resolves "overflow" as soon as the output passes
   * the limit (nothing past it is handed out, and a zip bomb costs at most the limit), "ended"
   * once the deflate stream ended (bytes after its end are ignored, as Go's archive/zip does),
   * otherwise "more" (only when not `last`). Rejects on corrupt or truncated data. One push at
   * a time per inflater.
   */
  push(
    input: Buffer,
    last: boolean,
    sink: (piece: Buffer) => void,
  ): Promise<"ended" | "more" | "overflow">;
}

/** Output piece size: big enough that a typical source file inflates in one call. */
export const OUTPUT_SIZE = 1 << 20;

/**
 * Entries declared this small are inflated on the calling thread: a trip through the thread
 * pool costs more than inflating them (tens of microseconds), and they are ~97 % of a module's
 * files but only a third of its bytes (measured over 75,000 files of 369 modules). A declared
 * size is only a claim, but each call produces at most OUTPUT_SIZE and the limit stops a liar.
 */
const INFLATE_HERE_MAX = 64 << 10;

/** The part of Node's zlib binding (the class of a zlib stream's `_handle`) used here. */
interface ZlibHandle {
  init(
    windowBits: number,
    level: number,
    memLevel: number,
    strategy: number,
    writeState: Uint32Array,
    onWritten: () => void,
    dictionary: undefined,
  ): void;
  write(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    out: Buffer,
    outOff: number,
    outLen: number,
  ): void;
  writeSync: ZlibHandle["write"];
  reset(): void;
  onerror: (...args: unknown[]) => void;
}
type ZlibHandleClass = new (mode: number) => ZlibHandle;

let handleClass: ZlibHandleClass | null | undefined;

/** The binding's class, from a throwaway stream; null when it is not the expected shape. */
function zlibHandleClass(): ZlibHandleClass | null {
  if (handleClass !== undefined) return handleClass;
  const probe = createInflateRaw() as unknown as { _handle?: object; close(): void };
  const ctor = probe._handle?.constructor as ZlibHandleClass | undefined;
  probe.close();
  const proto = ctor?.prototype as Partial<ZlibHandle> | undefined;
  handleClass =
    typeof proto?.init === "function" &&
    typeof proto.write === "function" &&
    typeof proto.writeSync === "function" &&
    typeof proto.reset === "function"
      ? (ctor as ZlibHandleClass)
      : null;
  return handleClass;
}

/** Whether this Node has the zlib binding shape the fast path needs (tests hold it to that). */
export function hasZlibHandle(): boolean {
  return zlibHandleClass() !== null;
}

/** `publicApiOnly` picks the fallback (tests run both). */
export function createRawInflater(publicApiOnly = false): RawInflater {
  const Handle = publicApiOnly ? null : zlibHandleClass();
  return Handle ? handleInflater(Handle) : wholeEntryInflater();
}

function handleInflater(Handle: ZlibHandleClass): RawInflater {
  const handle = new Handle(constants.INFLATERAW);
  const state = new Uint32Array(2);
  const out = Buffer.allocUnsafe(OUTPUT_SIZE);
  let settle: ((failure?: string) => void) | undefined;
  const finish = (failure?: string) => {
    const s = settle;
    settle = undefined;
    s?.(failure);
  };
  // zlib reports a data error through onerror instead of the write callback; zlib.js's handler
  // would close the context, which is reused here after a reset.
  handle.onerror = (...args: unknown[]) =>
    finish(args.find((a): a is string => typeof a === "string" && !/^Z_/.test(a)) ?? "error");
  // The defaults zlib.js passes for raw inflation (level, memLevel, strategy are unused).
  handle.init(
    15,
    constants.Z_DEFAULT_COMPRESSION,
    8,
    constants.Z_DEFAULT_STRATEGY,
    state,
    () => finish(),
    undefined,
  );
  let room = 0;
  let onThisThread = false;
  const write = (flush: number, input: Buffer, inOff: number, inLen: number) =>
    new Promise<void>((resolve, reject) => {
      settle = (failure) =>
        failure === undefined ? resolve() : reject(new Error(`invalid deflate data: ${failure}`));
      if (onThisThread) {
        handle.writeSync(flush, input, inOff, inLen, out, 0, OUTPUT_SIZE);
        finish(); // after onerror (if any) settled it
      } else {
        handle.write(flush, input, inOff, inLen, out, 0, OUTPUT_SIZE);
      }
    });
  return {
    reset(limit) {
      room = limit;
      onThisThread = limit <= INFLATE_HERE_MAX;
      handle.reset();
    },
    async push(input, last, sink) {
      const flush = last ? constants.Z_FINISH : constants.Z_NO_FLUSH;
      let inOff = 0;
      let inLen = input.length;
      for (;;) {
        await write(flush, input, inOff, inLen);
        const availOut = state[0] as number;
        const availIn = state[1] as number;
        const have = OUTPUT_SIZE - availOut;
        if (have > room) return "overflow";
        room -= have;
        if (have > 0) sink(out.subarray(0, have));
        inOff += inLen - availIn;
        inLen = availIn;
        // Output room left means zlib stopped for want of input or at the stream's end; with
        // Z_FINISH, running out of input before the end is reported above as an error.
        if (availOut === 0) continue;
        if (last || availIn > 0) return "ended";
        return "more";
      }
    },
  };
}

/** Public API only: the entry's compressed pieces are gathered and inflated in one call. */
function wholeEntryInflater(): RawInflater {
  let pieces: Buffer[] = [];
  let limit = 0;
  return {
    reset(max) {
      pieces = [];
      limit = max;
    },
    async push(input, last, sink) {
      pieces.push(Buffer.from(input)); // the caller reuses its input buffer
      if (!last) return "more";
      const all = Buffer.concat(pieces);
      pieces = [];
      let out: Buffer;
      try {
        // Node refuses output past maxOutputLength (at least 1): more than the limit.
        out = await new Promise<Buffer>((resolve, reject) =>
          inflateRaw(all, { maxOutputLength: Math.max(1, limit) }, (err, data) =>
            err ? reject(err) : resolve(data),
          ),
        );
      } catch (err) {
        if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return "overflow";
        throw new Error(`invalid deflate data: ${(err as Error).message}`);
      }
      if (out.length > limit) return "overflow";
      for (let at = 0; at < out.length; at += OUTPUT_SIZE) sink(out.subarray(at, at + OUTPUT_SIZE));
      return "ended";
    },
  };
}
