import { parseGoproxy } from "../../gomod/goproxy-list.js";
import { SPEC_FILE } from "../../spec/load.js";
import { describeSource, effectiveGotoolchain, settingSource } from "../env-layers.js";
import type { SettingSource } from "../env-layers.js";
import { redactSecrets } from "../redact.js";
import type { DoctorContext, FixAction, Finding, Probe } from "../types.js";

/** The settings moduleEnv can prescribe, in its order. */
export const MODULE_SETTINGS = [
  "GOTOOLCHAIN",
  "GOPROXY",
  "GOSUMDB",
  "GOPRIVATE",
  "GONOPROXY",
  "GONOSUMDB",
  "GOFLAGS",
] as const;

const COMMA_LISTS = new Set(["GOPRIVATE", "GONOPROXY", "GONOSUMDB"]);

function items(name: string, value: string): string[] {
  const parts =
    name === "GOFLAGS" ? value.split(/\s+/) : COMMA_LISTS.has(name) ? value.split(",") : [value];
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function join(name: string, list: string[]): string {
  return list.join(name === "GOFLAGS" ? " " : ",");
}

export function show(value: string): string {
  return value === "" ? "(empty)" : redactSecrets(value);
}

/** `go env -w NAME=VALUE`, quoted for a shell when the value has spaces. */
export function envWriteCommand(name: string, value: string): string {
  const arg = `${name}=${show(value)}`;
  return /[\s'"$`\\]/.test(arg) ? `go env -w '${arg.replace(/'/g, `'\\''`)}'` : `go env -w ${arg}`;
}

interface Expectation {
  value: string;
  /** GONOPROXY/GONOSUMDB the spec leaves to follow GOPRIVATE. */
  derived: boolean;
}

function expectation(ctx: DoctorContext, name: string): Expectation | undefined {
  const s = ctx.target.settings;
  const v = s.get(name);
  if (v !== undefined) return { value: v, derived: false };
  const priv = s.get("GOPRIVATE");
  if ((name === "GONOPROXY" || name === "GONOSUMDB") && priv !== undefined)
    return { value: priv, derived: true };
  return undefined;
}

/** Each module setting as the go command resolves it, where it comes from, and the spec's value. */
export const moduleSettingsProbe: Probe = async (ctx) => {
  const goEnv = ctx.machine.goEnv;
  if (!goEnv) {
    return [
      {
        id: "env",
        status: "warn",
        title: "module settings",
        detail: `not checked: ${ctx.machine.goProblem ?? "go env is unavailable"}`,
        fix: "install Go first, then run gopave doctor again",
      },
    ];
  }
  return MODULE_SETTINGS.map((name) => {
    const current =
      name === "GOTOOLCHAIN" ? effectiveGotoolchain(ctx.machine.layers) : (goEnv[name] ?? "");
    return settingCheck(ctx, name, current, settingSource(name, ctx.machine.layers));
  });
};

function settingCheck(
  ctx: DoctorContext,
  name: string,
  current: string,
  src: SettingSource,
): Finding {
  const base = { id: `env.${name}`, title: name };
  const from = `from ${describeSource(src, name)}`;
  const value = `${show(current)} — ${from}`;
  const want = expectation(ctx, name);
  if (want === undefined) {
    const note = ctx.target.kind === "spec" ? `; ${SPEC_FILE} leaves it to Go's default` : "";
    if (name === "GOPROXY") {
      const parsed = parseGoproxy(current);
      if (!parsed.ok) {
        return {
          ...base,
          status: "fail",
          detail: `${value}: ${redactSecrets(parsed.error)}`,
          ...unsetAdvice(name, src),
        };
      }
    }
    return { ...base, status: "pass", detail: `${value}${note}` };
  }
  const have = items(name, current);
  const need = items(name, want.value);
  const missing = need.filter((x) => !have.includes(x));
  const extras = have.filter((x) => !need.includes(x));
  const isList = COMMA_LISTS.has(name) || name === "GOFLAGS";
  const matches = isList ? missing.length === 0 : current.trim() === want.value;
  if (matches) {
    const also =
      extras.length > 0 && need.length > 0
        ? `; also ${extras.join(name === "GOFLAGS" ? " " : ",")}`
        : "";
    return { ...base, status: "pass", detail: `${value}${also}` };
  }
  if (want.derived && src.kind === "default") {
    // Unset, it follows GOPRIVATE: any gap is GOPRIVATE's, reported (and fixed) on that line.
    return { ...base, status: "pass", detail: `${value} (see GOPRIVATE)` };
  }
  const lacking =
    isList && missing.length > 0 && have.length > 0 ? ` (missing ${missing.join(", ")})` : "";
  const detail = `${value}; ${SPEC_FILE} wants ${show(want.value)}${want.derived ? " (via GOPRIVATE)" : ""}${lacking}`;
  if (src.kind === "environment") {
    return {
      ...base,
      status: "fail",
      detail,
      fix: `your shell exports ${name}, which overrides go env -w: set it to ${show(want.value)} or unset it where it is exported (e.g. ~/.profile)`,
    };
  }
  if (want.derived && src.kind === "env-file") {
    const action: FixAction = { kind: "env-unset", name };
    return {
      ...base,
      status: "fail",
      detail,
      fix: `go env -u ${name} (it then follows GOPRIVATE)`,
      action,
    };
  }
  const fixed = isList ? join(name, [...need, ...extras]) : want.value;
  const action: FixAction = { kind: "env-write", name, value: fixed };
  return { ...base, status: "fail", detail, fix: envWriteCommand(name, fixed), action };
}

function unsetAdvice(name: string, src: SettingSource): { fix: string; action?: FixAction } {
  if (src.kind === "env-file")
    return { fix: `go env -u ${name}`, action: { kind: "env-unset", name } };
  if (src.kind === "environment") return { fix: `unset ${name} where your shell exports it` };
  return { fix: `set a valid ${name} with go env -w` };
}
