import { parseGoproxy } from "../../gomod/goproxy-list.js";
import { timedGet } from "../http-probe.js";
import type { HttpOutcome } from "../http-probe.js";
import { readNetrc } from "../netrc.js";
import type { Netrc } from "../netrc.js";
import { redactSecrets } from "../redact.js";
import type { Finding, Probe } from "../types.js";

type Located = { base: string; via: string } | { failure: Finding };

const ID = "sumdb";

/**
 * The checksum database reachable the way the go command reaches it (modfetch dbDial): the URL
 * in GOSUMDB if given; else the first proxy answering <proxy>/sumdb/<name>/supported with 200
 * (404/410 moves to the next, any other answer is an error); else https://<name> directly.
 */
export const sumdbProbe: Probe = async (ctx) => {
  const value = ctx.machine.goEnv?.GOSUMDB;
  if (value === undefined) return [];
  if (value.trim() === "off") {
    return [
      {
        id: ID,
        status: "warn",
        title: "checksum database",
        detail: "GOSUMDB=off: downloaded modules are not checked against a checksum database",
        fix: "go env -u GOSUMDB (or list private modules in GOPRIVATE/GONOSUMDB instead)",
      },
    ];
  }
  const proxies = parseGoproxy(ctx.machine.goEnv?.GOPROXY ?? "");
  if (proxies.ok && proxies.entries[0]?.kind === "off") {
    return [
      {
        id: ID,
        status: "pass",
        title: "checksum database",
        detail: "not consulted: GOPROXY=off downloads nothing",
      },
    ];
  }
  const [nameKey = "", explicitUrl] = value.trim().split(/\s+/);
  const name = nameKey.split("+")[0] ?? nameKey;
  const title = `checksum database ${name}`;
  const netrc = readNetrc(ctx.env);
  const located = explicitUrl
    ? { base: explicitUrl.replace(/\/+$/, ""), via: "the URL in GOSUMDB" }
    : await locate(name, ctx.machine.goEnv?.GOPROXY ?? "", ctx.timeoutMs, netrc, title);
  if ("failure" in located) return [located.failure];
  const o = await timedGet(`${located.base}/latest`, { timeoutMs: ctx.timeoutMs, netrc });
  if (o.kind === "status" && o.status === 200) {
    return [
      {
        id: ID,
        status: "pass",
        title,
        detail: `answered /latest in ${o.ms} ms via ${redactSecrets(located.via)}`,
      },
    ];
  }
  return [
    {
      id: ID,
      status: "fail",
      title,
      detail: `${outcomeText(o, ctx.timeoutMs)} for /latest via ${redactSecrets(located.via)}`,
      fix: "check the network path to the checksum database (or the proxy serving it); go get and go mod download verify every new module against it",
    },
  ];
};

async function locate(
  name: string,
  goproxy: string,
  timeoutMs: number,
  netrc: Netrc | undefined,
  title: string,
): Promise<Located> {
  const parsed = parseGoproxy(goproxy);
  for (const e of parsed.ok ? parsed.entries : []) {
    if (e.kind !== "url") break;
    if (e.url.toLowerCase().startsWith("file:")) continue;
    const base = `${e.url.replace(/\/+$/, "")}/sumdb/${name}`;
    const o = await timedGet(`${base}/supported`, { timeoutMs, netrc });
    if (o.kind === "status" && o.status === 200) return { base, via: `proxy ${e.url}` };
    if (o.kind === "status" && (o.status === 404 || o.status === 410)) continue;
    return {
      failure: {
        id: ID,
        status: "fail",
        title,
        detail: `proxy ${redactSecrets(e.url)} gave ${outcomeText(o, timeoutMs)} for /sumdb/${name}/supported; the go command stops there`,
        fix: "make the proxy reachable, or point GOSUMDB at the database URL directly",
      },
    };
  }
  return { base: `https://${name}`, via: `https://${name}` };
}

function outcomeText(o: HttpOutcome, timeoutMs: number): string {
  if (o.kind === "timeout") return `no answer within ${timeoutMs} ms`;
  if (o.kind === "error") return redactSecrets(o.error);
  return `HTTP ${o.status} in ${o.ms} ms`;
}
