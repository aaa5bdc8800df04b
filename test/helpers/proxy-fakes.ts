import { writeFile } from "node:fs/promises";
import type { Target, UpstreamResult, Verifier, VerifyResult } from "../../src/proxy/types.js";

export interface FakeVersion {
  info?: string;
  mod?: string;
  zip?: Buffer;
}

type Method = "list" | "latest" | "info" | "mod" | "zip";

/**
 * An in-memory upstream. `override` can replace any answer (failures, timeouts), `gate` can hold
 * a method until the test releases it (single-flight and shutdown tests).
 */
export class FakeTarget implements Target {
  readonly name: string;
  readonly modules = new Map<string, Map<string, FakeVersion>>();
  calls: { method: Method; module: string; version?: string }[] = [];
  override?: (
    method: Method,
    module: string,
    version?: string,
  ) => UpstreamResult<never> | undefined;
  gate?: (method: Method, module: string, signal: AbortSignal) => Promise<void>;

  constructor(name = "fake") {
    this.name = name;
  }

  add(module: string, version: string, v: FakeVersion = {}): this {
    let m = this.modules.get(module);
    if (!m) this.modules.set(module, (m = new Map()));
    m.set(version, {
      info: v.info ?? JSON.stringify({ Version: version, Time: "2024-01-01T00:00:00Z" }),
      mod: v.mod ?? `module ${module}\n\ngo 1.21\n`,
      zip: v.zip ?? Buffer.from(`zip of ${module}@${version}`),
    });
    return this;
  }

  count(method: Method, module?: string): number {
    return this.calls.filter(
      (c) => c.method === method && (module === undefined || c.module === module),
    ).length;
  }

  private async begin(method: Method, module: string, signal: AbortSignal, version?: string) {
    this.calls.push({ method, module, ...(version === undefined ? {} : { version }) });
    if (this.gate) await this.gate(method, module, signal);
    // Like a real upstream: once the caller's signal fires, the fetch fails.
    if (signal.aborted) {
      return {
        ok: false,
        notFound: false,
        status: undefined,
        message: `${module}: aborted`,
      } as const;
    }
    return this.override?.(method, module, version);
  }

  private missing(what: string): UpstreamResult<never> {
    return {
      ok: false,
      notFound: true,
      status: 404,
      message: `not found: ${what}: unknown revision`,
    };
  }

  async list(module: string, signal: AbortSignal): Promise<UpstreamResult<string>> {
    const o = await this.begin("list", module, signal);
    if (o) return o;
    const m = this.modules.get(module);
    if (!m) return this.missing(module);
    return { ok: true, value: [...m.keys()].map((v) => `${v}\n`).join("") };
  }

  async latest(module: string, signal: AbortSignal): Promise<UpstreamResult<string>> {
    const o = await this.begin("latest", module, signal);
    if (o) return o;
    const m = this.modules.get(module);
    const last = m ? [...m.keys()].pop() : undefined;
    if (!m || !last) return this.missing(`${module}@latest`);
    return { ok: true, value: m.get(last)?.info ?? "" };
  }

  private version(module: string, version: string): FakeVersion | undefined {
    return this.modules.get(module)?.get(version);
  }

  async info(
    module: string,
    version: string,
    signal: AbortSignal,
  ): Promise<UpstreamResult<Buffer>> {
    const o = await this.begin("info", module, signal, version);
    if (o) return o;
    const v = this.version(module, version);
    return v?.info
      ? { ok: true, value: Buffer.from(v.info) }
      : this.missing(`${module}@${version}`);
  }

  async mod(module: string, version: string, signal: AbortSignal): Promise<UpstreamResult<Buffer>> {
    const o = await this.begin("mod", module, signal, version);
    if (o) return o;
    const v = this.version(module, version);
    return v?.mod ? { ok: true, value: Buffer.from(v.mod) } : this.missing(`${module}@${version}`);
  }

  async zip(
    module: string,
    version: string,
    dest: string,
    signal: AbortSignal,
  ): Promise<UpstreamResult<{ size: number }>> {
    const o = await this.begin("zip", module, signal, version);
    if (o) return o;
    const v = this.version(module, version);
    if (!v?.zip) return this.missing(`${module}@${version}`);
    await writeFile(dest, v.zip);
    return { ok: true, value: { size: v.zip.length } };
  }
}

/** A verifier that accepts everything except the "module@version" entries in `tampered`. */
export class FakeVerifier implements Verifier {
  readonly tampered = new Set<string>();
  /** "module@version" entries whose check cannot be made (checksum database down). */
  readonly unavailable = new Set<string>();
  calls: string[] = [];

  private result(module: string, version: string, file: string): VerifyResult {
    const key = `${module}@${version}`;
    this.calls.push(`${file} ${key}`);
    if (this.unavailable.has(key)) return { ok: false, unavailable: true, reason: "sumdb down" };
    if (this.tampered.has(key)) {
      return {
        ok: false,
        reason: `${key} (${file}): checksum mismatch: downloaded h1:bad=, sumdb has h1:good=`,
      };
    }
    return { ok: true, how: "sumdb" };
  }

  async verifyMod(module: string, version: string): Promise<VerifyResult> {
    return this.result(module, version, "go.mod");
  }

  async verifyZip(module: string, version: string): Promise<VerifyResult> {
    return this.result(module, version, "zip");
  }
}
