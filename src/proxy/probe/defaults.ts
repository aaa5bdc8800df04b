import { runGo, goEnv } from "../../detect/go-command.js";
import { publicProxyUrl } from "../../detect/public-proxy.js";

/**
 * Well-known public module mirrors (shared/reference/tool-versions.md §10). The Go project's own
 * default proxy is deliberately not written here: it is read from the installed toolchain's
 * $GOROOT/go.env at run time, so the list follows whatever the toolchain ships.
 */
export const PUBLIC_MIRRORS: readonly string[] = [
  "https://goproxy.cn",
  "https://goproxy.io",
  "https://mirrors.aliyun.com/goproxy/",
  "https://mirrors.tencent.com/go/",
  "https://repo.huaweicloud.com/repository/goproxy/",
  "https://goproxy.bj.bcebos.com/",
];

/** The toolchain's default GOPROXY entry (or GOPAVE_PUBLIC_PROXY), if there is a go command. */
export async function toolchainDefaultProxy(
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string | undefined> {
  const override = publicProxyUrl(env, undefined);
  if (override) return override;
  const r = await runGo(["env", "GOROOT"], { cwd, env: goEnv(env), timeoutMs: 5000 });
  return r.ok ? publicProxyUrl(env, r.stdout.trim() || undefined) : undefined;
}

/** The default probe list: the toolchain's default first, then the mirrors, without duplicates. */
export async function defaultProbeUrls(env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const first = await toolchainDefaultProxy(env, cwd);
  const all = first ? [first, ...PUBLIC_MIRRORS] : [...PUBLIC_MIRRORS];
  const seen = new Set<string>();
  return all.filter((u) => {
    const key = u.replace(/\/+$/, "").toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
