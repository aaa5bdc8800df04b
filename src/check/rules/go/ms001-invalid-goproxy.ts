import { parseGoproxy } from "../../../gomod/goproxy-list.js";
import type { Rule, RuleFinding } from "../../types.js";
import { moduleSettingSources } from "./sources/module-settings.js";
import { redactEntry, redactProxyList } from "./sources/redact.js";

export const MS001: Rule = {
  id: "MS001",
  severity: "error",
  title: "invalid GOPROXY value",
  doc: {
    why:
      "GOPROXY is a list of proxy URLs (https, http or file) separated by `,` (fall through on 404/410) " +
      "or `|` (fall through on any error). The only keywords are `direct` and `off`: any other bare word " +
      '— `skip`, `none`, `true` — makes every module download fail with "invalid proxy URL missing ' +
      'scheme". `direct` and `off` end the list: entries after them are never consulted.',
    fix: "Write full URLs and end the list with `direct` (or `off` to forbid downloads outside the proxies).",
    example: {
      file: ".github/workflows/ci.yml",
      bad: "env:\n  GOPROXY: https://proxy.corp.example,skip",
      good: "env:\n  GOPROXY: https://proxy.corp.example,direct",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const s of moduleSettingSources(model)) {
      if (s.name !== "GOPROXY") continue;
      const r = parseGoproxy(s.value);
      const shown = redactProxyList(s.value);
      if (!r.ok) {
        const entry = redactEntry(r.entry);
        const msg = r.error.replace(r.entry, entry);
        out.push({
          file: s.file,
          line: s.line,
          message: `GOPROXY=${shown} (${s.where}): ${msg}; every module download fails`,
        });
      } else if (r.ignored.length > 0) {
        const last = r.entries[r.entries.length - 1]?.kind ?? "direct";
        out.push({
          file: s.file,
          line: s.line,
          severity: "warning",
          message: `GOPROXY=${shown} (${s.where}): "${last}" ends the list, so ${r.ignored.map(redactEntry).join(", ")} ${r.ignored.length === 1 ? "is" : "are"} never used; put "${last}" last`,
        });
      }
    }
    return out;
  },
};
