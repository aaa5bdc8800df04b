import { HASH_SIZE, type Tree } from "./tlog-hash.js";

/**
 * The checksum database's text formats (golang.org/x/mod/sumdb/tlog note.go): the signed tree
 * head "go.sum database tree\n<N>\n<base64 hash>\n" and lookup records "<id>\n<text>\n".
 */

const TREE_PREFIX = "go.sum database tree\n";

export function formatTree(tree: Tree): string {
  return `${TREE_PREFIX}${tree.n}\n${tree.hash.toString("base64")}\n`;
}

/** Parses a tree head; extra lines after the hash are ignored for forward compatibility. */
export function parseTree(text: string): Tree {
  const lines = text.split("\n");
  if (!text.startsWith(TREE_PREFIX) || lines.length < 4 || text.length > 1e6) {
    throw new Error("malformed tree note");
  }
  const nText = lines[1] ?? "";
  const n = Number(nText);
  if (!/^(0|[1-9]\d*)$/.test(nText) || !Number.isSafeInteger(n)) {
    throw new Error("malformed tree note");
  }
  const hashText = lines[2] ?? "";
  const hash = Buffer.from(hashText, "base64");
  if (hash.length !== HASH_SIZE || hash.toString("base64") !== hashText) {
    throw new Error("malformed tree note");
  }
  return { n, hash };
}

/** Whether `s` has an ASCII control character other than newline (notes and records forbid them). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

/** Record text: UTF-8, no control characters but "\n", ends in "\n", no blank lines. */
function isValidRecordText(text: Buffer): boolean {
  const s = text.toString("utf8");
  return (
    Buffer.from(s, "utf8").equals(text) &&
    s.endsWith("\n") &&
    !s.includes("\n\n") &&
    !hasControlChars(s)
  );
}

/** Splits a lookup answer into record id, record text (hashed as-is) and the signed note. */
export function parseRecord(msg: Buffer): { id: number; text: Buffer; rest: Buffer } {
  const nl = msg.indexOf(0x0a);
  const idText = nl < 0 ? "" : msg.subarray(0, nl).toString("latin1");
  const id = Number(idText);
  if (!/^\d{1,16}$/.test(idText) || !Number.isSafeInteger(id)) {
    throw new Error("malformed record data");
  }
  const body = msg.subarray(nl + 1);
  const end = body.indexOf("\n\n");
  if (end < 0) throw new Error("malformed record data");
  const text = body.subarray(0, end + 1);
  if (!isValidRecordText(text)) throw new Error("malformed record data");
  return { id, text, rest: body.subarray(end + 2) };
}

export function formatRecord(id: number, text: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}\n`), text, Buffer.from("\n")]);
}
