const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text for an HTML text node or a double- or single-quoted attribute value. Every value the page
 * shows goes through it: module paths, request paths and errors come from clients and upstreams.
 */
export function escapeHtml(value: string | number | boolean | null): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** A tagged template whose interpolations are escaped, unless they are `Html` already. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = string | number | boolean | null | Html | readonly Html[];

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? "";
  parts.forEach((part, i) => {
    out += render(part) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

function render(part: Part): string {
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map((p: Html) => p.text).join("");
  return escapeHtml(part as string | number | boolean | null);
}
