import { escapeModulePath, escapeVersion } from "../../gomod/module-escape.js";
import { firstLine, getBytes, type HttpAnswer } from "./http-get.js";
import { openNote, type NoteVerifier } from "./note.js";
import { TileHashSource } from "./tile-reader.js";
import { parseRecord, parseTree } from "./tlog-format.js";
import { recordHash, type Tree } from "./tlog-hash.js";
import { ProofError, checkRecordInclusion, checkTreeConsistency } from "./tlog-proof.js";

/**
 * A checksum database client, like golang.org/x/mod/sumdb.Client without the disk cache: a
 * lookup is trusted only when its tree note is signed by the configured key, the record is
 * proven to be in that tree (an RFC 6962 audit path from tiles), and the tree is proven to
 * extend (or be extended by) every tree seen before in this process.
 */

export type LookupResult =
  { found: true; lines: string[] } | { found: false; status: number; message: string };

/**
 * A lookup that could not be trusted. `unavailable` separates "could not check" (network,
 * timeouts, 5xx, missing tiles) from evidence against the answer (signature, proofs).
 */
export class SumdbError extends Error {
  constructor(
    message: string,
    readonly unavailable = false,
  ) {
    super(message);
    this.name = "SumdbError";
  }
}

/** Statuses that mean "try again later" rather than an answer about the module. */
function isTransient(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export class SumdbClient {
  private readonly verified = new Map<string, Promise<LookupResult>>();
  private readonly tiles: TileHashSource;
  private latest: Tree | undefined;

  constructor(
    readonly name: string,
    private readonly verifier: NoteVerifier,
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {
    this.tiles = new TileHashSource(async (path) => {
      const res = await this.get(path);
      if (res.status === 404 || res.status === 410) return undefined;
      if (res.status !== 200) throw new SumdbError(`${path}: ${describeStatus(res)}`, true);
      return res.body;
    });
  }

  /** The go.sum lines for module@version (both the zip and the go.mod line), verified. */
  lookup(module: string, version: string): Promise<LookupResult> {
    const key = `${module}@${version}`;
    let p = this.verified.get(key);
    if (!p) {
      p = this.fetchAndVerify(module, version);
      this.verified.set(key, p);
      // Only verified answers stay cached; a not-found or a failure is asked again next time.
      p.then(
        (r) => {
          if (!r.found) this.verified.delete(key);
        },
        () => this.verified.delete(key),
      );
    }
    return p;
  }

  private async get(path: string): Promise<HttpAnswer> {
    try {
      return await getBytes(`${this.base}/${path}`, { timeoutMs: this.timeoutMs });
    } catch (err) {
      throw new SumdbError((err as Error).message, true);
    }
  }

  private async fetchAndVerify(module: string, version: string): Promise<LookupResult> {
    const res = await this.get(`lookup/${escapeModulePath(module)}@${escapeVersion(version)}`);
    if (isTransient(res.status)) {
      throw new SumdbError(`lookup ${module}@${version}: ${describeStatus(res)}`, true);
    }
    // 404/410 and the database's other refusals (e.g. 400 for hosts it will not serve).
    if (res.status !== 200) {
      return { found: false, status: res.status, message: firstLine(res.body) };
    }
    let record: ReturnType<typeof parseRecord>;
    let tree: Tree;
    try {
      record = parseRecord(res.body);
      tree = parseTree(openNote(record.rest, this.verifier));
    } catch (err) {
      throw new SumdbError(`lookup ${module}@${version}: ${(err as Error).message}`);
    }
    await this.mergeLatest(tree);
    if (record.id >= tree.n) {
      throw new SumdbError(`cannot validate record ${record.id} in tree of size ${tree.n}`);
    }
    await this.prove(`record ${record.id} for ${module}@${version} is not in the signed tree`, () =>
      checkRecordInclusion(record.id, recordHash(record.text), tree, this.tiles.reader(tree.n)),
    );
    const lines = record.text
      .toString("utf8")
      .split("\n")
      .filter((l) => l !== "");
    return { found: true, lines };
  }

  /** Keeps one consistent timeline of tree heads, as the go command's client does. */
  private async mergeLatest(tree: Tree): Promise<void> {
    for (;;) {
      const latest = this.latest;
      if (!latest) {
        this.latest = tree;
        return;
      }
      const [older, newer] = tree.n <= latest.n ? [tree, latest] : [latest, tree];
      await this.prove(
        `SECURITY ERROR: checksum database ${this.name} served inconsistent trees (size ${older.n} is not a prefix of size ${newer.n})`,
        () => checkTreeConsistency(older, newer, this.tiles.reader(newer.n)),
      );
      if (this.latest !== latest) continue;
      if (tree.n > latest.n) this.latest = tree;
      return;
    }
  }

  private async prove(what: string, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (err) {
      // A bad or truncated tile must not keep failing later proofs.
      this.tiles.clear();
      if (err instanceof ProofError) throw new SumdbError(what);
      throw new SumdbError(`checking ${this.name} tiles: ${(err as Error).message}`, true);
    }
  }
}

function describeStatus(res: HttpAnswer): string {
  const line = firstLine(res.body);
  return `status ${res.status}${line ? `: ${line}` : ""}`;
}
