/**
 * Redaction for anything --explain prints. Logs pasted from CI often carry the credential that
 * made a request (user:token@ in a GOPROXY URL, an Authorization header echoed by `-x`, a
 * netrc line), and the explanation must never repeat it.
 */

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;
const AUTH_HEADER =
  /\b(authorization|proxy-authorization)(\s*[:=]\s*)(?:(basic|bearer|token|digest)\s+)?[^\s"',;]+/gi;
const TOKEN_HEADER = /\b(private-token|job-token|x-api-key|x-auth-token)(\s*[:=]\s*)[^\s"',;]+/gi;
// Not after "/", "." or "@": "example.com/x/token: no Go files" is a package path, not a secret.
const KEY_VALUE =
  /(?<![/.@-])\b((?:[a-z0-9]+_)*(?:token|password|passwd|secret|api[_-]?key))(\s*[=:]\s*)(["']?)[^\s"'&,;]+/gi;
const NETRC_LINE = /\bmachine\s+\S+|^\s*default\b/i;
const NETRC_FIELD = /\b(login|password|account)(\s+)[^\s'"]+/gi;
// Shapes of common tokens (GitHub, GitLab, Slack, AWS keys, JWTs), wherever they appear.
const TOKEN_SHAPES =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g;

export function redactSecrets(text: string): string {
  let out = text.replace(URL_USERINFO, "$1***@");
  out = out.replace(AUTH_HEADER, (_m, name: string, sep: string, scheme?: string) =>
    scheme ? `${name}${sep}${scheme} ***` : `${name}${sep}***`,
  );
  out = out.replace(TOKEN_HEADER, "$1$2***");
  out = out.replace(KEY_VALUE, "$1$2$3***");
  if (NETRC_LINE.test(out)) out = out.replace(NETRC_FIELD, "$1$2***");
  return out.replace(TOKEN_SHAPES, "***");
}
