import { constants, createInflateRaw, inflateRawSync } from "node:zlib";

/**
 * Raw deflate (zip method 8) inflation for the zip check, one entry after another, handing out
 * the inflated bytes in pieces of at most OUTPUT_SIZE.
 *
 * zlib's public sync API (inflateRawSync) builds a zlib context and an output buffer sized for
 * the whole entry on every call: a module of 20,000 files makes 20,000 of each, and that churn
 * is measured garbage (GC time on V8's helper threads) and malloc growth the process keeps. Here
 * one context is reset per entry and one output buffer is reused for every piece, through the
 * zlib handle Node's own sync functions drive (`_handle.writeSync`, `_writeState`). Where a
 * Node version lacks those, a fallback built on inflateRawSync gives the same results.
 */
export interface RawInflater {
  /** Starts a new deflate stream (the next entry), which may inflate to at most `limit` bytes. */
  reset(limit: number): void;
  /**
   * Inflates `input`, the next compressed bytes of the entry (`last` for its final piece),
   * passing each inflated piece to `sink`; a piece is valid only during that call. Returns
   * "overflow" as soon as the output passes the limit (nothing past it is handed out, and a zip
   * bomb costs at most the limit), "ended" once the deflate stream ended (bytes after its end are
   * ignored, as Go's archive/zip does), otherwise "more" (only when not `last`). Throws on
   * corrupt or truncated data.
   */
  push(input: Buffer, last: boolean, sink: (piece: Buffer) => void): "ended" | "more" | "overflow";
}

/** Output piece size: big enough that a typical source file inflates in one call. */
export const OUTPUT_SIZE = 1 << 20;

/** The part of Node's zlib binding that zlib.js's sync path uses. */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    out: Buffer,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  onerror: (...args: unknown[]) => void;
}

/** `publicApiOnly` picks the fallback (tests run both). */
export function createRawInflater(publicApiOnly = false): RawInflater {
  const engine = createInflateRaw() as unknown as { _handle?: ZlibHandle; _writeState?: unknown };
  const handle = engine._handle;
  const state = engine._writeState;
  if (
    !publicApiOnly &&
    typeof handle?.writeSync === "function" &&
    typeof handle.reset === "function" &&
    state instanceof Uint32Array
  ) {
    return handleInflater(engine, handle, state);
  }
  return wholeEntryInflater();
}

/** `owner` is the stream object that made the handle, held so that it lives as long as this. */
function handleInflater(owner: object, handle: ZlibHandle, state: Uint32Array): RawInflater {
  const out = Buffer.allocUnsafe(OUTPUT_SIZE);
  let failure: string | undefined;
  let room = 0;
  // zlib reports a data error by calling onerror during writeSync; zlib.js's own handler would
  // destroy the stream object (and its context) that is reused here, so record it instead.
  handle.onerror = (...args: unknown[]) => {
    failure = args.find((a): a is string => typeof a === "string" && !/^Z_/.test(a)) ?? "error";
  };
  const inflater: RawInflater & { owner: object } = {
    owner,
    reset(limit) {
      failure = undefined;
      room = limit;
      handle.reset();
    },
    push(input, last, sink) {
      const flush = last ? constants.Z_FINISH : constants.Z_NO_FLUSH;
      let inOff = 0;
      let inLen = input.length;
      for (;;) {
        handle.writeSync(flush, input, inOff, inLen, out, 0, OUTPUT_SIZE);
        if (failure !== undefined) throw new Error(`invalid deflate data: ${failure}`);
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
  return inflater;
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
    push(input, last, sink) {
      pieces.push(Buffer.from(input)); // the caller reuses its input buffer
      if (!last) return "more";
      const all = Buffer.concat(pieces);
      pieces = [];
      let out: Buffer;
      try {
        // Node refuses output past maxOutputLength (at least 1): more than the limit.
        out = inflateRawSync(all, { maxOutputLength: Math.max(1, limit) });
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
