import { pathMatch } from "../../gomod/glob.js";
import { run } from "../exec.js";
import { readNetrc } from "../netrc.js";
import type { Netrc } from "../netrc.js";
import { redactSecrets } from "../redact.js";
import type { DoctorContext, Finding, Probe } from "../types.js";

/** Module path globs whose modules are fetched directly, i.e. with the user's own credentials. */
function privateGlobs(ctx: DoctorContext): string[] {
  const spec = ctx.target.spec;
  const globs = spec
    ? [...spec.modules.private, ...(spec.modules.noproxy ?? [])]
    : [ctx.machine.goEnv?.GOPRIVATE ?? "", ctx.machine.goEnv?.GONOPROXY ?? ""].flatMap((v) =>
        v.split(","),
      );
  return globs.map((g) => g.trim()).filter((g) => g !== "");
}

/** "github.com/acme/*" -> "github.com"; "*.corp.example" stays a glob. */
export function hostGlobs(globs: string[]): string[] {
  return [...new Set(globs.map((g) => g.split("/")[0] ?? g).filter((h) => h !== ""))].sort();
}

function hostMatches(hostGlob: string, host: string): boolean {
  return pathMatch(hostGlob.toLowerCase(), host.toLowerCase());
}

/** The host of a git URL or prefix: https://h/..., ssh://git@h/..., git@h:..., h/... */
export function gitUrlHost(url: string): string | undefined {
  const m =
    /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?([^/:]+)/i.exec(url) ??
    /^(?:[^@/]+@)?([^/:]+)[:/]/.exec(url);
  return m?.[1];
}

interface GitFacts {
  present: boolean;
  /** (original prefix, its host) for each url.<base>.insteadOf. */
  rewrites: { from: string; host: string | undefined }[];
  /** Helper names by URL scope ("" for all hosts). */
  helpers: { scope: string; name: string }[];
}

async function readGit(ctx: DoctorContext): Promise<GitFacts> {
  const opts = { cwd: ctx.root, env: ctx.env, timeoutMs: ctx.commandTimeoutMs };
  const [rewrites, helpers] = await Promise.all([
    run("git", ["config", "--get-regexp", "^url\\..*\\.insteadof$"], opts),
    run("git", ["config", "--get-regexp", "^credential\\..*helper$"], opts),
  ]);
  if (rewrites.missing) return { present: false, rewrites: [], helpers: [] };
  return {
    present: true,
    // Lines are "url.<base>.insteadof <from>"; the base may hold a token and is never kept.
    rewrites: lines(rewrites.stdout).flatMap((l) => {
      const from = l.slice(l.lastIndexOf(" ") + 1);
      return from ? [{ from, host: gitUrlHost(from) }] : [];
    }),
    helpers: lines(helpers.stdout).flatMap((l) => {
      const sp = l.indexOf(" ");
      const key = sp < 0 ? l : l.slice(0, sp);
      const value = sp < 0 ? "" : l.slice(sp + 1).trim();
      const scope = key.replace(/^credential\.?/, "").replace(/\.?helper$/i, "");
      // An empty value resets the helper list; it provides nothing.
      if (value === "") return [];
      // A helper may be an inline shell snippet holding a secret: only plain names are shown.
      return [{ scope, name: /^[\w.-]+$/.test(value) ? value : "a custom helper" }];
    }),
  };
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** Credentials for each private module host, named but never printed. */
export const credentialsProbe: Probe = async (ctx) => {
  const hosts = hostGlobs(privateGlobs(ctx));
  if (hosts.length === 0) return [];
  const [git, netrc] = await Promise.all([readGit(ctx), Promise.resolve(readNetrc(ctx.env))]);
  const goauth = (ctx.machine.goEnv?.GOAUTH ?? ctx.env.GOAUTH ?? "").trim();
  return hosts.map((host) => hostCheck(host, git, netrc, goauth));
};

function hostCheck(host: string, git: GitFacts, netrc: Netrc | undefined, goauth: string): Finding {
  const base = { id: `auth.${host}`, title: `credentials ${host}` };
  const sources: string[] = [];
  const machine = netrc?.entries.find(
    (e) => e.machine !== undefined && hostMatches(host, e.machine),
  );
  if (netrc && machine) sources.push(`a machine entry in ${netrc.path}`);
  else if (netrc?.entries.some((e) => e.machine === undefined))
    sources.push(`the default entry in ${netrc.path} (git only)`);
  for (const r of git.rewrites) {
    if (r.host && hostMatches(host, r.host))
      sources.push(`git url.<…>.insteadOf ${redactSecrets(r.from)}`);
  }
  for (const h of git.helpers) {
    const scopeHost =
      h.scope === "" ? undefined : gitUrlHost(h.scope.endsWith("/") ? h.scope : `${h.scope}/`);
    if (h.scope === "" || (scopeHost && hostMatches(host, scopeHost))) {
      sources.push(
        `git credential helper ${h.name}${h.scope ? ` for ${redactSecrets(h.scope)}` : ""}`,
      );
    }
  }
  const goauthWords = goauth
    .split(";")
    .map((c) => c.trim().split(/\s+/)[0] ?? "")
    .filter((w) => w !== "" && w !== "netrc" && w !== "off");
  if (goauthWords.length > 0) sources.push(`GOAUTH (${goauthWords.join(", ")})`);
  const gitNote = git.present ? "" : "; git is not on PATH, so direct fetches cannot work";
  if (sources.length === 0) {
    return {
      ...base,
      status: "warn",
      detail: `no credential source found (netrc, git insteadOf, git credential helper, GOAUTH)${gitNote}`,
      fix: `add "machine ${host} login <user> password <token>" to ~/.netrc (chmod 600), or git config --global url."ssh://git@${host}/".insteadOf "https://${host}/"`,
    };
  }
  if (machine && netrc?.tooOpen) {
    return {
      ...base,
      status: "warn",
      detail: `${sources.join("; ")}; but ${netrc.path} is readable by other users${gitNote}`,
      fix: `chmod 600 ${netrc.path}`,
    };
  }
  return {
    ...base,
    status: git.present ? "pass" : "warn",
    detail: sources.join("; ") + gitNote,
    ...(git.present ? {} : { fix: "install git" }),
  };
}
