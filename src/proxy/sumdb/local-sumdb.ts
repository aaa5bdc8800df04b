import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { unescapeModulePath, unescapeVersion } from "../../gomod/module-escape.js";
import { formatVerifierKey, keyHash } from "../verify/note.js";
import { formatRecord, formatTree } from "../verify/tlog-format.js";
import {
  HASH_SIZE,
  recordHash,
  shr,
  storedHashIndex,
  storedHashesForRecord,
  treeHash,
  type HashReader,
} from "../verify/tlog-hash.js";
import { parseTilePath } from "../verify/tlog-tile.js";

export interface SumdbAnswer {
  status: number;
  body: Buffer;
}

/**
 * A small, real checksum database: an append-only transparency log with a signed tree head,
 * /lookup, /latest and /tile answers in sum.golang.org's formats. It exists so that tests and
 * air-gapped demos can exercise full verification (signatures and proofs) without the public
 * database. State lives in memory.
 */
export class LocalSumdb {
  readonly verifierKey: string;
  private readonly privateKey: KeyObject;
  private readonly keyHash: number;
  private readonly hashes: Buffer[] = [];
  private readonly records: Buffer[] = [];
  private readonly ids = new Map<string, number>();

  /** A new database with a fresh Ed25519 key, or with `privateKey` (to build a fork). */
  constructor(
    readonly name = "sumdb.test",
    privateKey: KeyObject = generateKeyPairSync("ed25519").privateKey,
  ) {
    const publicKey = createPublicKey(privateKey);
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
    this.privateKey = privateKey;
    this.verifierKey = formatVerifierKey(name, raw);
    this.keyHash = keyHash(name, Buffer.concat([Buffer.from([1]), raw]));
  }

  get size(): number {
    return this.records.length;
  }

  private readonly read: HashReader = async (indexes) =>
    indexes.map((i) => {
      const h = this.hashes[i];
      if (!h) throw new Error(`local sumdb: no stored hash ${i}`);
      return h;
    });

  /**
   * Appends the go.sum lines for module@version (zip and go.mod hashes); returns the record id.
   * Without a zip hash the record has the go.mod line alone (a version known only by its go.mod).
   */
  async add(
    module: string,
    version: string,
    zipHash: string | undefined,
    modHash: string,
  ): Promise<number> {
    const zipLine = zipHash === undefined ? "" : `${module} ${version} ${zipHash}\n`;
    const text = `${zipLine}${module} ${version}/go.mod ${modHash}\n`;
    const id = await this.addRecord(Buffer.from(text));
    this.ids.set(`${module}@${version}`, id);
    return id;
  }

  /**
   * A database signed with the same key that shares only the first `keep` records: serving it
   * after this one is the split view a transparency log exists to expose.
   */
  async fork(keep: number): Promise<LocalSumdb> {
    const other = new LocalSumdb(this.name, this.privateKey);
    for (const text of this.records.slice(0, keep)) await other.addRecord(text);
    for (const [key, id] of this.ids) if (id < keep) other.ids.set(key, id);
    return other;
  }

  /** Appends raw record text (lines ending in "\n"). */
  async addRecord(text: Buffer): Promise<number> {
    const id = this.records.length;
    const stored = await storedHashesForRecord(id, recordHash(text), this.read);
    if (this.hashes.length !== storedHashIndex(0, id))
      throw new Error("local sumdb: bad index math");
    this.hashes.push(...stored);
    this.records.push(text);
    return id;
  }

  /** The signed tree head ("go.sum database tree" note) for the current log. */
  async signedTree(): Promise<Buffer> {
    const n = this.records.length;
    const text = formatTree({ n, hash: await treeHash(n, this.read) });
    const head = Buffer.alloc(4);
    head.writeUInt32BE(this.keyHash, 0);
    const sig = Buffer.concat([head, sign(null, Buffer.from(text), this.privateKey)]);
    return Buffer.from(`${text}\n— ${this.name} ${sig.toString("base64")}\n`);
  }

  /** Answers a database-relative path: "latest", "lookup/<mod>@<ver>" or "tile/…". */
  async handle(rest: string): Promise<SumdbAnswer> {
    const notFound = (why: string): SumdbAnswer => ({
      status: 404,
      body: Buffer.from(`not found: ${why}\n`),
    });
    if (rest === "latest") return { status: 200, body: await this.signedTree() };
    if (rest.startsWith("lookup/")) {
      const spec = rest.slice("lookup/".length);
      const at = spec.lastIndexOf("@");
      let key: string;
      try {
        key = `${unescapeModulePath(spec.slice(0, at))}@${unescapeVersion(spec.slice(at + 1))}`;
      } catch {
        return { status: 400, body: Buffer.from("bad lookup\n") };
      }
      const id = this.ids.get(key);
      const text = id === undefined ? undefined : this.records[id];
      if (id === undefined || !text) return notFound(key);
      return {
        status: 200,
        body: Buffer.concat([formatRecord(id, text), await this.signedTree()]),
      };
    }
    const tile = parseTilePath(rest);
    if (!tile || (tile.l > 0 && tile.h * tile.l >= 52)) return notFound(rest);
    const start = tile.n * 2 ** tile.h;
    if (tile.l === -1) {
      if (start + tile.w > this.records.length) return notFound(rest);
      const body = this.records
        .slice(start, start + tile.w)
        .map((r) => Buffer.concat([r, Buffer.from("\n")]));
      return { status: 200, body: Buffer.concat(body) };
    }
    const level = tile.l * tile.h;
    if (start + tile.w > shr(this.records.length, level)) return notFound(rest);
    const indexes = Array.from({ length: tile.w }, (_, i) => storedHashIndex(level, start + i));
    const body = Buffer.concat(await this.read(indexes));
    if (body.length !== tile.w * HASH_SIZE) throw new Error("local sumdb: bad tile math");
    return { status: 200, body };
  }

  /**
   * Serves the database over HTTP on 127.0.0.1; `tamper` may rewrite answers (for tests of
   * refusals). Paths are relative to the returned URL.
   */
  async listen(
    tamper?: (rest: string, answer: SumdbAnswer) => SumdbAnswer | Promise<SumdbAnswer>,
  ): Promise<{ url: string; server: Server; requests: string[]; close: () => Promise<void> }> {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      const rest = (req.url ?? "/").replace(/^\/+/, "");
      requests.push(rest);
      void (async () => {
        let answer = await this.handle(rest);
        if (tamper) answer = await tamper(rest, answer);
        res.writeHead(answer.status, {
          "Content-Type": rest.startsWith("tile/")
            ? "application/octet-stream"
            : "text/plain; charset=utf-8",
        });
        res.end(answer.body);
      })().catch((err: unknown) => {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      server,
      requests,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
}
