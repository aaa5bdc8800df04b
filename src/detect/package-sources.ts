import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { goodOSArchFile, matchTag } from "./build-context.js";
import { headerAllows, parseGoFileHeader } from "./go-file-header.js";

export interface GoSource {
  /** File name within the package directory. */
  name: string;
  text: string;
}

/**
 * The non-test Go files of a package directory that build in the list context, as the import
 * graph reads them (so what is scanned for settings is what the graph says the app imports).
 */
export function packageSources(absDir: string): GoSource[] {
  let names: string[];
  try {
    names = readdirSync(absDir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  } catch {
    return [];
  }
  const out: GoSource[] = [];
  for (const name of names.sort()) {
    if (name.startsWith("_") || name.startsWith(".") || !goodOSArchFile(name)) continue;
    let text: string;
    try {
      text = readFileSync(join(absDir, name), "utf8");
    } catch {
      continue;
    }
    if (!headerAllows(parseGoFileHeader(text), (t) => matchTag(t, undefined))) continue;
    out.push({ name, text });
  }
  return out;
}
