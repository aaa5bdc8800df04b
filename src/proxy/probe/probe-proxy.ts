import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { redactUrl } from "../../gomod/goproxy-list.js";
import { escapeModulePath, escapeVersion } from "../../gomod/module-escape.js";
import { checkZip, hashMod, hashZip } from "../verify/index.js";
import {
  checkCaseEncoding,
  checkContentTypes,
  checkInfo,
  checkInvalidPath,
  checkLatest,
  checkList,
  checkMod,
  checkNotFound,
  checkSumdb,
  checkTls,
  noAnswer,
} from "./checks.js";
import { percentile } from "./latency.js";
import { probeGet } from "./probe-http.js";
import type { ProbeAgents, ProbeResponse } from "./probe-http.js";
import { parseLookup } from "./sumdb-lookup.js";
import type {
  ChecksumComparison,
  CheckResult,
  LatencySummary,
  ProbeOptions,
  ProxyReport,
} from "./types.js";

/** x/mod/zip's limit on a module zip: the go command refuses anything larger. */
const MAX_ZIP_BYTES = 500 << 20;
const MAX_TEXT_BYTES = 4 << 20;

let zipCounter = 0;

/** All conformance checks and latency samples for one proxy base URL. */
export async function probeProxy(
  baseUrl: string,
  opts: ProbeOptions,
  agents: ProbeAgents,
): Promise<ProxyReport> {
  const base = baseUrl.replace(/\/+$/, "");
  const shown = redactUrl(base);
  const mod = `${base}/${escapeModulePath(opts.module)}`;
  const v = escapeVersion(opts.version);
  const text = { agents, timeoutMs: opts.timeoutMs, maxBytes: MAX_TEXT_BYTES };
  const zipPath = join(opts.tmpDir, `probe-${++zipCounter}.zip`);
  // A module nobody has, on the host most modules live on: a proxy that fetches on a miss really
  // tries and must say 404/410. (Some mirrors answer 400 for hosts they never fetch from, such as
  // example.com, which would hide how they treat a genuine miss.)
  const missing = `github.com/gopave-probe/does-not-exist-${randomBytes(6).toString("hex")}`;

  const [list, info, gomod, zip, latest, notFound, invalid, supported] = await Promise.all([
    probeGet(`${mod}/@v/list`, text),
    probeGet(`${mod}/@v/${v}.info`, text),
    probeGet(`${mod}/@v/${v}.mod`, text),
    probeGet(`${mod}/@v/${v}.zip`, {
      agents,
      timeoutMs: opts.timeoutMs,
      maxBytes: MAX_ZIP_BYTES,
      toFile: zipPath,
    }),
    probeGet(`${mod}/@latest`, text),
    probeGet(`${base}/${missing}/@v/v1.0.0.info`, text),
    // Upper case is never valid in an escaped path: a proxy should say 4xx, not 5xx.
    probeGet(`${base}/Example.com/x/@v/list`, text),
    probeGet(`${base}/sumdb/${opts.sumdbName}/supported`, text),
  ]);

  const zipResult = await checkZipAnswer(zip, zipPath, opts);
  const sumdbProxied = supported.kind === "response" && supported.status === 200;
  const checksums = await compareChecksums({
    base,
    shown,
    opts,
    agents,
    sumdbProxied,
    zipHash: zipResult.hash,
    modHash: gomod.kind === "response" && gomod.status === 200 ? hashMod(gomod.body) : undefined,
  });

  const checks: CheckResult[] = [
    checkTls(base, [list, info, gomod, zip, latest, notFound, invalid, supported]),
    checkList(list, opts.version),
    checkInfo(info, opts.version),
    checkMod(gomod, opts.module),
    zipResult.check,
    checksumCheck(checksums),
    checkLatest(latest),
    checkNotFound(notFound),
    checkCaseEncoding(opts.module, info),
    checkInvalidPath(invalid),
    checkContentTypes([
      { endpoint: "list", response: list },
      { endpoint: "info", response: info },
      { endpoint: "mod", response: gomod },
      { endpoint: "zip", response: zip },
      { endpoint: "latest", response: latest },
      { endpoint: "not-found", response: notFound },
    ]),
    checkSumdb(supported, opts.sumdbName),
  ];

  const latency =
    info.kind === "response" && info.status === 200
      ? await sampleLatency(`${mod}/@v/${v}.info`, opts, agents)
      : { samples: 0, ok: 0, p50Ms: undefined, p95Ms: undefined };

  return {
    url: shown,
    conforming: !checks.some((c) => c.status === "fail"),
    checks,
    latency,
    checksums,
    sumdbProxied,
  };
}

async function checkZipAnswer(
  r: ProbeResponse,
  zipPath: string,
  opts: ProbeOptions,
): Promise<{ check: CheckResult; hash: string | undefined }> {
  if (r.kind === "failure")
    return { check: { id: "zip", status: "fail", detail: noAnswer(r) }, hash: undefined };
  if (r.status !== 200) {
    return { check: { id: "zip", status: "fail", detail: `HTTP ${r.status}` }, hash: undefined };
  }
  let hash: string;
  let problems: string[];
  try {
    hash = await hashZip(zipPath);
    problems = await checkZip(zipPath, opts.module, opts.version);
  } catch (e) {
    return {
      check: { id: "zip", status: "fail", detail: `not a valid zip: ${(e as Error).message}` },
      hash: undefined,
    };
  }
  if (problems.length > 0) {
    return {
      check: { id: "zip", status: "fail", detail: `breaks the module zip rules: ${problems[0]}` },
      hash,
    };
  }
  return {
    check: {
      id: "zip",
      status: "pass",
      detail: `${r.bytes} bytes, entries under ${opts.module}@${opts.version}/`,
    },
    hash,
  };
}

async function compareChecksums(input: {
  base: string;
  shown: string;
  opts: ProbeOptions;
  agents: ProbeAgents;
  sumdbProxied: boolean;
  zipHash: string | undefined;
  modHash: string | undefined;
}): Promise<ChecksumComparison> {
  const { opts } = input;
  const path = `/sumdb/${opts.sumdbName}/lookup/${escapeModulePath(opts.module)}@${escapeVersion(opts.version)}`;
  const result: ChecksumComparison = {
    status: "unverified",
    source: input.sumdbProxied
      ? `hash from the proxy's sumdb endpoint ${input.shown}${path} (signature not verified)`
      : "the proxy does not proxy the checksum database",
    zip: { got: input.zipHash, want: undefined },
    mod: { got: input.modHash, want: undefined },
  };
  if (!input.sumdbProxied) return result;
  const r = await probeGet(`${input.base}${path}`, {
    agents: input.agents,
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_TEXT_BYTES,
  });
  if (r.kind === "failure" || r.status !== 200) {
    const why = r.kind === "failure" ? noAnswer(r) : `HTTP ${r.status}`;
    return { ...result, status: "error", source: `the proxy's sumdb lookup failed: ${why}` };
  }
  const want = parseLookup(r.body.toString("utf8"), opts.module, opts.version);
  result.zip.want = want.zip;
  result.mod.want = want.mod;
  if (want.zip === undefined && want.mod === undefined) {
    return {
      ...result,
      status: "error",
      source: "the proxy's sumdb lookup has no go.sum lines for it",
    };
  }
  const pairs = [result.zip, result.mod].filter((p) => p.got !== undefined && p.want !== undefined);
  if (pairs.some((p) => p.got !== p.want)) return { ...result, status: "mismatch" };
  // Nothing downloaded to compare: the zip/mod checks already say why.
  if (pairs.length === 0) return { ...result, source: "nothing was downloaded to compare" };
  return { ...result, status: "verified" };
}

function checksumCheck(c: ChecksumComparison): CheckResult {
  const detail = `zip ${c.zip.got ?? "?"} vs ${c.zip.want ?? "?"}; go.mod ${c.mod.got ?? "?"} vs ${c.mod.want ?? "?"}`;
  switch (c.status) {
    case "verified":
      return { id: "checksum", status: "pass", detail: `zip and go.mod h1 match (${c.source})` };
    case "mismatch":
      return { id: "checksum", status: "fail", detail: `h1 mismatch: ${detail}` };
    case "error":
      return { id: "checksum", status: "fail", detail: c.source };
    default:
      return { id: "checksum", status: "skip", detail: `unverified: ${c.source}` };
  }
}

/** `requests` sequential warm GETs of .info; sampling stops at the first failed request. */
async function sampleLatency(
  url: string,
  opts: ProbeOptions,
  agents: ProbeAgents,
): Promise<LatencySummary> {
  const times: number[] = [];
  let samples = 0;
  for (let i = 0; i < opts.requests; i++) {
    samples++;
    const r = await probeGet(url, { agents, timeoutMs: opts.timeoutMs, maxBytes: MAX_TEXT_BYTES });
    if (r.kind !== "response" || r.status !== 200) break;
    times.push(r.ms);
  }
  return { samples, ok: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) };
}
