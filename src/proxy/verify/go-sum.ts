import { readFile } from "node:fs/promises";

/**
 * Trusted go.sum files: "<module> <version>[/go.mod] <hash>" per line. Keys are
 * "<module> <version>" for zips and "<module> <version>/go.mod" for go.mod files; a key may
 * carry several hashes (only "h1:" ones are compared, as the go command does today).
 */
export type GoSumTable = Map<string, string[]>;

export async function loadGoSums(paths: readonly string[]): Promise<GoSumTable> {
  const table: GoSumTable = new Map();
  for (const path of paths) {
    const text = await readFile(path, "utf8");
    text.split("\n").forEach((line, i) => {
      const fields = line.trim().split(/\s+/);
      if (fields.length === 1 && fields[0] === "") return;
      const [mod, ver, hash] = fields;
      if (fields.length !== 3 || mod === undefined || ver === undefined || hash === undefined) {
        throw new Error(`${path}:${i + 1}: malformed go.sum line: ${JSON.stringify(line)}`);
      }
      const key = `${mod} ${ver}`;
      const list = table.get(key) ?? [];
      if (!list.includes(hash)) list.push(hash);
      table.set(key, list);
    });
  }
  return table;
}

/** The h1 hashes recorded for a key, if any. */
export function h1Hashes(table: GoSumTable, key: string): string[] | undefined {
  const hashes = table.get(key)?.filter((h) => h.startsWith("h1:"));
  return hashes && hashes.length > 0 ? hashes : undefined;
}
