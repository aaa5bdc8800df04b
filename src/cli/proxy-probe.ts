import { parseGoproxy } from "../gomod/goproxy-list.js";
import { defaultProbeUrls } from "../proxy/probe/defaults.js";
import { probeProxies } from "../proxy/probe/probe.js";
import type { ProbeRun } from "../proxy/probe/probe.js";
import { probeJson, probeText } from "../proxy/probe/report.js";
import { GopaveError } from "../util/errors.js";
import { colors } from "./io.js";
import type { CliIo } from "./io.js";

export interface ProxyProbeOptions {
  /** Base URLs (or GOPROXY-style lists); none means the built-in public mirrors. */
  urls: string[];
  json?: boolean | undefined;
  /** Latency samples per proxy (`-n`); a string from the command line. */
  requests?: string | number | undefined;
  /** Per-request deadline; default GOPAVE_PROBE_TIMEOUT_MS, else 10 s. */
  timeoutMs?: number | undefined;
  /** The module and version fetched from each proxy; it should contain upper-case letters. */
  module?: string | undefined;
  version?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MODULE = "github.com/BurntSushi/toml";
const DEFAULT_VERSION = "v1.4.0";
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * `gopave proxy probe`: conformance and latency of module proxies, ranked, with the GOPROXY
 * to use. Exit 0 when at least one proxy passes every check, 1 when none does, 2 on bad usage.
 */
export async function runProxyProbe(opts: ProxyProbeOptions, io: CliIo): Promise<number> {
  const requests = parseRequests(opts.requests);
  const timeoutMs = timeoutFrom(io.env, opts.timeoutMs);
  const given = proxyUrls(opts.urls);
  const urls = given.length > 0 ? given : await defaultProbeUrls(io.env, io.cwd);
  const showProgress = io.isTTY && !opts.json;
  const progress = showProgress ? startProgress(io, urls.length) : undefined;
  let run: ProbeRun;
  try {
    run = await probeProxies(urls, {
      module: opts.module ?? DEFAULT_MODULE,
      version: opts.version ?? DEFAULT_VERSION,
      requests,
      timeoutMs,
      sumdbName: "sum.golang.org",
      onDone: (_r, done) => progress?.update(done),
    });
  } finally {
    progress?.stop();
  }
  const text = opts.json
    ? `${JSON.stringify(probeJson(run), null, 2)}\n`
    : probeText(run, colors(io));
  // URLs are redacted where they are printed; this catches a secret echoed anywhere else.
  io.stdout(scrub(text, secretsIn(urls)));
  return run.goproxy ? 0 : 1;
}

function parseRequests(value: string | number | undefined): number {
  if (value === undefined) return 10;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new GopaveError("USAGE", `-n must be a whole number from 1 to 1000, not "${value}"`);
  }
  return n;
}

function timeoutFrom(env: NodeJS.ProcessEnv, explicit: number | undefined): number {
  if (explicit !== undefined) return explicit;
  const n = Number(env.GOPAVE_PROBE_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/** Each argument may be one URL or a whole GOPROXY value; direct and off are not proxies. */
function proxyUrls(args: readonly string[]): string[] {
  const urls: string[] = [];
  for (const arg of args) {
    const parsed = parseGoproxy(arg);
    if (!parsed.ok) throw new GopaveError("USAGE", parsed.error);
    for (const e of parsed.entries) {
      if (e.kind !== "url") continue;
      if (!/^https?:\/\//i.test(e.url)) {
        throw new GopaveError(
          "USAGE",
          `cannot probe ${e.url.split(":")[0]} URLs, only http and https`,
        );
      }
      urls.push(e.url);
    }
  }
  if (args.length > 0 && urls.length === 0) {
    throw new GopaveError("USAGE", "no proxy URL to probe (direct and off are not proxies)");
  }
  return [...new Set(urls)];
}

function secretsIn(urls: readonly string[]): string[] {
  const secrets: string[] = [];
  for (const u of urls) {
    try {
      const parsed = new URL(u);
      for (const s of [parsed.password, parsed.username]) {
        // Short values ("git", "x") would blank out ordinary words; the URL redaction covers them.
        if (s.length >= 6) secrets.push(s, decodeURIComponent(s));
      }
    } catch {
      // Not a URL: nothing to hide.
    }
  }
  return secrets;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  return out;
}

/** One redrawn status line on stderr, only on a terminal. */
function startProgress(io: CliIo, total: number) {
  let frame = 0;
  let done = 0;
  const draw = () =>
    io.stderr(
      `\r\u001b[K${FRAMES[frame++ % FRAMES.length] ?? ""} probing ${total} proxies: ${done} done`,
    );
  draw();
  const timer = setInterval(draw, 100);
  return {
    update(n: number) {
      done = n;
      draw();
    },
    stop() {
      clearInterval(timer);
      io.stderr("\r\u001b[K");
    },
  };
}
