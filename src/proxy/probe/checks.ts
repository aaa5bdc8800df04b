import { canonicalVersion } from "../../gomod/module-escape.js";
import { EXPECTED_TYPES, gradeContentType } from "./content-type.js";
import { mediaType } from "./probe-http.js";
import type { ProbeResponse } from "./probe-http.js";
import type { CheckResult, CheckStatus } from "./types.js";

/**
 * The conformance verdict on each answer, per go.dev/ref/mod#goproxy-protocol. Pure functions of
 * the responses, so the rules can be read (and tested) without a network.
 */
type Response = Extract<ProbeResponse, { kind: "response" }>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** x/mod/module's pseudoVersionRE. */
const PSEUDO =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function noAnswer(r: Extract<ProbeResponse, { kind: "failure" }>): string {
  return r.reason === "timeout" ? r.error : `request failed: ${r.error}`;
}

function statusText(r: Response): string {
  const body = r.body.toString("utf8").split("\n")[0]?.trim().slice(0, 120);
  return `HTTP ${r.status}${body ? ` (${body})` : ""}`;
}

export function checkList(r: ProbeResponse, version: string): CheckResult {
  if (r.kind === "failure") return { id: "list", status: "fail", detail: noAnswer(r) };
  if (r.status !== 200) return { id: "list", status: "fail", detail: statusText(r) };
  const lines = r.body
    .toString("utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const versions = lines.map((l) => l.split(/\s+/)[0] ?? "");
  const bad = versions.find((v) => canonicalVersion(v) === undefined);
  if (bad !== undefined) {
    return { id: "list", status: "fail", detail: `not a version list: "${bad.slice(0, 60)}"` };
  }
  const pseudo = versions.filter((v) => PSEUDO.test(v));
  if (pseudo.length > 0) {
    return {
      id: "list",
      status: "warn",
      detail: `lists pseudo-versions (${pseudo[0]}); it should not`,
    };
  }
  if (!versions.includes(version)) {
    return {
      id: "list",
      status: "warn",
      detail: `${versions.length} versions, but not ${version}`,
    };
  }
  return { id: "list", status: "pass", detail: `${versions.length} versions` };
}

export function checkInfo(r: ProbeResponse, version: string): CheckResult {
  if (r.kind === "failure") return { id: "info", status: "fail", detail: noAnswer(r) };
  if (r.status !== 200) return { id: "info", status: "fail", detail: statusText(r) };
  const parsed = parseInfo(r.body);
  if (!parsed) return { id: "info", status: "fail", detail: "not a JSON object with a Version" };
  if (parsed.Version !== version) {
    // The go command's own words for this (modfetch/proxy.go).
    return {
      id: "info",
      status: "fail",
      detail: `returned info for version ${parsed.Version} instead of requested version ${version}`,
    };
  }
  if (parsed.Time === undefined) {
    return { id: "info", status: "warn", detail: "no Time (optional, but clients use it)" };
  }
  if (!RFC3339.test(parsed.Time) || Number.isNaN(Date.parse(parsed.Time))) {
    return {
      id: "info",
      status: "fail",
      detail: `Time ${JSON.stringify(parsed.Time)} is not RFC 3339`,
    };
  }
  return { id: "info", status: "pass", detail: `Version ${parsed.Version}, Time ${parsed.Time}` };
}

export function parseInfo(body: Buffer): { Version: string; Time: string | undefined } | undefined {
  try {
    const j = JSON.parse(body.toString("utf8")) as { Version?: unknown; Time?: unknown };
    if (typeof j.Version !== "string") return undefined;
    return { Version: j.Version, Time: typeof j.Time === "string" ? j.Time : undefined };
  } catch {
    return undefined;
  }
}

export function checkMod(r: ProbeResponse, module: string): CheckResult {
  if (r.kind === "failure") return { id: "mod", status: "fail", detail: noAnswer(r) };
  if (r.status !== 200) return { id: "mod", status: "fail", detail: statusText(r) };
  const text = r.body.toString("utf8");
  const declared = /^\s*module\s+"?([^\s"/]+[^\s"]*)"?/m.exec(text)?.[1];
  if (declared === undefined) return { id: "mod", status: "fail", detail: "no module directive" };
  if (declared !== module) {
    return { id: "mod", status: "fail", detail: `declares module ${declared}, not ${module}` };
  }
  return { id: "mod", status: "pass", detail: `${r.bytes} bytes` };
}

export function checkLatest(r: ProbeResponse): CheckResult {
  if (r.kind === "failure") return { id: "latest", status: "fail", detail: noAnswer(r) };
  if (r.status === 404 || r.status === 410) {
    return {
      id: "latest",
      status: "pass",
      detail: `${r.status}: not served (optional; go uses the list)`,
    };
  }
  if (r.status !== 200) return { id: "latest", status: "fail", detail: statusText(r) };
  const parsed = parseInfo(r.body);
  if (!parsed || canonicalVersion(parsed.Version) === undefined) {
    return { id: "latest", status: "fail", detail: "not a JSON object with a semantic Version" };
  }
  return { id: "latest", status: "pass", detail: parsed.Version };
}

export function checkNotFound(r: ProbeResponse): CheckResult {
  if (r.kind === "failure") return { id: "not-found", status: "fail", detail: noAnswer(r) };
  if (r.status === 404 || r.status === 410) {
    return {
      id: "not-found",
      status: "pass",
      detail: `${r.status} for a module that does not exist`,
    };
  }
  return {
    id: "not-found",
    status: "fail",
    detail: `${statusText(r)} for a module that does not exist; only 404/410 let a GOPROXY list fall through`,
  };
}

export function checkInvalidPath(r: ProbeResponse): CheckResult {
  if (r.kind === "failure") return { id: "invalid-path", status: "warn", detail: noAnswer(r) };
  if (r.status >= 400 && r.status < 500) {
    return {
      id: "invalid-path",
      status: "pass",
      detail: `${r.status} for a malformed escaped path`,
    };
  }
  return {
    id: "invalid-path",
    status: "warn",
    detail: `${statusText(r)} for a malformed escaped path (expected 4xx: path validation)`,
  };
}

/** A case-encoded path ("!burnt!sushi") must reach the same module as the real one. */
export function checkCaseEncoding(module: string, info: ProbeResponse): CheckResult {
  if (!/[A-Z]/.test(module)) {
    return { id: "case-encoding", status: "skip", detail: `${module} has no upper-case letters` };
  }
  if (info.kind === "failure")
    return { id: "case-encoding", status: "fail", detail: noAnswer(info) };
  if (info.status === 200) {
    return { id: "case-encoding", status: "pass", detail: "the case-encoded path answered 200" };
  }
  return {
    id: "case-encoding",
    status: "fail",
    detail: `the case-encoded path answered ${statusText(info)}`,
  };
}

/** 200 = the go command sends checksum lookups here; 404/410 = it goes to the database itself. */
export function checkSumdb(r: ProbeResponse, name: string): CheckResult {
  if (r.kind === "failure") return { id: "sumdb", status: "fail", detail: noAnswer(r) };
  if (r.status === 200) return { id: "sumdb", status: "pass", detail: `proxies ${name}` };
  if (r.status === 404 || r.status === 410) {
    return {
      id: "sumdb",
      status: "warn",
      detail: `does not proxy ${name}; go will contact it directly`,
    };
  }
  return {
    id: "sumdb",
    status: "fail",
    detail: `${statusText(r)} on /sumdb/${name}/supported: go stops instead of falling back`,
  };
}

export function checkTls(url: string, answers: readonly ProbeResponse[]): CheckResult {
  const tlsFailure = answers.find((a) => a.kind === "failure" && a.reason === "tls");
  if (tlsFailure?.kind === "failure") {
    return {
      id: "tls",
      status: "fail",
      detail: `certificate verification failed: ${tlsFailure.error}`,
    };
  }
  if (!url.startsWith("https:")) {
    const host = new URL(url).hostname;
    const local = host === "localhost" || host === "[::1]" || host.startsWith("127.");
    return local
      ? { id: "tls", status: "skip", detail: "plain http on loopback" }
      : { id: "tls", status: "warn", detail: "plain http: lists and .info are not authenticated" };
  }
  const answered = answers.find((a) => a.kind === "response");
  if (answered?.kind !== "response" || !answered.tls) {
    return { id: "tls", status: "skip", detail: "no answer to check" };
  }
  return {
    id: "tls",
    status: answered.tls.authorized ? "pass" : "fail",
    detail: `${answered.tls.protocol ?? "TLS"}, certificate ${answered.tls.authorized ? "verified" : "not verified"}`,
  };
}

/** Worst status wins: one failure fails the check. */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  for (const s of ["fail", "warn", "pass"] as const) if (statuses.includes(s)) return s;
  return "skip";
}

export interface TypedAnswer {
  endpoint: keyof typeof EXPECTED_TYPES | "not-found";
  response: ProbeResponse;
}

/** Content-Type of every successful answer, and text/plain on the not-found body go prints. */
export function checkContentTypes(answers: readonly TypedAnswer[]): CheckResult {
  const problems: string[] = [];
  const statuses: CheckStatus[] = [];
  for (const { endpoint, response: r } of answers) {
    if (r.kind !== "response") continue;
    const actual = mediaType(r.headers);
    if (endpoint === "not-found") {
      if (r.status !== 404 && r.status !== 410) continue;
      // The go command shows an error body only when it is text/plain.
      const ok = actual === "text/plain";
      statuses.push(ok ? "pass" : "warn");
      if (!ok) problems.push(`not-found body ${actual ?? "unlabelled"} (go shows only text/plain)`);
      continue;
    }
    if (r.status !== 200) continue;
    const expected = EXPECTED_TYPES[endpoint];
    const grade = gradeContentType(expected, actual);
    statuses.push(grade);
    if (grade !== "pass") problems.push(`${endpoint} ${actual ?? "unlabelled"} (want ${expected})`);
  }
  const status = worst(statuses);
  if (status === "skip") return { id: "content-type", status, detail: "no successful answers" };
  return {
    id: "content-type",
    status,
    detail: problems.length > 0 ? problems.join("; ") : "as expected",
  };
}
