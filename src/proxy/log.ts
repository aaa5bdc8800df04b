import { pino, stdTimeFunctions } from "pino";
import type { DestinationStream, Logger } from "pino";

/**
 * One JSON line per request on stdout (pino). Credentials must never reach a log: upstream URLs
 * may carry `user:password@`, and error messages quote URLs, so every string that is logged goes
 * through redactText, and request headers (Authorization, Cookie) are never logged at all.
 */
export type ProxyLogger = Logger;

export interface RequestLogLine {
  method: string;
  path: string;
  status: number;
  ms: number;
  bytes: number;
  cache: string;
  route: string;
  endpoint: string;
  error?: string;
}

export function createLogger(dest: DestinationStream, level = "info"): ProxyLogger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: "msg",
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: nothing logs these keys today; if one ever does, it is censored.
      redact: {
        paths: ["authorization", "headers.authorization", "headers.cookie", "password"],
        censor: "***",
      },
    },
    dest,
  );
}

/** Replaces userinfo in any URL inside `text` and bearer/basic tokens with "***". */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1***@")
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 ***");
}

/** The request path as logged: no query string (the protocol has none; tokens might). */
export function loggablePath(url: string | undefined): string {
  const raw = url ?? "";
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  return redactText(path.length > 1024 ? `${path.slice(0, 1024)}…` : path);
}

/** Writes one request's line; see createRequestLog. */
export interface RequestLog {
  (line: RequestLogLine): void;
  /**
   * A line whose fields are known in advance but for time and duration (a file held in memory):
   * `head` and `tail` from lineHead and lineTail.
   */
  fixed(head: string, ms: number, tail: string): void;
}

/**
 * Request lines in exactly the format the logger writes its own lines (level label, ISO time,
 * fields, msg last), formatted here rather than by pino: at tens of thousands of requests a second
 * pino's generic serialisation was ~8 % of a warm request's CPU. Off when the logger's level is
 * above info.
 */
export function createRequestLog(dest: DestinationStream, logger: ProxyLogger): RequestLog {
  const on = logger.isLevelEnabled("info");
  const log = (line: RequestLogLine) => {
    if (on) dest.write(formatRequestLine(line, Date.now()));
  };
  log.fixed = (head: string, ms: number, tail: string) => {
    if (on) dest.write(`${linePrefix(Date.now())}${head}${ms}${tail}`);
  };
  return log;
}

const q = JSON.stringify;

/** The ISO time of the last line: a busy proxy writes many lines per millisecond. */
let lastMs = -1;
let lastIso = "";
function linePrefix(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = `{"level":"info","time":"${new Date(ms).toISOString()}",`;
  }
  return lastIso;
}

/** The fields before the duration, ending with `"ms":`. */
export function lineHead(method: string, path: string, status: number): string {
  return `"method":${q(method)},"path":${q(path)},"status":${status},"ms":`;
}

/** The fields after the duration, through the end of the line. */
export function lineTail(l: Omit<RequestLogLine, "method" | "path" | "status" | "ms">): string {
  const error = l.error === undefined ? "" : `,"error":${q(redactText(l.error))}`;
  return (
    `,"bytes":${l.bytes},"cache":${q(l.cache)},"route":${q(l.route)},` +
    `"endpoint":${q(l.endpoint)}${error},"msg":"request"}\n`
  );
}

export function formatRequestLine(l: RequestLogLine, time: number): string {
  return `${linePrefix(time)}${lineHead(l.method, l.path, l.status)}${l.ms}${lineTail(l)}`;
}
