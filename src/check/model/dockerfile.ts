import { DockerfileParser } from "dockerfile-ast";
import type { DockerfileModel, DockerignoreModel } from "../types.js";
import { textFile } from "./text-file.js";

/**
 * dockerfile-ast is error-tolerant, as BuildKit's own parser is: a Dockerfile never fails to read.
 * BuildKit splits lines on LF only (a CR before it is dropped); dockerfile-ast also breaks lines at
 * a lone CR, which would put every later instruction on a line the file does not have. A lone CR
 * is mid-line text to BuildKit, so the parser sees a space there instead.
 */
export function readDockerfile(path: string, text: string): DockerfileModel {
  const base = textFile(path, text);
  return { ...base, ast: DockerfileParser.parse(base.text.replace(/\r(?!\n)/g, " ")) };
}

/**
 * Docker trims each line, treats `#` lines as comments and a leading `!` as an exception; the
 * pattern is kept otherwise as written so rules can quote it.
 */
export function readDockerignore(path: string, text: string): DockerignoreModel {
  const base = textFile(path, text);
  const patterns: DockerignoreModel["patterns"] = [];
  base.lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const negated = line.startsWith("!");
    const pattern = negated ? line.slice(1).trim() : line;
    if (pattern !== "") patterns.push({ pattern, line: i + 1, negated });
  });
  return { ...base, patterns };
}
