import type { Rule } from "../../types.js";
import { CI001 } from "./ci001-setup-go-version.js";
import { CI002 } from "./ci002-setup-go-cache-off.js";
import { CI003 } from "./ci003-golangci-action-major.js";
import { CI004 } from "./ci004-golangci-action-without-setup-go.js";
import { CI005 } from "./ci005-go-matrix-misses-go-line.js";
import { CI006 } from "./ci006-mod-mod-in-ci.js";
import { DC001 } from "./dc001-go-at-latest.js";
import { DC002 } from "./dc002-golangci-version-leading-v.js";
import { DC003 } from "./dc003-module-cache-not-writable.js";
import { DC004 } from "./dc004-no-go-extension.js";
import { GR001 } from "./gr001-goreleaser-go-version.js";
import { GR002 } from "./gr002-goreleaser-proxy-with-replace.js";
import { GV001 } from "./gv001-go-versions-disagree.js";
import { GV002 } from "./gv002-pin-below-go-line.js";
import { GV003 } from "./gv003-go-toolchain-lines.js";
import { MS001 } from "./ms001-invalid-goproxy.js";
import { MS002 } from "./ms002-checksum-verification-off.js";
import { MS003 } from "./ms003-module-settings-disagree.js";
import { MS004 } from "./ms004-private-deps-uncovered.js";
import { MS005 } from "./ms005-malformed-goflags.js";
import { SH001 } from "./sh001-go-install-unpinned.js";
import { VS001 } from "./vs001-remote-attach-without-dlv-dap.js";
import { VS002 } from "./vs002-remote-attach-without-substitute-path.js";

/** Go version, module settings, CI, GoReleaser, VS Code, dev container and script rules, by id. */
export const GO_RULES: Rule[] = [
  GV001,
  GV002,
  GV003,
  MS001,
  MS002,
  MS003,
  MS004,
  MS005,
  CI001,
  CI002,
  CI003,
  CI004,
  CI005,
  CI006,
  GR001,
  GR002,
  VS001,
  VS002,
  DC001,
  DC002,
  DC003,
  DC004,
  SH001,
];
