import { performance } from "node:perf_hooks";
import { routeLabel } from "../router.js";
import { StorageWriteError } from "../storage/write-error.js";
import type { CachedAnswer, Route, UpstreamResult, VerifyResult } from "../types.js";
import type { Outcome, Runtime } from "./runtime.js";

/**
 * Shared steps of every upstream fetch: a time limit, a latency observation, negative caching of
 * genuine not-founds, and the status mapping. The mapping is the contract go clients rely on:
 * 404/410 only for a real not-found (the client may try its next GOPROXY entry), 502/504 for an
 * upstream that failed (terminal: an outage must not look like "this module does not exist"), 403
 * for a refusal (deny routes, GOPROXY=off, private addresses, a tampered module).
 */
export async function withFetchSignal<T>(
  rt: Runtime,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  // One controller per fetch, registered with the runtime so that a shutdown past its grace
  // period can abort it (no listener on a long-lived signal, which would pile up).
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new DOMException(`no complete answer within ${ms} ms`, "TimeoutError")),
    ms,
  );
  rt.fetches.add(ac);
  if (rt.shutdown.aborted) ac.abort(rt.shutdown.reason);
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
    rt.fetches.delete(ac);
  }
}

/** What an upstream fetch is for: the endpoint, and the module (and version) it names. */
export interface FetchItem {
  endpoint: string;
  module: string;
  version?: string;
}

export async function timed<T>(
  rt: Runtime,
  route: Route,
  item: FetchItem,
  signal: AbortSignal,
  call: () => Promise<UpstreamResult<T>>,
): Promise<UpstreamResult<T>> {
  const start = performance.now();
  let result: UpstreamResult<T>;
  try {
    result = await call();
  } catch (err) {
    // Storage refusing the download is no upstream failure: the caller answers it (507).
    if (err instanceof StorageWriteError) throw err;
    // A target that throws is a failed upstream, not a server bug the client should see as 500.
    result = { ok: false, notFound: false, status: undefined, message: errorText(err) };
  }
  const kind = result.ok
    ? "ok"
    : result.notFound
      ? "notfound"
      : timedOut(signal, result.status)
        ? "timeout"
        : "error";
  const ms = performance.now() - start;
  rt.metrics.upstreamSeconds.observe(
    { target: route.target.name, endpoint: item.endpoint, result: kind },
    ms / 1000,
  );
  rt.status.recorder.fetched({
    at: rt.now(),
    route: routeLabel(route),
    endpoint: item.endpoint,
    module: item.module,
    version: item.version ?? null,
    outcome: kind,
    status: result.ok ? null : (result.status ?? null),
    ms: Math.round(ms * 100) / 100,
    error: kind === "error" || kind === "timeout" ? (result.ok ? null : result.message) : null,
  });
  return result;
}

function timedOut(signal: AbortSignal, status: number | undefined): boolean {
  if (status === 504) return true;
  return (
    signal.aborted && (signal.reason as { name?: string } | undefined)?.name === "TimeoutError"
  );
}

/** Maps a failed target answer to the client's status; caches a genuine not-found. */
export async function failed(
  rt: Runtime,
  key: string,
  r: Exclude<UpstreamResult<unknown>, { ok: true }>,
  signal: AbortSignal,
): Promise<Outcome> {
  if (r.notFound) {
    const message = r.message.trim() || "not found";
    const record = { body: message, status: r.status, fetchedAt: rt.now() };
    await keepAnswer(rt, "notfound", key, record, rt.ttl.notFoundMs);
    return { ok: false, notFound: true, status: r.status, message };
  }
  if (rt.shutdown.aborted) {
    return {
      ok: false,
      notFound: false,
      status: 503,
      message: "service unavailable: the proxy is shutting down",
    };
  }
  if (timedOut(signal, r.status)) {
    return { ok: false, notFound: false, status: 504, message: `gateway timeout: ${r.message}` };
  }
  if (r.status === 403) return { ok: false, notFound: false, status: 403, message: r.message };
  return { ok: false, notFound: false, status: 502, message: `bad gateway: ${r.message}` };
}

/**
 * A failed verification. A mismatch is refused with 403 (terminal for the client, never 404, so
 * it does not fall back to fetching the same tampered bytes elsewhere) and counted; a check that
 * could not be made (checksum database down) is a 502. Neither is ever cached.
 */
export function refused(
  rt: Runtime,
  module: string,
  version: string,
  file: "mod" | "zip",
  v: Extract<VerifyResult, { ok: false }>,
): Outcome {
  const what = `${module}@${version}${file === "mod" ? "/go.mod" : ""}`;
  if (v.unavailable) {
    return {
      ok: false,
      notFound: false,
      status: 502,
      // The reason names what could not be reached: the checksum database, or the zip check.
      message: `bad gateway: cannot verify ${what}: ${v.reason}`,
    };
  }
  rt.metrics.verificationFailures.inc({ file });
  rt.status.recorder.verificationFailed({ at: rt.now(), module, version, file, reason: v.reason });
  return {
    ok: false,
    notFound: false,
    status: 403,
    message:
      `verifying ${what}: ${v.reason}\n` +
      `gopave refused the upstream's ${file === "mod" ? "go.mod" : "zip"}: ${refusalCause(v.reason)} (not cached)`,
  };
}

/**
 * The cause in the verifier's reason, in words for the refusal's summary line: telling the user
 * "checksum database" when go.sum disagreed, or the zip was unreadable, sends them the wrong way.
 */
export function refusalCause(reason: string): string {
  if (reason.includes("invalid module zip")) return "it is not a valid module zip";
  if (reason.includes("cannot read trusted go.sum")) return "the trusted go.sum cannot be read";
  if (reason.includes(", go.sum has ")) return "it does not match go.sum";
  if (reason.includes("checksum mismatch")) return "it does not match the checksum database";
  if (reason.includes("not in the checksum database / go.sum")) {
    return "neither go.sum nor the checksum database lists it";
  }
  return "it could not be verified against the checksum database";
}

export async function verifySafely(check: () => Promise<VerifyResult>): Promise<VerifyResult> {
  try {
    return await check();
  } catch (err) {
    return { ok: false, unavailable: true, reason: errorText(err) };
  }
}

/** A kept list/@latest/not-found record: from the runtime's memo while fresh, else storage. */
export async function keptAnswer(
  rt: Runtime,
  kind: "list" | "latest" | "notfound",
  key: string,
  freshMs: number,
): Promise<CachedAnswer | undefined> {
  const memo = rt.answers.get(kind, key, rt.now());
  if (memo !== "unknown") return memo;
  const answer = await rt.storage.getAnswer(kind, key);
  rt.answers.set(kind, key, answer, rt.now(), freshMs);
  return answer;
}

/** Keeps a fetched list/@latest/not-found answer: remembered at once, stored best-effort. */
export async function keepAnswer(
  rt: Runtime,
  kind: "list" | "latest" | "notfound",
  key: string,
  answer: CachedAnswer,
  freshMs: number,
): Promise<void> {
  rt.answers.set(kind, key, answer, rt.now(), freshMs);
  await bestEffort(rt, rt.storage.putAnswer(kind, key, answer));
}

/** Cache writes of answers must not fail the request that produced them. */
export async function bestEffort(rt: Runtime, p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    rt.logger.warn({ error: errorText(err) }, "storage write failed");
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A cached not-found that is still fresh, if any. */
export async function freshNotFound(
  rt: Runtime,
  key: string,
): Promise<{ status: number; body: string; fetchedAt: number } | undefined> {
  const neg = await keptAnswer(rt, "notfound", key, rt.ttl.notFoundMs);
  if (!neg || (neg.status !== 404 && neg.status !== 410)) return undefined;
  return rt.now() - neg.fetchedAt < rt.ttl.notFoundMs ? neg : undefined;
}
