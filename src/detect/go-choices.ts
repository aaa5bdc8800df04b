import { splitWords } from "./go-structs.js";
import { closing, splitTop } from "./go-tokens.js";
import type { GoToken } from "./go-tokens.js";

/** One arm of a switch (its case labels) or one entry of a string-keyed map literal. */
export interface ChoiceArm {
  /** String labels: the case values or the map key. */
  labels: string[];
  /** Import paths the arm's code refers to (`pkg.Name`). */
  refs: string[];
}

export interface RawChoice {
  /** A map's keys name backends only for entries that refer to code (not enum name tables). */
  kind: "switch" | "map";
  /** The last identifier of a switch's tag (`switch cfg.Backend` -> "Backend"). */
  subject: string | undefined;
  where: string;
  arms: ChoiceArm[];
}

/** Switch statements and string-keyed map literals whose arms refer to imported packages or name backends. */
export function choices(
  tokens: readonly GoToken[],
  imports: Map<string, string>,
  where: (l: number) => string,
): RawChoice[] {
  const out: RawChoice[] = [];
  const refsOf = (toks: readonly GoToken[]) => {
    const refs = new Set<string>();
    for (let k = 0; k < toks.length - 1; k++) {
      const t = toks[k] as GoToken;
      const path =
        t.kind === "ident" && toks[k + 1]?.text === "." ? imports.get(t.text) : undefined;
      if (path) refs.add(path);
    }
    return [...refs];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as GoToken;
    if (t.kind === "ident" && t.text === "switch") {
      let open = i + 1;
      while (open < tokens.length && tokens[open]?.text !== "{") {
        const x = tokens[open] as GoToken;
        open = x.text === "(" || x.text === "[" ? closing(tokens, open) + 1 : open + 1;
      }
      const end = closing(tokens, open);
      const subject = tokens
        .slice(i + 1, open)
        .filter((x) => x.kind === "ident")
        .at(-1)?.text;
      const arms: ChoiceArm[] = [];
      let cur: { labels: string[]; body: GoToken[] } | undefined;
      let depth = 0;
      for (let k = open + 1; k < end; k++) {
        const x = tokens[k] as GoToken;
        if (x.kind === "op" && (x.text === "{" || x.text === "(" || x.text === "[")) depth++;
        if (x.kind === "op" && (x.text === "}" || x.text === ")" || x.text === "]")) depth--;
        if (depth === 0 && x.kind === "ident" && (x.text === "case" || x.text === "default")) {
          if (cur) arms.push({ labels: cur.labels, refs: refsOf(cur.body) });
          cur = { labels: [], body: [] };
          if (x.text === "case") {
            let c = k + 1;
            while (c < end && !(tokens[c]?.text === ":" && tokens[c]?.kind === "op")) {
              const lt = tokens[c] as GoToken;
              if (lt.kind === "string") cur.labels.push(lt.text);
              else {
                // A constant naming a backend: backend.S3, AttachmentStorageType_LOCAL.
                // The case values are the condition, not the chosen code: not refs.
                if (lt.kind === "ident" && !imports.has(lt.text)) {
                  const last = lt.text.split("_").at(-1) ?? lt.text;
                  cur.labels.push(...new Set([lt.text, last, splitWords(last).at(-1) ?? last]));
                }
              }
              c++;
            }
            k = c;
          }
          continue;
        }
        cur?.body.push(x);
      }
      if (cur) arms.push({ labels: cur.labels, refs: refsOf(cur.body) });
      if (arms.length >= 2) out.push({ kind: "switch", subject, where: where(t.line), arms });
    } else if (
      t.kind === "ident" &&
      t.text === "map" &&
      tokens[i + 1]?.text === "[" &&
      tokens[i + 2]?.text === "string" &&
      tokens[i + 3]?.text === "]"
    ) {
      // The element type may hold brackets (func() T {...} is not a literal): find the literal's "{".
      let open = i + 4;
      while (open < tokens.length && !["{", ";", ")", ","].includes(tokens[open]?.text ?? ";")) {
        const x = tokens[open] as GoToken;
        open = x.text === "(" || x.text === "[" ? closing(tokens, open) + 1 : open + 1;
      }
      if (tokens[open]?.text !== "{") continue;
      const end = closing(tokens, open);
      const arms: ChoiceArm[] = [];
      for (const entry of splitTop(tokens, open + 1, end, ",")) {
        const body = entry.filter((x) => x.text !== ";");
        if (body[0]?.kind === "string" && body[1]?.text === ":") {
          arms.push({ labels: [body[0].text], refs: refsOf(body.slice(2)) });
        }
      }
      if (arms.length >= 2)
        out.push({ kind: "map", subject: undefined, where: where(t.line), arms });
      i = end;
    }
  }
  return out;
}
