import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseGoproxy } from "../../gomod/goproxy-list.js";
import type { ProxyEntry } from "../../gomod/goproxy-list.js";
import { timedGet } from "../http-probe.js";
import type { HttpOutcome } from "../http-probe.js";
import { readNetrc } from "../netrc.js";
import type { Netrc } from "../netrc.js";
import { redactSecrets } from "../redact.js";
import type { DoctorContext, Finding, Probe } from "../types.js";

/**
 * The module every proxy is asked about: small, public, and one the go command itself depends
 * on, so any proxy that serves public modules has it.
 */
export const PROBE_MODULE = "golang.org/x/mod";

/** Each GOPROXY entry answering the module proxy protocol, with its latency. */
export const proxiesProbe: Probe = async (ctx) => {
  const value = ctx.machine.goEnv?.GOPROXY;
  if (value === undefined) return [];
  const parsed = parseGoproxy(value);
  if (!parsed.ok) {
    return [
      {
        id: "proxy",
        status: "fail",
        title: "GOPROXY",
        detail: `cannot be used: ${redactSecrets(parsed.error)}`,
        fix: "fix GOPROXY (see the env.GOPROXY line)",
      },
    ];
  }
  const netrc = readNetrc(ctx.env);
  const checks = await Promise.all(
    parsed.entries.map((e, i) => entryCheck(ctx, e, i, parsed.entries, netrc)),
  );
  if (parsed.ignored.length > 0) {
    checks.push({
      id: "proxy.ignored",
      status: "warn",
      title: "GOPROXY",
      detail: `entries after "direct"/"off" are ignored: ${redactSecrets(parsed.ignored.join(", "))}`,
      fix: 'put "direct" or "off" last',
    });
  }
  return checks;
};

async function entryCheck(
  ctx: DoctorContext,
  e: ProxyEntry,
  i: number,
  all: ProxyEntry[],
  netrc: Netrc | undefined,
): Promise<Finding> {
  const id = `proxy.${i + 1}`;
  if (e.kind === "direct") {
    return {
      id,
      status: "pass",
      title: "proxy direct",
      detail: "modules not found before it are fetched from their version control hosts",
    };
  }
  if (e.kind === "off") {
    return i === 0
      ? {
          id,
          status: "warn",
          title: "proxy off",
          detail:
            "GOPROXY=off: the go command downloads no modules (only the module cache is used)",
          fix: "set modules.proxy in gopave.yaml (or go env -u GOPROXY) to allow downloads",
        }
      : { id, status: "pass", title: "proxy off", detail: "ends the list: no further fallback" };
  }
  const title = `proxy ${redactSecrets(e.url)}`;
  if (e.url.toLowerCase().startsWith("file:")) return fileEntryCheck(id, title, e.url);
  const url = `${e.url.replace(/\/+$/, "")}/${PROBE_MODULE}/@v/list`;
  const outcome = await timedGet(url, { timeoutMs: ctx.timeoutMs, netrc });
  return httpEntryCheck(id, title, outcome, e, i < all.length - 1, ctx.timeoutMs);
}

function fileEntryCheck(id: string, title: string, url: string): Finding {
  let dir: string;
  try {
    dir = fileURLToPath(url);
  } catch {
    return {
      id,
      status: "fail",
      title,
      detail: "not a valid file URL",
      fix: "use file:///absolute/path",
    };
  }
  try {
    if (statSync(dir).isDirectory())
      return { id, status: "pass", title, detail: `directory ${dir} exists` };
  } catch {
    // reported below
  }
  return {
    id,
    status: "fail",
    title,
    detail: `directory ${dir} does not exist`,
    fix: "create it (e.g. a copy of $(go env GOMODCACHE)/cache/download) or remove the entry",
  };
}

function httpEntryCheck(
  id: string,
  title: string,
  o: HttpOutcome,
  e: Extract<ProxyEntry, { kind: "url" }>,
  hasNext: boolean,
  timeoutMs: number,
): Finding {
  if (o.kind === "status" && o.status === 200) {
    return { id, status: "pass", title, detail: `answered ${PROBE_MODULE}/@v/list in ${o.ms} ms` };
  }
  if (o.kind === "status" && (o.status === 404 || o.status === 410)) {
    return hasNext
      ? {
          id,
          status: "warn",
          title,
          detail: `HTTP ${o.status} for ${PROBE_MODULE} in ${o.ms} ms: it does not serve public modules; the go command falls through to the next entry`,
          fix: "fine for a private-only proxy; otherwise check the URL",
        }
      : {
          id,
          status: "fail",
          title,
          detail: `HTTP ${o.status} for ${PROBE_MODULE} in ${o.ms} ms, and it is the last entry: public modules cannot be downloaded`,
          fix: 'check the URL, or add ",direct" (or another proxy) after it',
        };
  }
  // A "|" after the entry makes the go command try the next one on any error.
  const fallsThrough = e.fallbackOnError && hasNext;
  const status = fallsThrough ? "warn" : "fail";
  const after = fallsThrough ? "; the go command falls through to the next entry (|)" : "";
  if (o.kind === "timeout") {
    return {
      id,
      status,
      title,
      detail: `no answer within ${timeoutMs} ms${after}`,
      fix: "check the URL, your network, VPN or firewall; every module download waits on this proxy",
    };
  }
  if (o.kind === "status" && (o.status === 401 || o.status === 403)) {
    return {
      id,
      status,
      title,
      detail: `HTTP ${o.status} in ${o.ms} ms: the proxy wants credentials${after}`,
      fix: "add a machine entry for its host to ~/.netrc (chmod 600), or set GOAUTH (go help goauth)",
    };
  }
  const what = o.kind === "status" ? `HTTP ${o.status} in ${o.ms} ms` : redactSecrets(o.error);
  return {
    id,
    status,
    title,
    detail: `${what}${after}`,
    fix: "check the URL and that the proxy is running",
  };
}
