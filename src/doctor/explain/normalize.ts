/**
 * Turns pasted output into the lines the go command printed. Real input comes through Docker
 * (BuildKit's "#12 3.456 " prefixes), CI logs (timestamps, "##[error]"), compose ("api-1  | "),
 * terminals (ANSI colours, "\r" progress redraws) and `go mod download -json` (errors as JSON
 * strings with escaped newlines), and the matchers should not have to know about any of that.
 */

export interface InputLine {
  text: string;
  /** 1-based line in the original input. */
  line: number;
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;
const PREFIXES: RegExp[] = [
  /^#\d+ \d+(?:\.\d+)? /, // BuildKit plain progress: "#12 3.456 "
  /^\d+\.\d+ (?=\S)/, // BuildKit error summary: "1.585 go: ..."
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/, // GitHub Actions raw log timestamps
  /^(?:##\[(?:error|warning)\]|::(?:error|warning)[^:]*::)/, // Actions annotations
  /^[\w.-]+\s+\| /, // docker compose service prefix
];
const JSON_ERROR = /^\s*"(?:Error|Err)":\s*("(?:[^"\\]|\\.)*")\s*,?\s*$/;

export function normalizeInput(text: string): InputLine[] {
  const out: InputLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    // A carriage return redraws the terminal line; only the last redraw was visible.
    let t = raw.slice(raw.lastIndexOf("\r") + 1).replace(ANSI, "");
    for (let changed = true; changed;) {
      changed = false;
      for (const p of PREFIXES) {
        const next = t.replace(p, "");
        if (next !== t) {
          t = next;
          changed = true;
        }
      }
    }
    const json = JSON_ERROR.exec(t);
    if (json?.[1] !== undefined) {
      try {
        const value: unknown = JSON.parse(json[1]);
        if (typeof value === "string") {
          for (const part of value.split("\n")) out.push({ text: part, line });
          return;
        }
      } catch {
        // Not valid JSON after all; keep the line as it is.
      }
    }
    out.push({ text: t, line });
  });
  return out;
}
