import type { UpstreamResult } from "../../types.js";

type Failure = Extract<UpstreamResult<never>, { ok: false }>;

/** Phrases the go command uses when a module or version genuinely does not exist. */
const NOT_FOUND = [
  /unknown revision/i,
  /no matching versions/i,
  /\bnot found\b/i,
  /\b404\b/,
  /\b410\b/,
];

/**
 * "not found" also appears when a tool is missing; that is a broken server, and answering 404
 * would send clients on to the next proxy (or leak a private path to it).
 */
const NOT_A_NOT_FOUND = [/executable file not found/i, /command not found/i, /\bgit: not found/i];

const MAX_MESSAGE = 2000;

/** Removes user:password from any URL in go's or git's output before it is logged or served. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1***@");
}

/** The useful part of go's stderr: error lines, not "go: downloading" progress. */
export function goErrorText(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^go: (downloading|finding|extracting) /.test(l));
  return lines.join("\n");
}

/**
 * Classifies a failed go command. Only a genuine not-found is a 404 (so a `,` GOPROXY list may
 * try elsewhere); everything else — network, auth, timeouts, a missing git — is an error.
 */
export function classifyGoFailure(message: string): Failure {
  const text = truncate(redactCredentials(message.trim() || "go command failed"));
  const notFound =
    NOT_FOUND.some((re) => re.test(text)) && !NOT_A_NOT_FOUND.some((re) => re.test(text));
  return notFound
    ? { ok: false, notFound: true, status: 404, message: text }
    : { ok: false, notFound: false, status: 502, message: text };
}

export function failure(status: number | undefined, message: string): Failure {
  return { ok: false, notFound: false, status, message: truncate(redactCredentials(message)) };
}

export function notFound(message: string): Failure {
  return { ok: false, notFound: true, status: 404, message };
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
