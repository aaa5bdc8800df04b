import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProbeAgents } from "./probe-http.js";
import { probeProxy } from "./probe-proxy.js";
import { rankReports, suggestGoproxy } from "./rank.js";
import type { ProbeOptions, ProxyReport } from "./types.js";

export interface ProbeRun {
  module: string;
  version: string;
  requests: number;
  /** Best first. */
  proxies: ProxyReport[];
  goproxy: string | undefined;
}

export type ProbeSettings = Omit<ProbeOptions, "tmpDir"> & {
  /** Proxies probed at once. */
  parallel?: number;
  /** Called as each proxy finishes (for a progress display). */
  onDone?: (report: ProxyReport, done: number, total: number) => void;
};

/** Probes every URL (a few at a time), then ranks them. */
export async function probeProxies(
  urls: readonly string[],
  settings: ProbeSettings,
): Promise<ProbeRun> {
  const tmpDir = await mkdtemp(join(tmpdir(), "gopave-probe-"));
  const agents = createProbeAgents();
  const opts: ProbeOptions = { ...settings, tmpDir };
  try {
    const reports: ProxyReport[] = new Array<ProxyReport>(urls.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (let i = next++; i < urls.length; i = next++) {
        const report = await probeProxy(urls[i] as string, opts, agents);
        reports[i] = report;
        settings.onDone?.(report, ++done, urls.length);
      }
    };
    const parallel = Math.max(1, Math.min(settings.parallel ?? 4, urls.length));
    await Promise.all(Array.from({ length: parallel }, worker));
    const proxies = rankReports(reports);
    return {
      module: settings.module,
      version: settings.version,
      requests: settings.requests,
      proxies,
      goproxy: suggestGoproxy(proxies),
    };
  } finally {
    agents.destroy();
    await rm(tmpDir, { recursive: true, force: true });
  }
}
