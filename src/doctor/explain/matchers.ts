/**
 * Every matcher, in the order their explanations should appear when two fire on the same line
 * (the more specific cause first).
 */

import { checksumMismatch } from "./matchers/checksum-mismatch.js";
import { credentialsOverHttp } from "./matchers/credentials-over-http.js";
import { gitCredentials } from "./matchers/git-credentials.js";
import { goModNeedsUpdate } from "./matchers/go-mod-needs-update.js";
import { goTooOld } from "./matchers/go-too-old.js";
import { goproxyOff } from "./matchers/goproxy-off.js";
import { importPathMeta } from "./matchers/import-path-meta.js";
import { invalidGoproxy } from "./matchers/invalid-goproxy.js";
import { missingGoSumEntry } from "./matchers/missing-go-sum-entry.js";
import { modulePathMismatch } from "./matchers/module-path-mismatch.js";
import { networkTimeout } from "./matchers/network-timeout.js";
import { networkUnreachable } from "./matchers/network-unreachable.js";
import { noMatchingVersions } from "./matchers/no-matching-versions.js";
import { noRequiredModule } from "./matchers/no-required-module.js";
import { packageNotInModule } from "./matchers/package-not-in-module.js";
import { proxyForbidden } from "./matchers/proxy-forbidden.js";
import { proxyNotFound } from "./matchers/proxy-not-found.js";
import { proxyRateLimited } from "./matchers/proxy-rate-limited.js";
import { proxyServerError } from "./matchers/proxy-server-error.js";
import { sumdbNotFound } from "./matchers/sumdb-not-found.js";
import { tlsCertificate } from "./matchers/tls-certificate.js";
import { toolchainRefused } from "./matchers/toolchain-refused.js";
import { unknownRevision } from "./matchers/unknown-revision.js";
import { vendorOutOfSync } from "./matchers/vendor-out-of-sync.js";
import type { Matcher } from "./types.js";

export const MATCHERS: readonly Matcher[] = [
  checksumMismatch,
  invalidGoproxy,
  goproxyOff,
  toolchainRefused,
  goTooOld,
  missingGoSumEntry,
  goModNeedsUpdate,
  vendorOutOfSync,
  tlsCertificate,
  networkTimeout,
  networkUnreachable,
  sumdbNotFound,
  proxyNotFound,
  proxyForbidden,
  credentialsOverHttp,
  proxyRateLimited,
  proxyServerError,
  gitCredentials,
  unknownRevision,
  importPathMeta,
  modulePathMismatch,
  noMatchingVersions,
  packageNotInModule,
  noRequiredModule,
];
