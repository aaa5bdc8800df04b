import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGoproxy } from "../gomod/goproxy-list.js";

/**
 * The public module proxy to ask whether a module is public: GOPAVE_PUBLIC_PROXY, else the first
 * http(s) entry of GOPROXY in the toolchain's own $GOROOT/go.env (its built-in default). The
 * user's GOPROXY is deliberately not used: a company proxy serves private modules too.
 */
export function publicProxyUrl(
  env: NodeJS.ProcessEnv,
  goroot: string | undefined,
): string | undefined {
  const override = env.GOPAVE_PUBLIC_PROXY?.trim();
  if (override) return override.replace(/\/+$/, "");
  if (!goroot) return undefined;
  let text: string;
  try {
    text = readFileSync(join(goroot, "go.env"), "utf8");
  } catch {
    return undefined;
  }
  const value = /^[ \t]*GOPROXY=(.*)$/m.exec(text)?.[1]?.trim();
  if (!value) return undefined;
  const parsed = parseGoproxy(value);
  if (!parsed.ok) return undefined;
  for (const e of parsed.entries) {
    if (e.kind === "url" && /^https?:\/\//i.test(e.url)) return e.url.replace(/\/+$/, "");
  }
  return undefined;
}
