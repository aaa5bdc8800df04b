/**
 * The go command would not, or could not, switch to the Go release the module needs:
 *   gover/toolchain.go TooNewError "%v requires go >= %v (running go %v; GOTOOLCHAIN=%s...)"
 *   toolchain/select.go "download %s for %s/%s: toolchain not available",
 *     "download %s: %v", "cannot find %q in PATH", "invalid GOTOOLCHAIN %q",
 *     "invalid toolchain: %s is a language version but not a toolchain version (%s.x)"
 *   toolchain/switch.go "switching to go >= %v: %w"
 *   modfetch/sumdb.go "checksum database disabled by GOSUMDB=off" (toolchains are always verified)
 * One failure prints several of these lines, so the matcher reads them all and explains once.
 */

import type { MatchContext, Matcher, MatcherResult } from "../types.js";

const TOO_NEW =
  /(\S+(?: \S+@\S+)?) requires go >= (\S+) \(running go (\S+?)(?:; GOTOOLCHAIN=(\S+?))?(?:;[^)]*)?\)/;
const NOT_AVAILABLE = /download (go\S+) for (\S+): toolchain not available/;
const DOWNLOAD_FAILED = /\bdownload (go\d\S*): (.+)$/;
const SWITCHING = /switching to go >= (\S+): (.+)$/;
const NOT_IN_PATH = /cannot find "(go\S+)" in PATH/;
const BAD_GOTOOLCHAIN = /invalid GOTOOLCHAIN "([^"]*)"/;
const LANGUAGE_VERSION =
  /invalid toolchain: (go\S+) is a language version but not a toolchain version/;
const SUMDB_OFF = /checksum database disabled by GOSUMDB=off/;
const ANY = [
  TOO_NEW,
  NOT_AVAILABLE,
  DOWNLOAD_FAILED,
  SWITCHING,
  NOT_IN_PATH,
  BAD_GOTOOLCHAIN,
  LANGUAGE_VERSION,
];

interface Facts {
  what?: string;
  need?: string;
  running?: string;
  gotoolchain?: string;
  notAvailable?: string;
  platform?: string;
  notInPath?: string;
  badSetting?: string;
  languageVersion?: string;
  sumdbOff: boolean;
  downloadError?: string;
}

export const toolchainRefused: Matcher = {
  id: "toolchain-refused",
  match(line, ctx) {
    if (!ANY.some((re) => re.test(line))) return undefined;
    return explain(collect(ctx));
  },
};

function collect(ctx: MatchContext): Facts {
  const f: Facts = { sumdbOff: false };
  for (const l of ctx.lines) {
    const t = TOO_NEW.exec(l);
    if (t && f.need === undefined) {
      f.what = t[1];
      f.need = t[2];
      f.running = t[3];
      if (t[4] !== undefined) f.gotoolchain = t[4];
    }
    const n = NOT_AVAILABLE.exec(l);
    if (n) {
      f.notAvailable = n[1];
      f.platform = n[2];
    } else {
      const d = DOWNLOAD_FAILED.exec(l);
      if (d?.[2] !== undefined && f.downloadError === undefined) {
        f.downloadError = d[2];
        f.need ??= d[1]?.replace(/^go/, "");
      }
    }
    const s = SWITCHING.exec(l);
    if (s) {
      f.need ??= s[1];
      f.downloadError ??= s[2];
    }
    const p = NOT_IN_PATH.exec(l)?.[1];
    if (p !== undefined) f.notInPath = p;
    const b = BAD_GOTOOLCHAIN.exec(l)?.[1];
    if (b !== undefined) f.badSetting = b;
    const lv = LANGUAGE_VERSION.exec(l)?.[1];
    if (lv !== undefined) f.languageVersion = lv;
    if (SUMDB_OFF.test(l)) f.sumdbOff = true;
  }
  if (f.notAvailable !== undefined) f.need ??= f.notAvailable.replace(/^go/, "");
  if (f.notInPath !== undefined) f.need ??= f.notInPath.replace(/^go/, "");
  return f;
}

function explain(f: Facts): MatcherResult {
  const need = f.need ?? "<version>";
  const goNeed = `go${need}`;
  const running = f.running === undefined ? "" : ` (this is go ${f.running})`;
  const installFix = `Use a Go that is new enough: in a Dockerfile \`FROM golang:${need}\` (or newer); with actions/setup-go \`go-version-file: go.mod\`; locally install it, or \`go install golang.org/dl/${goNeed}@latest && ${goNeed} download\` — the go command looks for a \`${goNeed}\` binary on PATH before downloading.`;
  const lowerFix = `Or, if nothing really needs Go ${need}, lower the requirement: \`go mod edit -go=<older version>\` then \`go mod tidy\` (it refuses if a dependency needs the newer Go).`;
  if (f.badSetting !== undefined) {
    return {
      title: `Invalid GOTOOLCHAIN "${f.badSetting}"`,
      cause:
        "GOTOOLCHAIN must be `local`, `auto`, `path`, a toolchain name such as `go1.23.4`, or a name followed by `+auto` or `+path`.",
      fix: [
        "Fix or remove it: `go env GOTOOLCHAIN`, `env | grep GOTOOLCHAIN`; `go env -u GOTOOLCHAIN` restores the default (auto).",
        "To require at least a release and allow upgrades: `go env -w GOTOOLCHAIN=go1.23.4+auto`.",
      ],
    };
  }
  if (f.languageVersion !== undefined) {
    return {
      title: `toolchain line names a language version (${f.languageVersion})`,
      cause: `From Go 1.21 on, ${f.languageVersion} names a language version, not a release, so there is no toolchain to switch to; releases are ${f.languageVersion}.0, ${f.languageVersion}.1, and so on.`,
      fix: [
        `Name a release: \`go mod edit -toolchain=${f.languageVersion}.0\` (or a later patch release).`,
      ],
    };
  }
  if (f.sumdbOff) {
    return {
      title: `Cannot download ${goNeed}: GOSUMDB=off`,
      cause: `The go command needed to download ${goNeed}, but toolchain downloads are always verified against the checksum database, and GOSUMDB=off disables it, so the download is refused.`,
      fix: [
        "Turn the checksum database back on: `go env -u GOSUMDB` (and unset GOSUMDB in the environment); for private modules use GOPRIVATE or GONOSUMDB instead of GOSUMDB=off.",
        installFix,
      ],
    };
  }
  const pinned =
    f.gotoolchain !== undefined &&
    !/\+|^auto$|^path$/.test(f.gotoolchain) &&
    f.notAvailable === undefined;
  if (pinned) {
    const setting = `GOTOOLCHAIN=${f.gotoolchain ?? ""}`;
    return {
      title: `${f.what ?? "go.mod"} needs Go ${need}; ${setting} forbids switching`,
      cause: `${f.what ?? "The module"} requires go >= ${need}${running}, and ${setting} pins the toolchain, so the go command will not switch to a newer one. The official golang Docker images set GOTOOLCHAIN=local, so this is what happens when the image's Go is older than go.mod's go line.`,
      fix: [
        installFix,
        `Or allow switching: \`GOTOOLCHAIN=auto\` (or \`go env -w GOTOOLCHAIN=${goNeed}+auto\`, to require at least that release). The download comes through GOPROXY and is checked against the checksum database.`,
        lowerFix,
      ],
    };
  }
  if (f.notInPath !== undefined) {
    return {
      title: `${f.notInPath} is not on PATH and GOTOOLCHAIN forbids downloading it`,
      cause: `A newer toolchain (${f.notInPath}) is required, and GOTOOLCHAIN=path (or <name>+path) lets the go command look for it on PATH but never download it.`,
      fix: [
        `Put it on PATH: \`go install golang.org/dl/${f.notInPath}@latest && ${f.notInPath} download\`.`,
        "Or allow downloads: `go env -w GOTOOLCHAIN=auto`.",
        installFix,
      ],
    };
  }
  if (f.notAvailable !== undefined) {
    return {
      title: `Go toolchain ${f.notAvailable} is not available${f.platform ? ` for ${f.platform}` : ""}`,
      cause: `The go command tried to switch to ${f.notAvailable} (required by go.mod's go or toolchain line, or GOTOOLCHAIN) and found no such download. Either that release doesn't exist (a typo, or a future version in go.mod), or the proxy in GOPROXY doesn't serve Go toolchains (the golang.org/toolchain module).`,
      fix: [
        "Check the go and toolchain lines in go.mod (and go.work): `go mod edit -json | grep -E '\"(Go|Toolchain)\"'`.",
        `Check that your proxy serves it: \`GOTOOLCHAIN=local go mod download -json golang.org/toolchain@v0.0.1-${f.notAvailable}.${(f.platform ?? "<os>/<arch>").replace("/", "-")}\`.`,
        installFix,
      ],
    };
  }
  if (f.downloadError === undefined) {
    return {
      title: `${f.what ?? "go.mod"} needs Go ${need}${running}`,
      cause: `${f.what ?? "The module"} requires go >= ${need}, newer than the Go that ran, and no toolchain switch happened (GOTOOLCHAIN does not allow it here, or this Go is older than 1.21 and cannot switch).`,
      fix: [installFix, "Or allow switching: `go env -w GOTOOLCHAIN=auto`.", lowerFix],
    };
  }
  return {
    title: `Could not switch to Go ${need}`,
    cause: `The module requires go >= ${need}${running} and the go command tried to download that toolchain, but the download failed: ${f.downloadError}. Toolchains come through GOPROXY as the golang.org/toolchain module and are verified against the checksum database.`,
    fix: [
      "Fix the download problem shown (see the other explanations for proxy, network or TLS errors), or:",
      installFix,
      lowerFix,
    ],
  };
}
