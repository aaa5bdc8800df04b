import { compareGoVersions, goMinor } from "../gomod/go-version.js";
import type { Spec, ToolSpecValue } from "./schema.js";

/** Tools gopave knows by name: their `go install` package path. */
export const KNOWN_TOOLS: Record<string, string> = {
  gopls: "golang.org/x/tools/gopls",
  dlv: "github.com/go-delve/delve/cmd/dlv",
  "golangci-lint": "github.com/golangci/golangci-lint/v2/cmd/golangci-lint",
  gofumpt: "mvdan.cc/gofumpt",
  staticcheck: "honnef.co/go/tools/cmd/staticcheck",
  revive: "github.com/mgechev/revive",
  gosec: "github.com/securego/gosec/v2/cmd/gosec",
  actionlint: "github.com/rhysd/actionlint/cmd/actionlint",
  // The WASI runtime the wasip1 targets test under (see wasm.ts); pinned only for those.
  wazero: "github.com/tetratelabs/wazero/cmd/wazero",
};

/** Tools `init` pins by default. */
export const DEFAULT_TOOLS = ["gopls", "dlv", "golangci-lint", "gofumpt", "staticcheck"] as const;

/**
 * A pin valid from a Go release on. Rows come from shared/reference/tool-versions.md §9: the newest
 * stable release whose go.mod `go` line is at most that Go (so `go install` works with
 * GOTOOLCHAIN=local) and whose documented support covers it. Earlier entries win when `from` fits.
 */
interface Pin {
  from: string;
  version: string;
}

const PINS: Record<string, Record<string, Pin[]>> = {
  "1.22": {
    gopls: [{ from: "1.22.0", version: "v0.16.2" }],
    dlv: [{ from: "1.22.0", version: "v1.25.2" }],
    // No golangci-lint release builds with Go 1.22 (every one declares go 1.23.0): none pinned.
    gofumpt: [{ from: "1.22.0", version: "v0.7.0" }],
    staticcheck: [
      { from: "1.22.1", version: "v0.5.1" },
      { from: "1.22.0", version: "v0.4.7" },
    ],
    revive: [
      { from: "1.22.1", version: "v1.7.0" },
      { from: "1.22.0", version: "v1.4.0" },
    ],
    gosec: [{ from: "1.22.0", version: "v2.22.0" }],
    actionlint: [{ from: "1.22.0", version: "v1.7.7" }],
  },
  "1.23": {
    gopls: [
      { from: "1.23.4", version: "v0.18.1" },
      { from: "1.23.1", version: "v0.17.1" },
      { from: "1.23.0", version: "v0.16.2" },
    ],
    dlv: [{ from: "1.23.0", version: "v1.25.2" }],
    "golangci-lint": [{ from: "1.23.0", version: "v2.3.1" }],
    gofumpt: [{ from: "1.23.0", version: "v0.8.0" }],
    staticcheck: [{ from: "1.23.0", version: "v0.6.1" }],
    revive: [{ from: "1.23.0", version: "v1.12.0" }],
    gosec: [{ from: "1.23.0", version: "v2.22.7" }],
    actionlint: [{ from: "1.23.0", version: "v1.7.7" }],
  },
  "1.24": {
    gopls: [
      { from: "1.24.2", version: "v0.20.0" },
      { from: "1.24.0", version: "v0.18.1" },
    ],
    dlv: [{ from: "1.24.0", version: "v1.26.3" }],
    "golangci-lint": [{ from: "1.24.0", version: "v2.8.0" }],
    gofumpt: [{ from: "1.24.0", version: "v0.9.2" }],
    staticcheck: [{ from: "1.24.0", version: "v0.6.1" }],
    revive: [{ from: "1.24.0", version: "v1.14.0" }],
    gosec: [{ from: "1.24.0", version: "v2.23.0" }],
    actionlint: [{ from: "1.24.0", version: "v1.7.11" }],
  },
  "1.25": {
    gopls: [{ from: "1.25.0", version: "v0.21.1" }],
    dlv: [{ from: "1.25.0", version: "v1.27.1" }],
    "golangci-lint": [{ from: "1.25.0", version: "v2.12.2" }],
    gofumpt: [{ from: "1.25.0", version: "v0.10.0" }],
    staticcheck: [{ from: "1.25.0", version: "v0.7.0" }],
    revive: [{ from: "1.25.0", version: "v1.15.0" }],
    gosec: [
      { from: "1.25.8", version: "v2.28.0" },
      { from: "1.25.0", version: "v2.27.1" },
    ],
    actionlint: [{ from: "1.25.0", version: "v1.7.12" }],
    // v1.12.0's go.mod says go 1.25.0: older Go has no pin gopave has checked.
    wazero: [{ from: "1.25.0", version: "v1.12.0" }],
  },
  "1.26": {
    gopls: [{ from: "1.26.0", version: "v0.23.0" }],
    dlv: [{ from: "1.26.0", version: "v1.27.1" }],
    "golangci-lint": [{ from: "1.26.0", version: "v2.13.1" }],
    gofumpt: [{ from: "1.26.0", version: "v0.10.0" }],
    staticcheck: [{ from: "1.26.0", version: "v0.7.0" }],
    revive: [{ from: "1.26.0", version: "v1.15.0" }],
    gosec: [{ from: "1.26.0", version: "v2.28.0" }],
    actionlint: [{ from: "1.26.0", version: "v1.7.12" }],
    // v1.12.0's go.mod says go 1.25.0: older Go has no pin gopave has checked.
    wazero: [{ from: "1.26.0", version: "v1.12.0" }],
  },
  "1.27": {
    gopls: [{ from: "1.27.0", version: "v0.23.0" }],
    dlv: [{ from: "1.27.0", version: "v1.27.1" }],
    "golangci-lint": [{ from: "1.27.0", version: "v2.13.1" }],
    gofumpt: [{ from: "1.27.0", version: "v0.10.0" }],
    staticcheck: [{ from: "1.27.0", version: "v0.7.0" }],
    revive: [{ from: "1.27.0", version: "v1.15.0" }],
    gosec: [{ from: "1.27.0", version: "v2.28.0" }],
    actionlint: [{ from: "1.27.0", version: "v1.7.12" }],
    // v1.12.0's go.mod says go 1.25.0: older Go has no pin gopave has checked.
    wazero: [{ from: "1.27.0", version: "v1.12.0" }],
  },
};

const NEWEST_ROW = "1.27";
const OLDEST_ROW = "1.22";

export interface PinResult {
  version: string | undefined;
  /** Why the pin is missing or less certain, for the user. */
  note: string | undefined;
}

/** The default pin of a known tool for an exact Go release. */
export function defaultToolPin(tool: string, goVersion: string): PinResult {
  let row = goMinor(goVersion);
  let note: string | undefined;
  if (compareGoVersions(row, OLDEST_ROW) < 0) {
    return {
      version: undefined,
      note: `gopave has no tool pins for Go ${row} (oldest: ${OLDEST_ROW})`,
    };
  }
  if (compareGoVersions(row, NEWEST_ROW) > 0) {
    note = `no release of ${tool} documents Go ${row} yet; pinned the Go ${NEWEST_ROW} choice`;
    row = NEWEST_ROW;
  }
  const pins = PINS[row]?.[tool];
  if (!pins) {
    return {
      version: undefined,
      note: `no ${tool} release builds with Go ${row} under GOTOOLCHAIN=local`,
    };
  }
  const pin = pins.find(
    (p) => compareGoVersions(goVersion, p.from) >= 0 || row !== goMinor(goVersion),
  );
  return { version: pin?.version, note };
}

export interface ResolvedTool {
  name: string;
  package: string;
  version: string;
}

/**
 * The tools a spec pins, sorted by name, with the compatibility table filling in when unset.
 * wasip1 targets need wazero wherever tests run, so it joins the list (at its default pin unless
 * `tools` names one) whenever the spec has them.
 */
export function resolveTools(
  spec: Pick<Spec, "tools" | "go"> & Partial<Pick<Spec, "wasm">>,
): ResolvedTool[] {
  const entries: [string, ToolSpecValue][] = spec.tools
    ? Object.entries(spec.tools)
    : DEFAULT_TOOLS.flatMap((name) => {
        const v = defaultToolPin(name, spec.go.version).version;
        return v ? [[name, v] as [string, ToolSpecValue]] : [];
      });
  const wasip1 = (spec.wasm ?? []).some((p) => p.targets.includes("wasip1"));
  if (wasip1 && !entries.some(([name]) => name === "wazero")) {
    const v = defaultToolPin("wazero", spec.go.version).version;
    if (v) entries.push(["wazero", v]);
  }
  return entries
    .map(([name, value]) => {
      const version = typeof value === "string" ? value : value.version;
      const pkg = typeof value === "string" ? KNOWN_TOOLS[name] : value.package;
      if (!pkg) throw new Error(`unknown tool ${name} without a package`); // rejected at load time
      return { name, package: pkg, version };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
