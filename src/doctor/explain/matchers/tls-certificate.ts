/**
 * TLS verification failures from crypto/x509 (verify.go) and crypto/tls (common.go), passed
 * through by the go command:
 *   "tls: failed to verify certificate: x509: certificate signed by unknown authority"
 *   "x509: certificate is valid for %s, not %s"
 *   "x509: certificate has expired or is not yet valid: %s"
 *   "x509: cannot validate certificate for %s because it doesn't contain any IP SANs"
 */

import { inServerResponse } from "../http-failure.js";
import { findModuleRef } from "../module-ref.js";
import { networkTarget } from "../network-target.js";
import type { Matcher, MatcherResult } from "../types.js";

const X509 = /\bx509: ([^\n]*)/;

export const tlsCertificate: Matcher = {
  id: "tls-certificate",
  match(line, ctx) {
    const m = X509.exec(line);
    if (!m?.[1] || inServerResponse(ctx)) return undefined;
    const detail = m[1];
    const host = networkTarget(line)?.host ?? "the server";
    const ref = findModuleRef(line);
    const storeFix = [
      "Install your organisation's root CA into the system trust store, which Go uses: Debian/Ubuntu/Alpine `cp corp-root-ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates`; RHEL/Fedora `/etc/pki/ca-trust/source/anchors/` + `update-ca-trust`; macOS and Windows: the system keychain / certificate store.",
      "On Linux you can instead point Go at a bundle that contains the public roots plus yours: `export SSL_CERT_FILE=/path/to/bundle.pem` (or SSL_CERT_DIR).",
      "In a Dockerfile, add the CA in the build stage before any `go` command: `COPY corp-root-ca.crt /usr/local/share/ca-certificates/` then `RUN update-ca-certificates`.",
      "Don't reach for GOINSECURE: it only affects direct fetches of matching module paths (not proxies, not the checksum database) and removes the protection for them; use it only for a private host you understand.",
    ];
    let title: string;
    let cause: string;
    let fix: string[];
    if (/signed by unknown authority/.test(detail)) {
      title = `TLS certificate of ${host} is not trusted`;
      cause = `The certificate presented for ${host} was signed by a certificate authority this machine does not trust. On company networks this is almost always a TLS-inspecting proxy that re-signs traffic with a corporate root CA (or a private proxy with an internal CA) that is missing from this machine's, or this container's, trust store.`;
      fix = storeFix;
    } else if (/certificate is valid for|doesn't contain any IP SANs|none matched/.test(detail)) {
      title = `TLS certificate does not match ${host}`;
      cause = `The certificate presented for ${host} was issued for other names (${detail}). Either GOPROXY or the module path uses a name or IP address the server's certificate doesn't cover, or something between you and the server answers in its place.`;
      fix = [
        "Use the host name the certificate was issued for in GOPROXY (`go env GOPROXY`), not an IP address or alias.",
        "If a TLS-inspecting proxy answers instead, its CA must be trusted here:",
        ...storeFix.slice(0, 2),
      ];
    } else if (/expired or is not yet valid/.test(detail)) {
      title = `TLS certificate of ${host} is expired or not yet valid`;
      cause = `The certificate presented for ${host} is outside its validity period (${detail}). Either the server's certificate expired, or this machine's clock is wrong (common in fresh VMs and containers without time sync).`;
      fix = [
        "Check the clock: `date -u`.",
        `Check the certificate: \`openssl s_client -connect ${host.includes(":") ? host : `${host}:443`} -servername ${host.replace(/:\d+$/, "")} </dev/null | openssl x509 -noout -dates\`; if it expired, the server's owner must renew it.`,
      ];
    } else {
      title = `TLS certificate problem with ${host}`;
      cause = `Go rejected the certificate presented for ${host}: x509: ${detail}.`;
      fix = storeFix;
    }
    const result: MatcherResult = { title, cause, fix, dedupKey: host };
    if (ref) result.module = ref.path;
    return result;
  },
};
