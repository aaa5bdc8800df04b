import { shellCommands } from "../../check/model/shell-words.js";

/**
 * The linker flags of a repo's own build that its images should keep: `-X` settings with literal
 * values, `-extldflags`, and the like. `-s` and `-w` are gopave's own choice; a `-X` whose value
 * comes from a template or a variable gopave cannot resolve (`{{.Version}}`, `$(VERSION)`, `${X}`)
 * would stamp that text into the binary, so it is left out.
 */
export function keptLdflags(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const words = shellCommands(value.replace(/\{\{[^}]*\}\}/g, "\u0000")).flat();
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "-s" || w === "-w") continue;
    if (w === "-X") {
      const v = words[++i];
      if (v !== undefined && resolved(v)) kept.push(w, v);
      continue;
    }
    if (w.startsWith("-X=")) {
      if (resolved(w.slice(3))) kept.push(w);
      continue;
    }
    if (!resolved(w)) continue;
    kept.push(w);
  }
  const quoted = kept.map(quoteWord);
  if (quoted.some((w) => w === undefined)) return undefined;
  return quoted.length > 0 ? quoted.join(" ") : undefined;
}

function resolved(word: string): boolean {
  return !word.includes("\u0000") && !/\$[({A-Za-z_]/.test(word);
}

/**
 * A word as the go command splits -ldflags (cmd/internal/quoted): double quotes keep spaces
 * together. The spec allows no ', $, ` or \, so a word that needs them cannot be kept.
 */
function quoteWord(w: string): string | undefined {
  if (/^[A-Za-z0-9_./=:,+@%-]+$/.test(w)) return w;
  if (/['"$`\\\n\r]/.test(w)) return undefined;
  return `"${w}"`;
}
