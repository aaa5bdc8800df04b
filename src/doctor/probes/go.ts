import { releaseFromGoVersion } from "../../detect/go-version-choice.js";
import { compareGoVersions } from "../../gomod/go-version.js";
import { SPEC_FILE } from "../../spec/load.js";
import { describeSource, effectiveGotoolchain, settingSource } from "../env-layers.js";
import { findOnPath } from "../exec.js";
import { describeOutcome, resolveToolchain } from "../toolchain.js";
import type { ToolchainOutcome } from "../toolchain.js";
import type { DoctorContext, Finding, Probe, Target } from "../types.js";

const DOWNLOAD = "https://go.dev/dl/";

/** `go` on PATH, the installed release against the target, and what GOTOOLCHAIN does here. */
export const goProbe: Probe = async (ctx) => {
  const { machine, target } = ctx;
  const goEnv = machine.goEnv;
  const want = target.goExact ?? target.goLine?.release;
  if (!goEnv) {
    return [
      {
        id: "go.installed",
        status: "fail",
        title: "go",
        detail: machine.goProblem ?? "go is not on PATH",
        fix: `install Go${want ? ` ${want}` : ""} from ${DOWNLOAD} and put its bin directory on PATH`,
      },
    ];
  }
  const installed = releaseFromGoVersion(goEnv.GOVERSION ?? "");
  const found: Finding = {
    id: "go.installed",
    status: "pass",
    title: "go",
    detail: `${goEnv.GOVERSION ?? "go"} at ${machine.goBinary ?? "go"} (GOROOT ${goEnv.GOROOT ?? "?"})`,
  };
  if (installed === undefined) {
    return [
      found,
      {
        id: "go.version",
        status: "warn",
        title: "go version",
        detail: `cannot compare ${JSON.stringify(goEnv.GOVERSION)} (a development build?) with ${want ?? "the repo"}`,
        fix: `install a Go release${want ? ` (${want})` : ""} from ${DOWNLOAD}`,
      },
    ];
  }
  const gotoolchain = effectiveGotoolchain(machine.layers);
  const outcome = resolveToolchain({
    gotoolchain,
    installed,
    goLine: target.goLine?.release,
    toolchainLine: target.toolchainLine,
    onPath: (name) => findOnPath(name, ctx.env, ctx.root) !== undefined,
  });
  const shown = `GOTOOLCHAIN=${gotoolchain} (${describeSource(settingSource("GOTOOLCHAIN", machine.layers), "GOTOOLCHAIN")})`;
  return [
    found,
    target.goExact
      ? versionAgainstSpec(target, installed, outcome, shown)
      : versionAgainstGoLine(target, installed),
    toolchainCheck(ctx, outcome, shown),
  ];
};

function versionAgainstSpec(
  target: Target,
  installed: string,
  outcome: ToolchainOutcome,
  shown: string,
): Finding {
  const want = target.goExact as string;
  const base = { id: "go.version", title: "go version" };
  if (installed === want) {
    return { ...base, status: "pass", detail: `go${installed}, as ${SPEC_FILE} pins` };
  }
  const have = `installed go${installed}; ${SPEC_FILE} pins go${want}`;
  if (target.goPolicy === "local") {
    return {
      ...base,
      status: "fail",
      detail: `${have} with go.toolchain: local (never switch)`,
      fix: `install Go ${want} from ${DOWNLOAD} first on PATH, or set go.toolchain: auto in ${SPEC_FILE}`,
    };
  }
  if (outcome.release === want && outcome.how === "path") {
    return { ...base, status: "pass", detail: `${have}; ${shown} ${describeOutcome(outcome)}` };
  }
  if (outcome.release === want && outcome.how === "download") {
    return {
      ...base,
      status: "warn",
      detail: `${have}; ${shown} ${describeOutcome(outcome)}`,
      fix: `install Go ${want} from ${DOWNLOAD} to skip the download`,
    };
  }
  if (outcome.release === want) {
    return {
      ...base,
      status: "fail",
      detail: `${have}; ${shown} ${describeOutcome(outcome)}`,
      fix: onPathFix(want),
    };
  }
  if (target.goPolicy === undefined) {
    // gopave.yaml leaves GOTOOLCHAIN to each machine: no go env -w to offer, but ways to get it.
    return {
      ...base,
      status: "fail",
      detail: `${have}; ${shown} ${describeOutcome(outcome)}, not go${want}`,
      fix: `install Go ${want} from ${DOWNLOAD} first on PATH, or export GOTOOLCHAIN=go${want} (the go command downloads it through GOPROXY), or set go.toolchain: auto in ${SPEC_FILE} for gopave doctor --fix to write GOTOOLCHAIN=go${want}+auto`,
    };
  }
  return {
    ...base,
    status: "fail",
    detail: `${have}; ${shown} ${describeOutcome(outcome)}, not go${want}`,
    fix: `set GOTOOLCHAIN=${target.settings.get("GOTOOLCHAIN") ?? `go${want}+auto`} (gopave doctor --fix), or install Go ${want} from ${DOWNLOAD}`,
  };
}

/**
 * A `goX.Y.Z` on PATH for GOTOOLCHAIN=...+path, without golang.org/dl (which has no tagged
 * versions to pin): the go command downloads the exact release as a module, then a link names it.
 */
function onPathFix(release: string): string {
  const tc = `GOTOOLCHAIN=go${release}`;
  return `${tc} go version && ln -s "$(${tc} go env GOROOT)/bin/go" "$(go env GOPATH)/bin/go${release}" (with $(go env GOPATH)/bin on PATH), or use GOTOOLCHAIN=go${release}+auto`;
}

function versionAgainstGoLine(target: Target, installed: string): Finding {
  const base = { id: "go.version", title: "go version" };
  const line = target.goLine;
  if (!line)
    return { ...base, status: "pass", detail: `go${installed} (no go line to compare with)` };
  if (compareGoVersions(installed, line.release) >= 0) {
    return {
      ...base,
      status: "pass",
      detail: `go${installed} satisfies ${line.file}'s go ${line.release} (a minimum)`,
    };
  }
  return {
    ...base,
    status: "warn",
    detail: `installed go${installed} is older than ${line.file}'s go ${line.release}`,
    fix: `install Go ${line.release} or newer from ${DOWNLOAD}`,
  };
}

function toolchainCheck(ctx: DoctorContext, outcome: ToolchainOutcome, shown: string): Finding {
  const base = { id: "go.toolchain", title: "toolchain for this repo" };
  const line = ctx.target.goLine;
  const detail = `${shown} ${describeOutcome(outcome)} for this repo`;
  if (outcome.how === "not-on-path") {
    return {
      ...base,
      status: "fail",
      detail,
      fix: onPathFix(outcome.release),
    };
  }
  if (outcome.tooOld && line) {
    return {
      ...base,
      status: "fail",
      detail: `${detail}, but ${line.file} needs go ${line.release}: go commands here fail`,
      fix:
        ctx.target.kind === "spec"
          ? `raise go.version in ${SPEC_FILE} to at least ${line.release} and install that Go`
          : `install Go ${line.release} or newer from ${DOWNLOAD}, or go env -w GOTOOLCHAIN=auto`,
    };
  }
  return { ...base, status: "pass", detail };
}
