/**
 * Just enough HCL to write a Terraform module that `terraform fmt -check` accepts as is: blocks,
 * attributes with their "=" aligned the way fmt aligns them, and quoted strings.
 */

/** A line of a block body. Attribute values are HCL expressions, already written out. */
export type HclItem =
  | { attr: string; value: string }
  | { block: string; labels?: string[]; body: HclItem[] }
  | { comment: string }
  | { blank: true };

export const attr = (name: string, value: string): HclItem => ({ attr: name, value });
export const block = (name: string, labels: string[], body: HclItem[]): HclItem => ({
  block: name,
  labels,
  body,
});
export const blank: HclItem = { blank: true };
export const comment = (text: string): HclItem => ({ comment: text });

/** A string literal. `${` and `%{` are escaped: the text is taken as is, never as a template. */
export function str(s: string): string {
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
  return `"${body}"`;
}

export function list(items: string[]): string {
  return `[${items.join(", ")}]`;
}

/** An object expression over several lines, its keys aligned. */
export function object(entries: [string, string][], indent: string): string {
  if (entries.length === 0) return "{}";
  const width = Math.max(...entries.map(([k]) => k.length));
  const inner = entries.map(([k, v]) => `${indent}  ${k.padEnd(width)} = ${v}`);
  return `{\n${inner.join("\n")}\n${indent}}`;
}

/** Top-level items of a .tf file, separated as written. */
export function hclFile(items: HclItem[]): string {
  return `${body(items, "").join("\n")}\n`;
}

function body(items: HclItem[], indent: string): string[] {
  const out: string[] = [];
  // fmt aligns the "=" of adjacent attribute lines; a blank line, a comment or a block ends a run.
  let run: { attr: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((a) => a.attr.length));
    for (const a of run) out.push(`${indent}${a.attr.padEnd(width)} = ${a.value}`);
    run = [];
  };
  for (const item of items) {
    if ("attr" in item) {
      // fmt aligns single-line attributes only: a value over several lines stands alone.
      if (item.value.includes("\n")) {
        flush();
        run.push(item);
        flush();
      } else run.push(item);
      continue;
    }
    flush();
    if ("blank" in item) out.push("");
    else if ("comment" in item)
      out.push(...item.comment.split("\n").map((l) => `${indent}#${l === "" ? "" : ` ${l}`}`));
    else {
      const labels = (item.labels ?? []).map((l) => ` ${str(l)}`).join("");
      if (item.body.length === 0) out.push(`${indent}${item.block}${labels} {}`);
      else {
        out.push(`${indent}${item.block}${labels} {`);
        out.push(...body(item.body, `${indent}  `));
        out.push(`${indent}}`);
      }
    }
  }
  flush();
  return out;
}
