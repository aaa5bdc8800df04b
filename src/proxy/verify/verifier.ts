import { matchPrefixPatterns } from "../../gomod/glob.js";
import { GopaveError } from "../../util/errors.js";
import type { Verifier, VerifyResult } from "../types.js";
import { hashMod } from "./dirhash.js";
import { h1Hashes, loadGoSums, type GoSumTable } from "./go-sum.js";
import { parseGosumdb, type SumdbConfig } from "./gosumdb.js";
import { DEFAULT_TIMEOUT_MS } from "./http-get.js";
import { SumdbClient, SumdbError, type LookupResult } from "./sumdb-client.js";
import { scanOnThisThread, type ZipScanFn } from "./zip-pool.js";

export interface VerifierOptions {
  /** A GOSUMDB value: "name", "name+hash+key", either followed by " url", or "off". */
  sumdb?: string;
  /** Fetch lookups and tiles through this base instead of https://<name> (e.g. a proxy's /sumdb/<name>). */
  sumdbUrl?: string;
  /** go.sum files whose lines are trusted answers. */
  trustedSums?: string[];
  /** GOSUMDB, GONOSUMDB and GOPRIVATE are read from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** How zips are checked (default: unbounded, on this thread; the server bounds it). */
  scanZip?: ZipScanFn;
}

const NOT_LISTED = "not in the checksum database / go.sum";
const MAX_REASON_PROBLEMS = 5;

/**
 * Checks .mod bytes and zips the way the go command does before it trusts them: the h1 hash
 * must equal a trusted go.sum line, or else the checksum database's answer.
 *
 * - Which database: `sumdb`, else $GOSUMDB, else sum.golang.org — except that with
 *   `trustedSums` and neither set, no database is asked (go.sum-only mode, for tests and
 *   air-gapped setups) and a module missing from go.sum is refused.
 * - Where: an explicit URL inside the GOSUMDB value wins (as in the go command, where it
 *   bypasses proxies), then `sumdbUrl`, then https://<name>.
 * - Database answers are authenticated fully: the signed tree note (Ed25519, the configured
 *   key), the record's inclusion proof against that tree from tiles, and consistency between
 *   every tree head seen in this process. Verified lookups are cached in memory.
 * - "off" (or a module matching $GONOSUMDB, default $GOPRIVATE) skips the database; go.sum
 *   lines still apply, and zips are still checked against x/mod/zip's rules.
 */
export function createVerifier(opts: VerifierOptions = {}): Verifier {
  const env = opts.env ?? process.env;
  const scan = opts.scanZip ?? scanOnThisThread;
  const hasTrusted = (opts.trustedSums?.length ?? 0) > 0;
  const sumdbValue =
    opts.sumdb ?? nonEmpty(env.GOSUMDB) ?? (hasTrusted ? undefined : "sum.golang.org");
  let config: SumdbConfig | undefined;
  try {
    config = sumdbValue === undefined ? undefined : parseGosumdb(sumdbValue);
  } catch (err) {
    throw new GopaveError("USAGE", (err as Error).message);
  }
  const client =
    config && !config.off
      ? new SumdbClient(
          config.name,
          config.verifier,
          (config.url ?? opts.sumdbUrl ?? `https://${config.name}`).replace(/\/+$/, ""),
          opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        )
      : undefined;
  const noSumdb = nonEmpty(env.GONOSUMDB) ?? nonEmpty(env.GOPRIVATE) ?? "";
  const trusted: Promise<GoSumTable> | undefined = hasTrusted
    ? loadGoSums(opts.trustedSums ?? [])
    : undefined;
  // Surface a bad go.sum on first use, not as an unhandled rejection at startup.
  trusted?.catch(() => undefined);

  /** A check that no go.sum line settles skips the database (GOSUMDB=off, GONOSUMDB). */
  const skipsDatabase = (module: string) =>
    config?.off === true || matchPrefixPatterns(noSumdb, module);

  async function check(module: string, version: string, got: string): Promise<VerifyResult> {
    const what = describe(module, version);
    let table: GoSumTable | undefined;
    try {
      table = await trusted;
    } catch (err) {
      return {
        ok: false,
        reason: `${what}: cannot read trusted go.sum: ${(err as Error).message}`,
      };
    }
    const listed = table ? h1Hashes(table, `${module} ${version}`) : undefined;
    if (listed) {
      if (listed.includes(got)) return { ok: true, how: "go.sum" };
      return { ok: false, reason: mismatch(what, got, "go.sum", listed[0] ?? "") };
    }
    if (skipsDatabase(module)) return { ok: true, how: "skipped" };
    if (!client) return { ok: false, reason: `${what}: ${NOT_LISTED}` };
    return checkSumdb(client, module, version, got);
  }

  return {
    prepare(module, version, file) {
      const line = `${module} ${file === "mod" ? modVersion(version) : version}`;
      const lookup = async () => {
        const table = await trusted;
        if (table && h1Hashes(table, line)) return;
        if (!client || skipsDatabase(module)) return;
        await client.lookup(module, version);
      };
      // The verify call that follows reports any failure (and asks again after one).
      lookup().catch(() => undefined);
    },
    async verifyMod(module, version, data) {
      return check(module, modVersion(version), hashMod(data));
    },
    async verifyZip(module, version, zipPath) {
      let result: Awaited<ReturnType<ZipScanFn>>;
      try {
        result = await scan(zipPath, { module, version });
      } catch (err) {
        // The check itself failed (its worker died): nothing is known about the zip.
        const why = err instanceof Error ? err.message : String(err);
        return { ok: false, unavailable: true, reason: `${module}@${version} (zip): ${why}` };
      }
      if (result.hash === undefined) {
        const shown = result.problems.slice(0, MAX_REASON_PROBLEMS).join("; ");
        const more =
          result.problems.length > MAX_REASON_PROBLEMS
            ? ` (and ${result.problems.length - MAX_REASON_PROBLEMS} more)`
            : "";
        return {
          ok: false,
          reason: `invalid module zip for ${module}@${version}: ${shown}${more}`,
        };
      }
      return check(module, version, result.hash);
    },
  };
}

function mismatch(what: string, got: string, source: string, want: string): string {
  return `${what}: checksum mismatch: downloaded ${got}, ${source} has ${want}`;
}

/** The version field of a go.mod's go.sum line. */
function modVersion(version: string): string {
  return `${version}/go.mod`;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === "" ? undefined : s;
}

/** "example.com/m@v1.0.0 (go.mod)" or "… (zip)", for reasons. */
function describe(module: string, version: string): string {
  const base = version.replace(/\/go\.mod$/, "");
  return `${module}@${base} (${base === version ? "zip" : "go.mod"})`;
}

/** Compares `got` with the database's line for module + version (a version or "<v>/go.mod"). */
async function checkSumdb(
  client: SumdbClient,
  module: string,
  version: string,
  got: string,
): Promise<VerifyResult> {
  const what = describe(module, version);
  let answer: LookupResult;
  try {
    answer = await client.lookup(module, version.replace(/\/go\.mod$/, ""));
  } catch (err) {
    const why = (err as Error).message;
    const reason = `${what}: cannot verify against ${client.name}: ${why}`;
    // "Could not check" is not "tampered": the server answers 502 for it, not a refusal.
    if (err instanceof SumdbError && err.unavailable)
      return { ok: false, reason, unavailable: true };
    return { ok: false, reason };
  }
  if (!answer.found) {
    const said = answer.message ? `: ${answer.message}` : "";
    const reason = `${what}: ${NOT_LISTED} (${client.name} answered ${answer.status}${said})`;
    return { ok: false, reason };
  }
  const want = answer.lines
    .map((line) => line.split(" "))
    .filter(([p, v, h]) => p === module && v === version && h?.startsWith("h1:"))
    .map(([, , h]) => h ?? "");
  if (want.length === 0)
    return { ok: false, reason: `${what}: ${client.name} has no h1 line for it` };
  if (want.includes(got)) return { ok: true, how: "sumdb" };
  return { ok: false, reason: mismatch(what, got, client.name, want[0] ?? "") };
}
