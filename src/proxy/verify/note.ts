import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { hasControlChars } from "./tlog-format.js";

/**
 * Signed notes (golang.org/x/mod/sumdb/note): text ending in "\n", a blank line, then lines
 * "— <name> <base64(4-byte key hash || signature)>". Verifier keys are
 * "<name>+<8 hex digits key hash>+<base64(0x01 || 32-byte Ed25519 public key)>", where the key
 * hash is the first 4 bytes (big-endian) of SHA-256(name + "\n" + 0x01 || public key).
 */

const ALG_ED25519 = 1;
const SIG_PREFIX = "— ";

export interface NoteVerifier {
  name: string;
  keyHash: number;
  publicKey: KeyObject;
  /** The key as written, for messages. */
  text: string;
}

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoteError";
  }
}

/** Names are non-empty, without whitespace or "+". */
function isValidName(name: string): boolean {
  return name !== "" && !/[\s+]/u.test(name);
}

export function keyHash(name: string, key: Buffer): number {
  return createHash("sha256").update(name).update("\n").update(key).digest().readUInt32BE(0);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Node's base64 decoder skips junk; Go's StdEncoding rejects it, and so do we. */
function decodeBase64(s: string): Buffer | undefined {
  return STRICT_BASE64.test(s) ? Buffer.from(s, "base64") : undefined;
}

/** Parses a verifier key "name+hash+keydata"; throws NoteError when malformed. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name = "", hash16 = "", key64 = "", ...extra] = vkey.split("+");
  // "+" is legal in base64, so the key data may itself have been split.
  const keyText = [key64, ...extra].join("+");
  const key = decodeBase64(keyText);
  if (!/^[0-9a-fA-F]{8}$/.test(hash16) || !key || key.length === 0 || !isValidName(name)) {
    throw new NoteError(`malformed verifier key "${vkey}"`);
  }
  const hash = parseInt(hash16, 16);
  if (hash !== keyHash(name, key)) throw new NoteError(`invalid verifier hash in "${vkey}"`);
  if (key[0] !== ALG_ED25519) throw new NoteError(`unknown verifier algorithm in "${vkey}"`);
  const raw = key.subarray(1);
  if (raw.length !== 32) throw new NoteError(`malformed verifier key "${vkey}"`);
  const publicKey = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
    format: "jwk",
  });
  return { name, keyHash: hash, publicKey, text: vkey };
}

/** Formats a verifier key from a name and a raw 32-byte Ed25519 public key. */
export function formatVerifierKey(name: string, rawPublicKey: Buffer): string {
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), rawPublicKey]);
  return `${name}+${keyHash(name, key).toString(16).padStart(8, "0")}+${key.toString("base64")}`;
}

/**
 * Checks the note's signature by `verifier` and returns the signed text. Signatures by other
 * keys are ignored (as note.Open records them as unverified); a bad signature by our key, or
 * no signature by it, is an error.
 */
export function openNote(msg: Buffer, verifier: NoteVerifier): string {
  const text = msg.toString("utf8");
  // Valid UTF-8 only, and no control characters but newline.
  if (!Buffer.from(text, "utf8").equals(msg) || hasControlChars(text)) {
    throw new NoteError("malformed note");
  }
  const split = text.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("malformed note");
  const body = text.slice(0, split + 1);
  const sigs = text.slice(split + 2);
  if (sigs === "" || !sigs.endsWith("\n")) throw new NoteError("malformed note");
  const lines = sigs.slice(0, -1).split("\n");
  if (lines.length > 100) throw new NoteError("malformed note");
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError("malformed note");
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const b64 = space < 0 ? "" : rest.slice(space + 1);
    const sig = decodeBase64(b64);
    if (!sig || !isValidName(name) || b64 === "" || sig.length < 5) {
      throw new NoteError("malformed note");
    }
    if (name !== verifier.name || sig.readUInt32BE(0) !== verifier.keyHash) continue;
    if (!verify(null, Buffer.from(body, "utf8"), verifier.publicKey, sig.subarray(4))) {
      throw new NoteError(`invalid signature for key ${verifier.name}+${hex8(verifier.keyHash)}`);
    }
    verified = true;
  }
  if (!verified) {
    throw new NoteError(
      `note has no verifiable signatures (want key ${verifier.name}+${hex8(verifier.keyHash)})`,
    );
  }
  return body;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
