/**
 * The go.sum lines in a checksum-database /lookup answer: a record number, then
 * "<module> <version> h1:…" and "<module> <version>/go.mod h1:…", a blank line, the signed tree
 * note. The probe compares hashes only; it does not check the note's signature or the inclusion
 * proof, so the expected hashes are exactly as trustworthy as the proxy serving them.
 */
export interface LookupHashes {
  zip: string | undefined;
  mod: string | undefined;
}

export function parseLookup(body: string, module: string, version: string): LookupHashes {
  const out: LookupHashes = { zip: undefined, mod: undefined };
  for (const line of body.split("\n")) {
    if (line.trim() === "") break;
    const [path, ver, hash, extra] = line.trim().split(/\s+/);
    if (extra !== undefined || path !== module || !hash?.startsWith("h1:")) continue;
    if (ver === version) out.zip = hash;
    else if (ver === `${version}/go.mod`) out.mod = hash;
  }
  return out;
}
