import { createWriteStream } from "node:fs";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import { performance } from "node:perf_hooks";

/**
 * The probe's HTTP client: node:http(s) rather than fetch, because fetch hides TLS details and
 * refuses URLs with credentials. One deadline covers the whole exchange (redirects and body), so
 * a proxy that accepts connections and never answers costs at most the timeout.
 */
export interface ProbeAgents {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

export function createProbeAgents(): ProbeAgents {
  // Keep-alive, like the go command: latency samples measure warm requests.
  const http = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 8 });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

export interface TlsInfo {
  protocol: string | undefined;
  authorized: boolean;
}

export type ProbeResponse =
  | {
      kind: "response";
      status: number;
      headers: IncomingHttpHeaders;
      /** The body (empty when streamed to a file). */
      body: Buffer;
      bytes: number;
      ms: number;
      tls: TlsInfo | undefined;
    }
  | {
      kind: "failure";
      reason: "timeout" | "tls" | "network" | "too-large";
      error: string;
      ms: number;
    };

export interface ProbeRequestOptions {
  agents: ProbeAgents;
  timeoutMs: number;
  /** Larger bodies fail with "too-large". */
  maxBytes: number;
  /** Stream the body to this file instead of memory. */
  toFile?: string;
}

const MAX_REDIRECTS = 10;

/** Node's codes for a certificate or handshake the client rejected. */
const TLS_ERROR =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|^ERR_SSL|^ERR_TLS|^EPROTO$/;

/** GET `url` (credentials in it become Basic auth for that origin only). */
export async function probeGet(rawUrl: string, opts: ProbeRequestOptions): Promise<ProbeResponse> {
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  const deadline = start + opts.timeoutMs;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { kind: "failure", reason: "network", error: "not a valid URL", ms: 0 };
  }
  const auth =
    url.username || url.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`
      : undefined;
  const origin = url.origin;
  url.username = "";
  url.password = "";
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const r = await once(url, url.origin === origin ? auth : undefined, deadline, opts);
    if (r.kind === "failure") return { ...r, ms: elapsed() };
    if (r.kind === "redirect") {
      const next = new URL(r.location, url);
      if (url.protocol === "https:" && next.protocol !== "https:") {
        return {
          kind: "failure",
          reason: "network",
          error: "redirect away from https",
          ms: elapsed(),
        };
      }
      url = next;
      continue;
    }
    return { ...r, ms: elapsed() };
  }
  return {
    kind: "failure",
    reason: "network",
    error: `more than ${MAX_REDIRECTS} redirects`,
    ms: elapsed(),
  };
}

type Once =
  | Omit<Extract<ProbeResponse, { kind: "response" }>, "ms">
  | Omit<Extract<ProbeResponse, { kind: "failure" }>, "ms">
  | { kind: "redirect"; location: string };

function once(
  url: URL,
  auth: string | undefined,
  deadline: number,
  opts: ProbeRequestOptions,
): Promise<Once> {
  const budget = deadline - performance.now();
  if (budget <= 0) return Promise.resolve(timeout(opts.timeoutMs));
  const https = url.protocol === "https:";
  if (!https && url.protocol !== "http:") {
    return Promise.resolve({
      kind: "failure",
      reason: "network",
      error: `unsupported scheme ${url.protocol}`,
    });
  }
  const send = https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: Once) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const headers: Record<string, string> = { "user-agent": "gopave-probe", accept: "*/*" };
    if (auth) headers.authorization = auth;
    const req = send(
      url,
      { method: "GET", headers, agent: https ? opts.agents.https : opts.agents.http },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location) {
          res.resume();
          finish({ kind: "redirect", location });
          return;
        }
        const socket = res.socket as TLSSocket;
        const tls = https
          ? {
              protocol: socket.getProtocol?.() ?? undefined,
              authorized: socket.authorized === true,
            }
          : undefined;
        readBody(res, opts).then(
          (body) =>
            finish(
              body.kind === "ok"
                ? {
                    kind: "response",
                    status,
                    headers: res.headers,
                    body: body.data,
                    bytes: body.bytes,
                    tls,
                  }
                : { kind: "failure", reason: body.reason, error: body.error },
            ),
          (e: Error) => finish({ kind: "failure", reason: "network", error: e.message }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(timeout(opts.timeoutMs));
    }, budget);
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "";
      const tls = TLS_ERROR.test(code);
      finish({
        kind: "failure",
        reason: tls ? "tls" : "network",
        error: code ? `${code}: ${err.message}` : err.message,
      });
    });
    req.end();
  });
}

function timeout(ms: number): Once {
  return { kind: "failure", reason: "timeout", error: `no complete answer within ${ms} ms` };
}

type Body =
  | { kind: "ok"; data: Buffer; bytes: number }
  | { kind: "failed"; reason: "too-large" | "network"; error: string };

function readBody(res: IncomingMessage, opts: ProbeRequestOptions): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const file = opts.toFile ? createWriteStream(opts.toFile) : undefined;
    file?.on("error", (e) =>
      fail({ kind: "failed", reason: "network", error: `writing the body: ${e.message}` }),
    );
    const fail = (b: Body) => {
      if (done) return;
      done = true;
      res.destroy();
      file?.destroy();
      resolve(b);
    };
    res.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        fail({
          kind: "failed",
          reason: "too-large",
          error: `body larger than ${opts.maxBytes} bytes`,
        });
        return;
      }
      if (file) file.write(chunk);
      else chunks.push(chunk);
    });
    res.on("error", (e) => fail({ kind: "failed", reason: "network", error: e.message }));
    res.on("aborted", () =>
      fail({ kind: "failed", reason: "network", error: "connection closed mid-body" }),
    );
    res.on("end", () => {
      if (done) return;
      const ok = () => {
        done = true;
        resolve({ kind: "ok", data: Buffer.concat(chunks), bytes });
      };
      if (file) file.end(ok);
      else ok();
    });
  });
}

/** The media type without parameters, lower-cased: "text/plain; charset=utf-8" -> "text/plain". */
export function mediaType(headers: IncomingHttpHeaders): string | undefined {
  const v = headers["content-type"];
  return v?.split(";")[0]?.trim().toLowerCase() || undefined;
}
