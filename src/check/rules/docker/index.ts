import type { Rule } from "../../types.js";
import { CP001 } from "./cp001-unpinned-service-image.js";
import { CP002 } from "./cp002-database-without-healthcheck.js";
import { CP003 } from "./cp003-depends-on-not-healthy.js";
import { CP004 } from "./cp004-debugger-port-exposed.js";
import { CP005 } from "./cp005-literal-secret-in-environment.js";
import { CP006 } from "./cp006-obsolete-version.js";
import { DF001 } from "./df001-toolchain-in-final-image.js";
import { DF002 } from "./df002-unpinned-base-image.js";
import { DF003 } from "./df003-sources-before-mod-download.js";
import { DF004 } from "./df004-no-cache-mount.js";
import { DF005 } from "./df005-cgo-on-static-runtime.js";
import { DF006 } from "./df006-runs-as-root.js";
import { DF007 } from "./df007-shell-form-on-shellless-image.js";
import { DF008 } from "./df008-credentials-in-env-arg.js";
import { DF009 } from "./df009-go-install-unpinned.js";
import { DF010 } from "./df010-dockerignore-git.js";
import { DF011 } from "./df011-platform-arg-not-declared.js";
import { DF012 } from "./df012-golang-image-older-than-go-mod.js";

/** Dockerfile (DF) and compose (CP) rules. */
export const DOCKER_RULES: Rule[] = [
  DF001,
  DF002,
  DF003,
  DF004,
  DF005,
  DF006,
  DF007,
  DF008,
  DF009,
  DF010,
  DF011,
  DF012,
  CP001,
  CP002,
  CP003,
  CP004,
  CP005,
  CP006,
];
